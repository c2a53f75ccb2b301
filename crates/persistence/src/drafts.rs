//! Drafts: rows, and the queries a seller's drafts need. Every query is scoped by `seller_id`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shelf_domain::{Draft, DraftContent, DraftKind, DraftState, Transition};

use crate::KeepPrepared;
use crate::page::keyset;
use crate::schema::drafts;
use crate::{DbConnection, Error, Page, Paged, Result, from_db_time, new_id, now, to_db_time, to_json};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = drafts, treat_none_as_default_value = false)]
pub struct DraftRow {
    pub id: String,
    pub seller_id: String,
    pub kind: String,
    pub state: String,
    pub product_id: Option<String>,
    pub name_search: Option<String>,
    pub content: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl TryFrom<DraftRow> for Draft {
    type Error = Error;

    fn try_from(row: DraftRow) -> Result<Draft> {
        let corrupt = |what: &str, e: String| Error::Corrupt(format!("draft {}: {what}: {e}", row.id));
        Ok(Draft {
            kind: row.kind.parse().map_err(|e: shelf_domain::text_enum::UnknownText| corrupt("kind", e.to_string()))?,
            state: row
                .state
                .parse()
                .map_err(|e: shelf_domain::text_enum::UnknownText| corrupt("state", e.to_string()))?,
            content: serde_json::from_str(&row.content).map_err(|e| corrupt("content", e.to_string()))?,
            id: row.id,
            seller_id: row.seller_id,
            product_id: row.product_id,
            version: row.version,
            created_at: from_db_time(row.created_at),
            updated_at: from_db_time(row.updated_at),
        })
    }
}

/// What `?q=` searches: the name, lower-cased so that the match is case-insensitive on both databases.
fn name_search(content: &DraftContent) -> Option<String> {
    content.name.as_ref().map(|n| n.to_lowercase())
}

pub struct NewDraft<'a> {
    pub seller_id: &'a str,
    pub kind: DraftKind,
    pub product_id: Option<&'a str>,
    pub content: &'a DraftContent,
}

