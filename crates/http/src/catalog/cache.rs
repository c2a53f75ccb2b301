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

/// The cache's generation when a database read began.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

/// What an entry costs beyond its JSON and id (map slot, Arc, bookkeeping), roughly.
const OVERHEAD_BYTES: usize = 128;

struct Entries {
    lru: LruCache<String, Arc<Cached>>,
    bytes: usize,
}

pub struct CatalogCache {
    entries: Mutex<Entries>,
    /// Invalidations so far.
    generation: AtomicU64,
    budget_bytes: usize,
    ttl: Duration,
    /// Lookups answered from the cache, and not (for the metrics).
    hits: AtomicU64,
    misses: AtomicU64,
}

/// What the cache holds and how it served (for the metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    pub entries: usize,
    pub bytes: usize,
}

fn cost(id: &str, entry: &Cached) -> usize {
    id.len() + entry.json.len() + OVERHEAD_BYTES
}

impl CatalogCache {
    /// A cache of at most about `budget_bytes` of entries, each kept at most `ttl`.
    pub fn new(budget_bytes: usize, ttl: Duration) -> CatalogCache {
        let entries = Mutex::new(Entries { lru: LruCache::unbounded(), bytes: 0 });
        let (hits, misses) = (AtomicU64::new(0), AtomicU64::new(0));
        CatalogCache { entries, generation: AtomicU64::new(0), budget_bytes, ttl, hits, misses }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn get(&self, id: &str) -> Option<Arc<Cached>> {
        let found = self.lookup(id);
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    fn lookup(&self, id: &str) -> Option<Arc<Cached>> {
        let mut entries = self.lock();
        let found = entries.lru.get(id)?.clone();
        if found.stored_at.elapsed() > self.ttl {
            if let Some(expired) = entries.lru.pop(id) {
                entries.bytes -= cost(id, &expired);
            }
            return None;
        }
        Some(found)
    }

    pub fn stats(&self) -> CacheStats {
        let entries = self.lock();
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: entries.lru.len(),
            bytes: entries.bytes,
        }
    }

    /// Take one before reading an entry from the database, and give it to `put`.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.generation.load(Ordering::Acquire))
    }

    /// Keeps the entry unless some product was invalidated since `ticket` was taken (the entry may
    /// predate that change); returns it either way, to be served.
    pub fn put(&self, ticket: Ticket, id: &str, status: ProductStatus, version: i64, json: Bytes) -> Arc<Cached> {
        let entry = Arc::new(Cached { status, version, json, stored_at: Instant::now() });
        let size = cost(id, &entry);
        if size > self.budget_bytes {
            return entry;
        }
        let mut entries = self.lock();
        if self.generation.load(Ordering::Acquire) != ticket.0 {
            return entry;
        }
        if let Some((old_id, old)) = entries.lru.push(id.to_owned(), entry.clone()) {
            entries.bytes -= cost(&old_id, &old);
        }
        entries.bytes += size;
        while entries.bytes > self.budget_bytes {
            match entries.lru.pop_lru() {
                Some((old_id, old)) => entries.bytes -= cost(&old_id, &old),
                None => break,
            }
        }
        entry
    }

    pub fn invalidate(&self, id: &str) {
        let mut entries = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(old) = entries.lru.pop(id) {
            entries.bytes -= cost(id, &old);
        }
    }

    /// How many entries are held (for tests and logs).
    pub fn len(&self) -> usize {
        self.lock().lru.len()
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
    fn expired_entries_are_not_served() {
        let c = CatalogCache::new(1 << 20, Duration::ZERO);
        c.put(c.ticket(), "p1", ProductStatus::OnSale, 1, Bytes::from_static(b"{}"));
        std::thread::sleep(Duration::from_millis(2));
        assert!(c.get("p1").is_none());
    }
}
