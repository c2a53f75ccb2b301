//! A bounded in-process cache of catalog entries (what `GET /v1/catalog/products/{id}` sends: the
//! stored JSON, packed with a trained dictionary while held (`packing`), or its stored gzip form,
//! whichever clients asked for).
//! Changes made through this instance invalidate at once; changes made by other instances reach it
//! through the product events, which every instance polls (`follow_events` in the server); entries
//! also expire after a time-to-live as a safety net. Bounded by bytes, least recently used out first.
//! A read from the database that raced an invalidation is served but not kept (`Ticket`), so an old
//! entry can never be put back after the change that replaced it.

use std::borrow::Borrow;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use lru::LruCache;
use shelf_domain::product::ProductStatus;

use super::packing::{Form, Packer};

/// How an entry is sent: its JSON as it is, or gzip-coded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
}

/// A catalog entry in the forms clients have asked for: its JSON (packed), the gzip form as stored;
/// an entry asked for both ways holds both, and costs both. Held in the list's node itself (a hit
/// copies out the packed bytes and unpacks them outside the lock).
#[derive(Debug)]
struct Cached {
    status: ProductStatus,
    version: i64,
    json: Option<Form>,
    gzip: Option<Box<[u8]>>,
    stored_at: Instant,
}

/// A product's key in the cache: the 16 bytes of the UUID every product id is (no allocation of
/// its own, and no 16-byte alignment to pad the list's node to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct EntryKey([u8; 16]);

impl EntryKey {
    /// The key of `id`, if it is a UUID as product ids are written (lower case, hyphenated): any
    /// other spelling, which the database does not find, is never held.
    fn of(id: &str) -> Option<EntryKey> {
        let mut canonical = [0u8; 36];
        let uuid = uuid::Uuid::try_parse(id).ok()?;
        (uuid.hyphenated().encode_lower(&mut canonical) == id).then(|| EntryKey(uuid.into_bytes()))
    }
}

/// An entry as served: its status and version, and its bytes in the coding asked for.
#[derive(Debug, Clone)]
pub struct Entry {
    pub status: ProductStatus,
    pub version: i64,
    pub body: Bytes,
}

/// A list page as served: its ETag (if it has one) and body, and until when it holds.
#[derive(Debug)]
pub struct CachedPage {
    pub etag: String,
    pub body: Bytes,
    expires_at: Instant,
}

/// The cache's generation when a database read began.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

/// What a value costs beyond its bytes and its key's: the list's node (key and entry: 104 bytes, a
/// 112-byte chunk), the map's slot (16 bytes at up to 7/8 load) and the allocator's rounding of the
/// packed bytes (measured as RSS per entry held: bench/HISTORY.md).
const OVERHEAD_BYTES: usize = 160;

/// What a cached value costs in memory, beyond its key.
trait Weighed {
    fn bytes(&self) -> usize;
    /// Whether it may still be served (kept at most `ttl`).
    fn fresh(&self, ttl: Duration) -> bool;
}

/// What a key holds beside it.
trait KeyBytes {
    fn bytes(&self) -> usize;
}

impl KeyBytes for String {
    fn bytes(&self) -> usize {
        self.len()
    }
}

impl KeyBytes for EntryKey {
    fn bytes(&self) -> usize {
        0
    }
}

impl<T: Weighed> Weighed for Arc<T> {
    fn bytes(&self) -> usize {
        T::bytes(self)
    }
    fn fresh(&self, ttl: Duration) -> bool {
        T::fresh(self, ttl)
    }
}

impl Weighed for Cached {
    fn bytes(&self) -> usize {
        self.json.as_ref().map_or(0, Form::bytes) + self.gzip.as_ref().map_or(0, |gzip| gzip.len())
    }
    fn fresh(&self, ttl: Duration) -> bool {
        self.stored_at.elapsed() <= ttl
    }
}

impl Weighed for CachedPage {
    fn bytes(&self) -> usize {
        self.etag.len() + self.body.len()
    }
    fn fresh(&self, _: Duration) -> bool {
        Instant::now() < self.expires_at
    }
}

/// Values by key within a byte budget, least recently used out first.
struct Bounded<K, V> {
    lru: LruCache<K, V>,
    bytes: usize,
    budget: usize,
}

fn cost<K: KeyBytes, V: Weighed>(key: &K, value: &V) -> usize {
    key.bytes() + value.bytes() + OVERHEAD_BYTES
}

