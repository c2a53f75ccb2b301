//! Keyset pagination over sortable ids: constant cost per page, stable under inserts.

/// Which way a list runs: newest first (the default) or oldest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    #[default]
    NewestFirst,
    OldestFirst,
}

/// A page request: at most `limit` items strictly after the `after` key in `order`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub limit: u32,
    pub after: Option<String>,
    pub order: Order,
}

/// One page of results and the key to continue from, if more follow.
#[derive(Debug, Clone, PartialEq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next_after: Option<String>,
}

impl Page {
    /// How many rows to fetch: one more than the page, to learn whether another page follows.
    pub fn fetch_limit(&self) -> i64 {
        i64::from(self.limit) + 1
    }

    /// Cuts a `fetch_limit` result down to the page and works out the continuation key.
    pub fn finish<T>(&self, mut rows: Vec<T>, key: impl Fn(&T) -> String) -> Paged<T> {
        let more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        let next_after = if more { rows.last().map(key) } else { None };
        Paged { items: rows, next_after }
    }
}

impl<T> Paged<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged { items: self.items.into_iter().map(f).collect(), next_after: self.next_after }
    }

    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Paged<U>, E> {
        Ok(Paged { items: self.items.into_iter().map(f).collect::<Result<_, E>>()?, next_after: self.next_after })
    }
}

/// Applies a page to a boxed query over a table keyed by a sortable id column: the position after
/// the page key, the order, and one row more than the page (see `Page::finish`).
macro_rules! keyset {
    ($query:expr, $id:expr, $page:expr) => {{
        let page: &$crate::Page = $page;
        let query = match (page.order, &page.after) {
            ($crate::Order::NewestFirst, Some(after)) => $query.filter($id.lt(after.clone())),
            ($crate::Order::OldestFirst, Some(after)) => $query.filter($id.gt(after.clone())),
            (_, None) => $query,
        };
        let query = match page.order {
            $crate::Order::NewestFirst => query.order($id.desc()),
            $crate::Order::OldestFirst => query.order($id.asc()),
        };
        query.limit(page.fetch_limit())
    }};
}
pub(crate) use keyset;
