//! A bounded in-process cache of catalog entries (the stored JSON of `GET /v1/catalog/products/{id}`).
//! Changes made through this instance invalidate at once; changes made by other instances reach it
//! through the product events, which every instance polls (`follow_events` in the server); entries
//! also expire after a time-to-live as a safety net. Bounded by bytes, least recently used out first.
//! A read from the database that raced an invalidation is served but not kept (`Ticket`), so an old
//! entry can never be put back after the change that replaced it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use lru::LruCache;
use shelf_domain::product::ProductStatus;

/// A catalog entry as served.
#[derive(Debug)]
pub struct Cached {
    pub status: ProductStatus,
    pub version: i64,
    pub json: Bytes,
    stored_at: Instant,
}

/// A list page as served: its ETag and body (cards).
#[derive(Debug)]
pub struct CachedPage {
    pub etag: String,
    pub body: Bytes,
    stored_at: Instant,
}

/// The cache's generation when a database read began.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

/// What an entry costs beyond its JSON and key (map slot, Arc, bookkeeping), roughly.
const OVERHEAD_BYTES: usize = 128;

/// What a cached value costs in memory, beyond its key.
trait Weighed {
    fn bytes(&self) -> usize;
    fn stored_at(&self) -> Instant;
}

impl Weighed for Cached {
    fn bytes(&self) -> usize {
        self.json.len()
    }
    fn stored_at(&self) -> Instant {
        self.stored_at
    }
}

impl Weighed for CachedPage {
    fn bytes(&self) -> usize {
        self.etag.len() + self.body.len()
    }
    fn stored_at(&self) -> Instant {
        self.stored_at
    }
}

/// Values by key within a byte budget, least recently used out first.
struct Bounded<V> {
    lru: LruCache<String, Arc<V>>,
    bytes: usize,
    budget: usize,
}

fn cost<V: Weighed>(key: &str, value: &V) -> usize {
    key.len() + value.bytes() + OVERHEAD_BYTES
}

impl<V: Weighed> Bounded<V> {
    fn new(budget: usize) -> Bounded<V> {
        Bounded { lru: LruCache::unbounded(), bytes: 0, budget }
    }

    /// The value of `key` unless older than `ttl` (then dropped).
    fn get(&mut self, key: &str, ttl: Duration) -> Option<Arc<V>> {
        let found = self.lru.get(key)?.clone();
        if found.stored_at().elapsed() > ttl {
            self.remove(key);
            return None;
        }
        Some(found)
    }

    fn put(&mut self, key: &str, value: Arc<V>) {
        let size = cost(key, &*value);
        if size > self.budget {
            return;
        }
        if let Some((old_key, old)) = self.lru.push(key.to_owned(), value) {
            self.bytes -= cost(&old_key, &*old);
        }
        self.bytes += size;
        while self.bytes > self.budget {
            match self.lru.pop_lru() {
                Some((old_key, old)) => self.bytes -= cost(&old_key, &*old),
                None => break,
            }
        }
    }

    fn remove(&mut self, key: &str) {
        if let Some(old) = self.lru.pop(key) {
            self.bytes -= cost(key, &*old);
        }
    }

    fn clear(&mut self) {
        self.lru.clear();
        self.bytes = 0;
    }
}

pub struct CatalogCache {
    entries: Mutex<Bounded<Cached>>,
    /// List pages by what was asked: any change to any product drops them all (a change can move a
    /// product onto, off or along any list).
    pages: Mutex<Bounded<CachedPage>>,
    /// Invalidations so far.
    generation: AtomicU64,
    ttl: Duration,
    /// Lookups answered from the cache, and not (for the metrics).
    hits: AtomicU64,
    misses: AtomicU64,
    page_hits: AtomicU64,
    page_misses: AtomicU64,
}

/// What the cache holds and how it served (for the metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    pub entries: usize,
    pub bytes: usize,
    pub page_hits: u64,
    pub page_misses: u64,
    pub pages: usize,
    pub page_bytes: usize,
}