impl<K: KeyBytes + Hash + Eq, V: Weighed> Bounded<K, V> {
    fn new(budget: usize) -> Bounded<K, V> {
        Bounded { lru: LruCache::unbounded(), bytes: 0, budget }
    }

    /// The value of `key` unless older than `ttl` (then dropped).
    fn get<Q: Hash + Eq + ?Sized>(&mut self, key: &Q, ttl: Duration) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        if !self.lru.peek(key)?.fresh(ttl) {
            self.remove(key);
            return None;
        }
        self.lru.get(key)
    }

    fn put(&mut self, key: K, value: V) {
        let size = cost(&key, &value);
        if size > self.budget {
            return;
        }
        if let Some((old_key, old)) = self.lru.push(key, value) {
            self.bytes -= cost(&old_key, &old);
        }
        self.bytes += size;
        while self.bytes > self.budget {
            match self.lru.pop_lru() {
                Some((old_key, old)) => self.bytes -= cost(&old_key, &old),
                None => break,
            }
        }
    }

    fn remove<Q: Hash + Eq + ?Sized>(&mut self, key: &Q)
    where
        K: Borrow<Q>,
    {
        if let Some((old_key, old)) = self.lru.pop_entry(key) {
            self.bytes -= cost(&old_key, &old);
        }
    }

    fn clear(&mut self) {
        self.lru.clear();
        self.bytes = 0;
    }
}

/// Rendered pages of a list by every parameter that shapes them, dropped all at once when anything
/// on any of them may have changed (`clear`); each also expires on its own (`put`'s `valid_for`, at
/// most the cache's time-to-live). A read that raced a `clear` is served but not kept.
pub struct PageCache {
    pages: Mutex<Bounded<String, Arc<CachedPage>>>,
    /// Clears so far.
    generation: AtomicU64,
    ttl: Duration,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl PageCache {
    /// At most about `budget_bytes` of pages, each kept at most `ttl`.
    pub fn new(budget_bytes: usize, ttl: Duration) -> PageCache {
        PageCache {
            pages: Mutex::new(Bounded::new(budget_bytes)),
            generation: AtomicU64::new(0),
            ttl,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The page asked as `key`.
    pub fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        let found = lock(&self.pages).get(key, self.ttl).cloned();
        count(found.is_some(), &self.hits, &self.misses);
        found
    }

    /// Take one before reading a page from the database, and give it to `put`.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.generation.load(Ordering::Acquire))
    }

    /// Keeps the page for `valid_for` (at most the time-to-live) unless the cache was cleared since
    /// `ticket` was taken; returns it, to be served.
    pub fn put(&self, ticket: Ticket, key: &str, etag: String, body: Bytes, valid_for: Duration) -> Arc<CachedPage> {
        let page = Arc::new(CachedPage { etag, body, expires_at: Instant::now() + valid_for.min(self.ttl) });
        let mut pages = lock(&self.pages);
        if self.generation.load(Ordering::Acquire) == ticket.0 {
            pages.put(key.to_owned(), page.clone());
        }
        page
    }

    /// Something on some page may have changed: every page goes.
    pub fn clear(&self) {
        let mut pages = lock(&self.pages);
        self.generation.fetch_add(1, Ordering::AcqRel);
        pages.clear();
    }

    /// Hits, misses, pages held and their bytes.
    pub fn stats(&self) -> (u64, u64, usize, usize) {
        let pages = lock(&self.pages);
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed), pages.lru.len(), pages.bytes)
    }
}

pub struct CatalogCache {
    entries: Mutex<Bounded<EntryKey, Cached>>,
    packer: Packer,
    /// List and search pages: any change to any product drops them all (a change can move a product
    /// onto, off or along any list).
    pub pages: PageCache,
    /// Invalidations so far.
    generation: AtomicU64,
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
    pub page_hits: u64,
    pub page_misses: u64,
    pub pages: usize,
    pub page_bytes: usize,
}

/// What list pages may take beside the entries (at most the entries' budget: none when entries are off).
const PAGE_BUDGET_BYTES: usize = 4 << 20;