pub fn insert(conn: &mut DbConnection, new: NewDraft<'_>) -> Result<Draft> {
    let at = to_db_time(now());
    let row = DraftRow {
        id: new_id(),
        seller_id: new.seller_id.to_owned(),
        kind: new.kind.as_str().to_owned(),
        state: DraftState::Editing.as_str().to_owned(),
        product_id: new.product_id.map(str::to_owned),
        name_search: name_search(new.content),
        content: to_json(new.content)?,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(drafts::table).values(&row).execute(conn)?;
    row.try_into()
}

crate::owned::get_for_seller!(drafts, DraftRow, Draft);

#[derive(Debug, Clone, Default)]
pub struct DraftFilter {
    pub state: Option<DraftState>,
    pub kind: Option<DraftKind>,
    /// Name contains, case-insensitive.
    pub name_contains: Option<String>,
}

/// Escapes LIKE wildcards so that `?q=50%` means the text "50%".
pub(crate) fn like_contains(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

pub fn list_for_seller(
    conn: &mut DbConnection,
    seller_id: &str,
    filter: &DraftFilter,
    page: &Page,
) -> Result<Paged<Draft>> {
    let mut query = drafts::table.filter(drafts::seller_id.eq(seller_id)).into_boxed();
    if let Some(state) = filter.state {
        query = query.filter(drafts::state.eq(state.as_str()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(drafts::kind.eq(kind.as_str()));
    }
    if let Some(q) = &filter.name_contains {
        query = query.filter(drafts::name_search.like(like_contains(q)).escape('\\'));
    }
    let rows = keyset!(query, drafts::id, page).select(DraftRow::as_select()).load(conn)?;
    page.finish(rows, |r| r.id.clone()).try_map(Draft::try_from)
}

/// Why a conditional change found nothing to change.
fn explain_miss(conn: &mut DbConnection, seller_id: &str, id: &str, expected_version: i64) -> Error {
    match get_for_seller(conn, seller_id, id) {
        Err(e) => e,
        Ok(d) if d.version != expected_version => Error::VersionMismatch,
        Ok(d) => Error::Conflict(format!("the draft is {} and cannot be changed", d.state.as_str())),
    }
}

/// The stored names of these states.
fn names(states: &[DraftState]) -> Vec<&'static str> {
    states.iter().map(|s| s.as_str()).collect()
}

type DraftPredicate = Box<dyn BoxableExpression<drafts::table, crate::MultiBackend, SqlType = diesel::sql_types::Bool>>;

/// The seller's draft `id`, if it is still at `version` and editable: what every conditional change targets.
fn editable_at_version(seller_id: &str, id: &str, version: i64) -> DraftPredicate {
    Box::new(
        drafts::seller_id
            .eq(seller_id.to_owned())
            .and(drafts::id.eq(id.to_owned()))
            .and(drafts::version.eq(version))
            .and(drafts::state.eq_any(names(&DraftState::EDITABLE))),
    )
}

/// Replaces the content if the draft is still at `expected_version` and editable; bumps the version.
pub fn update_content_if_version(
    conn: &mut DbConnection,
    seller_id: &str,
    id: &str,
    expected_version: i64,
    content: &DraftContent,
) -> Result<Draft> {
    let target = drafts::table.filter(editable_at_version(seller_id, id, expected_version));
    let updated: Option<DraftRow> = diesel::update(target)
        .set((
            drafts::content.eq(to_json(content)?),
            drafts::name_search.eq(name_search(content)),
            drafts::version.eq(expected_version + 1),
            drafts::updated_at.eq(to_db_time(now())),
        ))
        .returning(drafts::all_columns)
        .get_result(conn)
        .optional()?;
    match updated {
        Some(row) => row.try_into(),
        None => Err(explain_miss(conn, seller_id, id, expected_version)),
    }
}

/// Deletes the draft if it is still at `expected_version` and deletable.
pub fn delete_if_version(conn: &mut DbConnection, seller_id: &str, id: &str, expected_version: i64) -> Result<()> {
    let target = drafts::table.filter(editable_at_version(seller_id, id, expected_version));
    match diesel::delete(target).execute(conn)? {
        0 => Err(explain_miss(conn, seller_id, id, expected_version)),
        _ => Ok(()),
    }
}

/// Applies a workflow transition to the draft (the domain says from which states, to which), bumping
/// its version; a draft in another state is a conflict.
pub fn transition(conn: &mut DbConnection, id: &str, transition: Transition, product_id: Option<&str>) -> Result<()> {
    let target = drafts::table.filter(drafts::id.eq(id).and(drafts::state.eq_any(names(transition.from_states()))));
    let changes = (
        drafts::state.eq(transition.to_state().as_str()),
        drafts::version.eq(drafts::version + 1),
        drafts::updated_at.eq(to_db_time(now())),
    );
    // One statement either way: a release's draft learns its product as it closes. Nothing is
    // returned: the callers have the draft already (and its content is the bulk of the row).
    let updated = match product_id {
        Some(product_id) => crate::on_backend!(conn, |c| diesel::update(target)
            .set((changes, drafts::product_id.eq(product_id)))
            .prepared()
            .execute(c)?),
        None => crate::on_backend!(conn, |c| diesel::update(target).set(changes).prepared().execute(c)?),
    };
    match updated {
        0 => Err(Error::Conflict("the draft is not in a state that allows this".into())),
        _ => Ok(()),
    }
}

/// How many drafts the seller has open. Counted on the open states by name (index ranges), so the
/// closed drafts a seller's releases leave behind, however many, are never read.
pub fn count_open(conn: &mut DbConnection, seller_id: &str) -> Result<i64> {
    Ok(drafts::table
        .filter(drafts::seller_id.eq(seller_id).and(drafts::state.eq_any(names(&DraftState::OPEN))))
        .count()
        .get_result(conn)?)
}

/// Whether the product has an open (not closed) modification draft.
pub fn open_modification_exists(conn: &mut DbConnection, product_id: &str) -> Result<bool> {
    let n: i64 = drafts::table
        .filter(drafts::product_id.eq(product_id).and(drafts::state.eq_any(names(&DraftState::OPEN))))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_contains("50%_Off\\"), "%50\\%\\_off\\\\%");
    }
}