/// What list pages may take beside the entries (at most the entries' budget: none when entries are off).
const PAGE_BUDGET_BYTES: usize = 4 << 20;

fn lock<V>(m: &Mutex<Bounded<V>>) -> std::sync::MutexGuard<'_, Bounded<V>> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn count(found: bool, hits: &AtomicU64, misses: &AtomicU64) {
    let counter = if found { hits } else { misses };
    counter.fetch_add(1, Ordering::Relaxed);
}

impl CatalogCache {
    /// A cache of at most about `budget_bytes` of entries and up to 4 MiB of list pages, each kept at
    /// most `ttl`.
    pub fn new(budget_bytes: usize, ttl: Duration) -> CatalogCache {
        CatalogCache {
            entries: Mutex::new(Bounded::new(budget_bytes)),
            pages: Mutex::new(Bounded::new(budget_bytes.min(PAGE_BUDGET_BYTES))),
            generation: AtomicU64::new(0),
            ttl,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            page_hits: AtomicU64::new(0),
            page_misses: AtomicU64::new(0),
        }
    }

    pub fn get(&self, id: &str) -> Option<Arc<Cached>> {
        let found = lock(&self.entries).get(id, self.ttl);
        count(found.is_some(), &self.hits, &self.misses);
        found
    }

    /// The list page asked as `key` (every parameter that shapes it).
    pub fn page(&self, key: &str) -> Option<Arc<CachedPage>> {
        let found = lock(&self.pages).get(key, self.ttl);
        count(found.is_some(), &self.page_hits, &self.page_misses);
        found
    }