fn lock<K, V>(m: &Mutex<Bounded<K, V>>) -> std::sync::MutexGuard<'_, Bounded<K, V>> {
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
        CatalogCache::packing_with(budget_bytes, ttl, Packer::new())
    }

    /// The same, entries packed by `packer`.
    pub fn packing_with(budget_bytes: usize, ttl: Duration, packer: Packer) -> CatalogCache {
        CatalogCache {
            entries: Mutex::new(Bounded::new(budget_bytes)),
            packer,
            pages: PageCache::new(budget_bytes.min(PAGE_BUDGET_BYTES), ttl),
            generation: AtomicU64::new(0),
            ttl,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The entry of product `id`, if held in `coding` (unpacked outside the lock).
    pub fn get(&self, id: &str, coding: Coding) -> Option<Entry> {
        let held = EntryKey::of(id).and_then(|key| {
            let mut entries = lock(&self.entries);
            let entry = entries.get(&key, self.ttl)?;
            let form = match coding {
                Coding::Identity => entry.json.clone()?,
                Coding::Gzip => Form::Plain(entry.gzip.clone()?),
            };
            Some((entry.status, entry.version, form))
        });
        let found =
            held.and_then(|(status, version, form)| Some(Entry { status, version, body: self.packer.unpack(form)? }));
        count(found.is_some(), &self.hits, &self.misses);
        found
    }

    pub fn stats(&self) -> CacheStats {
        let (page_hits, page_misses, pages, page_bytes) = self.pages.stats();
        let entries = lock(&self.entries);
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: entries.lru.len(),
            bytes: entries.bytes,
            page_hits,
            page_misses,
            pages,
            page_bytes,
        }
    }

    /// Take one before reading an entry from the database, and give it to `put`.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.generation.load(Ordering::Acquire))
    }

    /// Keeps the entry unless some product was invalidated since `ticket` was taken (the entry may
    /// predate that change); returns it either way, to be served.
    /// The entry is kept in `coding` (`bytes`), beside the other form if that is held for the same
    /// version.
    pub fn put(
        &self,
        ticket: Ticket,
        id: &str,
        status: ProductStatus,
        version: i64,
        coding: Coding,
        bytes: Bytes,
    ) -> Entry {
        let Some(key) = EntryKey::of(id) else { return Entry { status, version, body: bytes } };
        let packed = (coding == Coding::Identity).then(|| self.packer.pack(&bytes));
        let served = Entry { status, version, body: bytes };
        let mut entries = lock(&self.entries);
        if self.generation.load(Ordering::Acquire) != ticket.0 {
            return served;
        }
        let other = entries.lru.peek(&key).filter(|held| held.version == version);
        let (json, gzip) = match packed {
            Some(form) => (Some(form), other.and_then(|held| held.gzip.clone())),
            // A copy of its own: the bytes read came from a reader thread's arena, among its
            // short-lived allocations, where the held ones would keep the arena from shrinking.
            None => (other.and_then(|held| held.json.clone()), Some(Box::from(&served.body[..]))),
        };
        entries.put(key, Cached { status, version, json, gzip, stored_at: Instant::now() });
        served
    }

    /// Product `id` changed: its entry and every list page go.
    pub fn invalidate(&self, id: &str) {
        let mut entries = lock(&self.entries);
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(key) = EntryKey::of(id) {
            entries.remove(&key);
        }
        drop(entries);
        self.pages.clear();
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

    /// Product `n`'s id (a UUID, as product ids are).
    fn id(n: usize) -> String {
        format!("01a25305-c211-760b-8a2b-{n:012x}")
    }

    /// A cache that holds entries as they are (the packed ones: below).
    fn cache(budget: usize) -> CatalogCache {
        CatalogCache::packing_with(budget, Duration::from_secs(60), Packer::training_on(0))
    }

    #[test]
    fn entries_are_served_until_invalidated() {
        let c = cache(1 << 20);
        c.put(c.ticket(), &id(1), ProductStatus::OnSale, 1, Coding::Identity, Bytes::from_static(b"{}"));
        assert_eq!(c.get(&id(1), Coding::Identity).unwrap().version, 1);
        c.invalidate(&id(1));
        assert!(c.get(&id(1), Coding::Identity).is_none());
    }

    #[test]
    fn an_entry_asked_for_both_ways_holds_both_forms_of_one_version_and_costs_both() {
        let c = cache(1 << 20);
        c.put(c.ticket(), &id(1), ProductStatus::OnSale, 1, Coding::Gzip, Bytes::from_static(b"gz1"));
        assert!(c.get(&id(1), Coding::Identity).is_none(), "the JSON was never asked for");
        c.put(c.ticket(), &id(1), ProductStatus::OnSale, 1, Coding::Identity, Bytes::from_static(b"{1}"));
        assert_eq!(c.get(&id(1), Coding::Gzip).unwrap().body, &b"gz1"[..]);
        assert_eq!(c.get(&id(1), Coding::Identity).unwrap().body, &b"{1}"[..]);
        assert_eq!(c.stats().bytes, 6 + OVERHEAD_BYTES);
        c.put(c.ticket(), &id(1), ProductStatus::OnSale, 2, Coding::Identity, Bytes::from_static(b"{2}"));
        assert!(c.get(&id(1), Coding::Gzip).is_none(), "an older version's form is not kept beside a newer one");
        assert_eq!(c.get(&id(1), Coding::Identity).unwrap().version, 2);
        assert_eq!(c.stats().bytes, 3 + OVERHEAD_BYTES);
    }

    #[test]
    fn entries_are_held_packed_once_the_dictionary_is_trained_and_served_as_they_were_given() {
        let c = CatalogCache::packing_with(1 << 20, Duration::from_secs(60), Packer::training_on(200));
        let given = |i: usize| crate::catalog::packing::tests::entry(i);
        for i in 0..200 {
            c.put(c.ticket(), &id(i), ProductStatus::OnSale, 1, Coding::Identity, given(i));
        }
        crate::catalog::packing::tests::trained(&c.packer);
        let before = c.stats().bytes;
        let ids = 200..400;
        for i in ids.clone() {
            let served = c.put(c.ticket(), &id(i), ProductStatus::OnSale, 1, Coding::Identity, given(i));
            assert_eq!(served.body, given(i));
        }
        let packed_bytes = c.stats().bytes - before;
        let json_bytes: usize = ids.clone().map(|i| given(i).len()).sum();
        assert!(packed_bytes < json_bytes / 2 + ids.len() * (OVERHEAD_BYTES + 4), "{packed_bytes} for {json_bytes}");
        for i in (0..400).step_by(37) {
            assert_eq!(c.get(&id(i), Coding::Identity).unwrap().body, given(i), "p{i}");
        }
        c.put(c.ticket(), &id(250), ProductStatus::OnSale, 1, Coding::Gzip, Bytes::from_static(b"gz"));
        assert_eq!(
            c.get(&id(250), Coding::Identity).unwrap().body,
            given(250),
            "the packed JSON stays beside the gzip form"
        );
    }

    #[test]
    fn a_uuid_id_is_held_by_its_bytes_and_only_its_own_spelling_finds_it() {
        let id = "01a25305-c211-760b-8a2b-d14c0d6167d0";
        assert!(EntryKey::of(id).is_some());
        assert!(EntryKey::of(&id.to_uppercase()).is_none());
        assert!(EntryKey::of(&id.replace('-', "")).is_none());
        assert!(EntryKey::of("not-a-product").is_none());
        let c = cache(1 << 20);
        let served =
            c.put(c.ticket(), "not-a-product", ProductStatus::OnSale, 1, Coding::Identity, Bytes::from_static(b"{}"));
        assert_eq!(served.body, &b"{}"[..], "served, not held");
        assert!(c.get("not-a-product", Coding::Identity).is_none() && c.is_empty());
        c.put(c.ticket(), id, ProductStatus::OnSale, 1, Coding::Identity, Bytes::from_static(b"{}"));
        assert!(c.get(id, Coding::Identity).is_some());
        assert!(c.get(&id.to_uppercase(), Coding::Identity).is_none(), "the database would not find it either");
        assert_eq!(c.stats().bytes, 2 + OVERHEAD_BYTES, "the key holds nothing beside it");
        assert!(std::mem::size_of::<(EntryKey, Cached)>() <= 96, "{}", std::mem::size_of::<(EntryKey, Cached)>());
        c.invalidate(id);
        assert!(c.get(id, Coding::Identity).is_none());
    }

    #[test]
    fn the_cache_stays_within_its_budget() {
        let c = cache(10_000);
        for i in 0..1_000 {
            let id = id(i);
            c.put(c.ticket(), &id, ProductStatus::OnSale, 1, Coding::Identity, Bytes::from(vec![b' '; 100]));
        }
        assert!(c.len() * (100 + OVERHEAD_BYTES) <= 10_000, "{} entries", c.len());
        assert!(c.len() == 10_000 / (100 + OVERHEAD_BYTES), "{} entries", c.len());
        assert!(c.get(&id(999), Coding::Identity).is_some());
        assert!(c.get(&id(0), Coding::Identity).is_none());
    }

    #[test]
    fn the_least_recently_read_entry_goes_first() {
        let c = cache(3 * (2 + OVERHEAD_BYTES));
        for product in [id(1), id(2), id(3)] {
            c.put(c.ticket(), &product, ProductStatus::OnSale, 1, Coding::Identity, Bytes::from_static(b"{}"));
        }
        assert!(c.get(&id(1), Coding::Identity).is_some());
        c.put(c.ticket(), &id(4), ProductStatus::OnSale, 1, Coding::Identity, Bytes::from_static(b"{}"));
        assert!(c.get(&id(2), Coding::Identity).is_none());
        assert!(
            c.get(&id(1), Coding::Identity).is_some()
                && c.get(&id(3), Coding::Identity).is_some()
                && c.get(&id(4), Coding::Identity).is_some()
        );
    }

    #[test]
    fn a_read_that_raced_an_invalidation_is_served_but_not_kept() {
        let c = cache(1 << 20);
        let ticket = c.ticket();
        c.invalidate(&id(1));
        let served = c.put(ticket, &id(1), ProductStatus::OnSale, 1, Coding::Identity, Bytes::from_static(b"{}"));
        assert_eq!(served.version, 1);
        assert!(c.get(&id(1), Coding::Identity).is_none());
        c.put(c.ticket(), &id(1), ProductStatus::OnSale, 2, Coding::Identity, Bytes::from_static(b"{}"));
        assert_eq!(c.get(&id(1), Coding::Identity).unwrap().version, 2);
    }

    #[test]
    fn a_page_is_served_until_any_product_changes_and_a_racing_read_is_not_kept() {
        let c = cache(1 << 20);
        c.put(c.ticket(), &id(1), ProductStatus::OnSale, 1, Coding::Identity, Bytes::from_static(b"{}"));
        let minute = Duration::from_secs(60);
        c.pages.put(c.pages.ticket(), "first", "\"a\"".into(), Bytes::from_static(b"{\"items\":[]}"), minute);
        assert_eq!(c.pages.get("first").unwrap().etag, "\"a\"");
        let ticket = c.pages.ticket();
        c.invalidate(&id(2));
        assert!(c.pages.get("first").is_none(), "a change to any product drops every page");
        assert!(c.get(&id(1), Coding::Identity).is_some(), "and only that product's entry");
        c.pages.put(ticket, "first", "\"b\"".into(), Bytes::new(), minute);
        assert!(c.pages.get("first").is_none());
        let stats = c.stats();
        assert_eq!((stats.page_hits, stats.page_misses, stats.pages), (1, 2, 0));
    }

    #[test]
    fn pages_stay_within_their_own_budget() {
        let c = cache(1 << 30);
        let minute = Duration::from_secs(60);
        for i in 0..1_000 {
            c.pages.put(
                c.pages.ticket(),
                &format!("page-{i}"),
                String::new(),
                Bytes::from(vec![b' '; 64 << 10]),
                minute,
            );
        }
        assert!(c.stats().page_bytes <= PAGE_BUDGET_BYTES && c.stats().pages >= 60, "{:?}", c.stats());
        let off = cache(0);
        off.pages.put(off.pages.ticket(), "p", String::new(), Bytes::new(), minute);
        assert!(off.pages.get("p").is_none(), "no entries, no pages");
    }

    #[test]
    fn a_page_expires_when_it_said_it_would_and_never_after_the_time_to_live() {
        let pages = PageCache::new(1 << 20, Duration::from_secs(60));
        pages.put(pages.ticket(), "soon", String::new(), Bytes::new(), Duration::ZERO);
        pages.put(pages.ticket(), "later", String::new(), Bytes::new(), Duration::from_secs(3600));
        std::thread::sleep(Duration::from_millis(2));
        assert!(pages.get("soon").is_none());
        assert!(pages.get("later").is_some());
        let short = PageCache::new(1 << 20, Duration::ZERO);
        short.put(short.ticket(), "p", String::new(), Bytes::new(), Duration::from_secs(3600));
        std::thread::sleep(Duration::from_millis(2));
        assert!(short.get("p").is_none());
    }

    #[test]
    fn expired_entries_are_not_served() {
        let c = CatalogCache::new(1 << 20, Duration::ZERO);
        c.put(c.ticket(), &id(1), ProductStatus::OnSale, 1, Coding::Identity, Bytes::from_static(b"{}"));
        std::thread::sleep(Duration::from_millis(2));
        assert!(c.get(&id(1), Coding::Identity).is_none());
    }
}