    pub fn stats(&self) -> CacheStats {
        let (entries, pages) = (lock(&self.entries), lock(&self.pages));
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: entries.lru.len(),
            bytes: entries.bytes,
            page_hits: self.page_hits.load(Ordering::Relaxed),
            page_misses: self.page_misses.load(Ordering::Relaxed),
            pages: pages.lru.len(),
            page_bytes: pages.bytes,
        }
    }

    /// Take one before reading an entry or a page from the database, and give it to `put`/`put_page`.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.generation.load(Ordering::Acquire))
    }

    /// Keeps the entry unless some product was invalidated since `ticket` was taken (the entry may
    /// predate that change); returns it either way, to be served.
    pub fn put(&self, ticket: Ticket, id: &str, status: ProductStatus, version: i64, json: Bytes) -> Arc<Cached> {
        let entry = Arc::new(Cached { status, version, json, stored_at: Instant::now() });
        let mut entries = lock(&self.entries);
        if self.generation.load(Ordering::Acquire) == ticket.0 {
            entries.put(id, entry.clone());
        }
        entry
    }

    /// Keeps the page unless some product was invalidated since `ticket` was taken; returns it.
    pub fn put_page(&self, ticket: Ticket, key: &str, etag: String, body: Bytes) -> Arc<CachedPage> {
        let page = Arc::new(CachedPage { etag, body, stored_at: Instant::now() });
        let mut pages = lock(&self.pages);
        if self.generation.load(Ordering::Acquire) == ticket.0 {
            pages.put(key, page.clone());
        }
        page
    }

    /// Product `id` changed: its entry and every list page go.
    pub fn invalidate(&self, id: &str) {
        let (mut entries, mut pages) = (lock(&self.entries), lock(&self.pages));
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.remove(id);
        pages.clear();
    }

    /// How many entries are held (for tests and logs).
    pub fn len(&self) -> usize {
        lock(&self.entries).lru.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(budget: usize) -> CatalogCache {
        CatalogCache::new(budget, Duration::from_secs(60))
    }

    #[test]
    fn entries_are_served_until_invalidated() {
        let c = cache(1 << 20);
        c.put(c.ticket(), "p1", ProductStatus::OnSale, 1, Bytes::from_static(b"{}"));
        assert_eq!(c.get("p1").unwrap().version, 1);
        c.invalidate("p1");
        assert!(c.get("p1").is_none());
    }

    #[test]
    fn the_cache_stays_within_its_budget() {
        let c = cache(10_000);
        for i in 0..1_000 {
            c.put(c.ticket(), &format!("product-{i}"), ProductStatus::OnSale, 1, Bytes::from(vec![b' '; 100]));
        }
        assert!(c.len() * (100 + 11 + OVERHEAD_BYTES) <= 10_000, "{} entries", c.len());
        assert!(c.len() >= 10_000 / (100 + 11 + OVERHEAD_BYTES + 2), "{} entries", c.len());
        assert!(c.get("product-999").is_some());
        assert!(c.get("product-0").is_none());
    }

    #[test]
    fn the_least_recently_read_entry_goes_first() {
        let c = cache(3 * (2 + 2 + OVERHEAD_BYTES));
        for id in ["p1", "p2", "p3"] {
            c.put(c.ticket(), id, ProductStatus::OnSale, 1, Bytes::from_static(b"{}"));
        }
        assert!(c.get("p1").is_some());
        c.put(c.ticket(), "p4", ProductStatus::OnSale, 1, Bytes::from_static(b"{}"));
        assert!(c.get("p2").is_none());
        assert!(c.get("p1").is_some() && c.get("p3").is_some() && c.get("p4").is_some());
    }

    #[test]
    fn a_read_that_raced_an_invalidation_is_served_but_not_kept() {
        let c = cache(1 << 20);
        let ticket = c.ticket();
        c.invalidate("p1");
        let served = c.put(ticket, "p1", ProductStatus::OnSale, 1, Bytes::from_static(b"{}"));
        assert_eq!(served.version, 1);
        assert!(c.get("p1").is_none());
        c.put(c.ticket(), "p1", ProductStatus::OnSale, 2, Bytes::from_static(b"{}"));
        assert_eq!(c.get("p1").unwrap().version, 2);
    }

    #[test]
    fn a_page_is_served_until_any_product_changes_and_a_racing_read_is_not_kept() {
        let c = cache(1 << 20);
        c.put(c.ticket(), "p1", ProductStatus::OnSale, 1, Bytes::from_static(b"{}"));
        c.put_page(c.ticket(), "first", "\"a\"".into(), Bytes::from_static(b"{\"items\":[]}"));
        assert_eq!(c.page("first").unwrap().etag, "\"a\"");
        let ticket = c.ticket();
        c.invalidate("p2");
        assert!(c.page("first").is_none(), "a change to any product drops every page");
        assert!(c.get("p1").is_some(), "and only that product's entry");
        c.put_page(ticket, "first", "\"b\"".into(), Bytes::new());
        assert!(c.page("first").is_none());
        let stats = c.stats();
        assert_eq!((stats.page_hits, stats.page_misses, stats.pages), (1, 2, 0));
    }

    #[test]
    fn pages_stay_within_their_own_budget() {
        let c = cache(1 << 30);
        for i in 0..1_000 {
            c.put_page(c.ticket(), &format!("page-{i}"), String::new(), Bytes::from(vec![b' '; 64 << 10]));
        }
        assert!(c.stats().page_bytes <= PAGE_BUDGET_BYTES && c.stats().pages >= 60, "{:?}", c.stats());
        let off = cache(0);
        off.put_page(off.ticket(), "p", String::new(), Bytes::new());
        assert!(off.page("p").is_none(), "no entries, no pages");
    }

    #[test]
    fn expired_entries_are_not_served() {
        let c = CatalogCache::new(1 << 20, Duration::ZERO);
        c.put(c.ticket(), "p1", ProductStatus::OnSale, 1, Bytes::from_static(b"{}"));
        std::thread::sleep(Duration::from_millis(2));
        assert!(c.get("p1").is_none());
    }
}
