//! Products: created by an approved release, changed by approved modifications, discontinued by removal.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shelf_domain::DraftContent;
use shelf_domain::content::DeliveryMethod;
use shelf_domain::product::{Offer, Product, ProductStatus, Removed};
use shelf_domain::region::{encode_sold_in, sold_in_covers};

use crate::KeepPrepared;
use crate::assets::Holder;
use crate::page::keyset;
use crate::schema::{catalog_entries, products};
use crate::{DbConnection, Error, Order, Page, Paged, Result, from_db_time, new_id, now, to_db_time, to_json};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = products)]
pub struct ProductRow {
    pub id: String,
    pub seller_id: String,
    pub status: String,
    pub delivery_method: Option<String>,
    pub search_text: String,
    pub content: String,
    pub removed: String,
    pub offer: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = products, treat_none_as_default_value = false)]
pub struct NewProductRow {
    pub id: String,
    pub seller_id: String,
    pub status: String,
    pub delivery_method: Option<String>,
    pub search_text: String,
    pub content: String,
    pub removed: String,
    pub offer: String,
    pub catalog_card: String,
    pub sold_in: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A product's catalog entry, in a table of its own: a lookup by id reads a row of a few KiB
/// instead of the product's (content, offer and card beside it; at a million products the table
/// the OS must hold for random lookups is a sixth of the products table).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = catalog_entries)]
pub struct NewEntryRow {
    pub product_id: String,
    pub status: String,
    pub version: i64,
    /// The entry's JSON.
    pub entry: String,
    /// The same, gzip-compressed.
    pub gzip: Vec<u8>,
}

impl NewProductRow {
    /// The rows of a product as it is now: the product's and its catalog entry's (rendered from it).
    pub fn of(product: &Product) -> Result<(NewProductRow, NewEntryRow)> {
        let entry = product.catalog_entry();
        let json = to_json(&entry)?;
        let entry_row = NewEntryRow {
            product_id: product.id.clone(),
            status: product.status.as_str().to_owned(),
            version: product.version,
            gzip: gzip(json.as_bytes())?,
            entry: json,
        };
        let product_row = NewProductRow {
            id: product.id.clone(),
            seller_id: product.seller_id.clone(),
            status: product.status.as_str().to_owned(),
            delivery_method: method_text(&product.content),
            search_text: search_text(&product.content),
            content: to_json(&product.content)?,
            removed: to_json(&product.removed)?,
            offer: to_json(&product.offer)?,
            catalog_card: to_json(&entry.card())?,
            sold_in: encode_sold_in(entry.sold_in().as_ref()),
            version: product.version,
            created_at: to_db_time(product.created_at),
            updated_at: to_db_time(product.updated_at),
        };
        Ok((product_row, entry_row))
    }
}

impl TryFrom<ProductRow> for Product {
    type Error = Error;

    fn try_from(row: ProductRow) -> Result<Product> {
        let corrupt = |what: &str, e: String| Error::Corrupt(format!("product {}: {what}: {e}", row.id));
        Ok(Product {
            status: row
                .status
                .parse()
                .map_err(|e: shelf_domain::text_enum::UnknownText| corrupt("status", e.to_string()))?,
            content: serde_json::from_str(&row.content).map_err(|e| corrupt("content", e.to_string()))?,
            removed: serde_json::from_str(&row.removed).map_err(|e| corrupt("removed", e.to_string()))?,
            offer: serde_json::from_str(&row.offer).map_err(|e| corrupt("offer", e.to_string()))?,
            id: row.id,
            seller_id: row.seller_id,
            version: row.version,
            created_at: from_db_time(row.created_at),
            updated_at: from_db_time(row.updated_at),
        })
    }
}

/// What the catalog's `?q=` searches: name and summary, lower-cased.
fn search_text(content: &DraftContent) -> String {
    format!("{}\n{}", content.name.as_deref().unwrap_or(""), content.summary.as_deref().unwrap_or("")).to_lowercase()
}

fn method_text(content: &DraftContent) -> Option<String> {
    content.delivery_method.map(|m| m.as_str().to_owned())
}

pub fn insert(conn: &mut DbConnection, seller_id: &str, content: &DraftContent, offer: Offer) -> Result<Product> {
    let product = Product { offer, ..new_product(seller_id, content.clone(), now()) };
    let (row, entry) = NewProductRow::of(&product)?;
    diesel::insert_into(products::table).values(row).execute(conn)?;
    // diesel ran this insert unprepared, parsed and planned on every release (PostgreSQL's statement
    // log): kept prepared.
    crate::on_backend!(conn, |c| diesel::insert_into(catalog_entries::table).values(&entry).prepared().execute(c)?);
    crate::assets::update_references(conn, Holder::Product, &product.id, &Default::default(), &product.asset_ids())?;
    Ok(product)
}

/// A product just released from `content`.
pub fn new_product(seller_id: &str, content: DraftContent, at: chrono::DateTime<chrono::Utc>) -> Product {
    Product {
        id: new_id(),
        seller_id: seller_id.to_owned(),
        status: ProductStatus::for_content(&content),
        content,
        removed: Removed::default(),
        offer: Offer::default(),
        version: 1,
        created_at: at,
        updated_at: at,
    }
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Product> {
    products::table.find(id).select(ProductRow::as_select()).first(conn).optional()?.ok_or(Error::NotFound)?.try_into()
}

crate::owned::get_for_seller!(products, ProductRow, Product);

pub fn list_for_seller(
    conn: &mut DbConnection,
    seller_id: &str,
    status: Option<ProductStatus>,
    page: &Page,
) -> Result<Paged<Product>> {
    let mut query = products::table.filter(products::seller_id.eq(seller_id)).into_boxed();
    if let Some(status) = status {
        query = query.filter(products::status.eq(status.as_str()));
    }
    let rows = keyset!(query, products::id, page).select(ProductRow::as_select()).load(conn)?;
    page.finish(rows, |r| r.id.clone()).try_map(Product::try_from)
}

/// A product's catalog entry as stored: what `GET /v1/catalog/products/{id}` serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductEntry {
    pub id: String,
    pub status: ProductStatus,
    pub version: i64,
    /// The rendered JSON of the product as offered.
    pub json: String,
    /// The same, gzip-compressed (one gzip member).
    pub gzip: Vec<u8>,
}

/// `bytes` gzip-compressed (default level: entries are written once per product change and read
/// many times).
pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 3), flate2::Compression::default());
    encoder.write_all(bytes).and_then(|()| encoder.finish()).map_err(|e| Error::Corrupt(format!("gzip: {e}")))
}

/// A listed product's card as stored: what a catalog list serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedCard {
    pub id: String,
    /// The listing position.
    pub seq: i64,
    pub status: ProductStatus,
    pub version: i64,
    /// The card's JSON.
    pub json: String,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = catalog_entries)]
struct EntryRow {
    product_id: String,
    status: String,
    version: i64,
    entry: String,
    gzip: Vec<u8>,
}

impl EntryRow {
    /// Rows written before entries were stored (an empty entry) are rendered on read, and rows
    /// written before they were also stored compressed (an empty `gzip`) compressed on read.
    fn into_entry(self, conn: &mut DbConnection) -> Result<ProductEntry> {
        let id = self.product_id;
        let status = self.status.parse().map_err(|e| Error::Corrupt(format!("product {id}: status: {e}")))?;
        let json = match self.entry.is_empty() {
            true => to_json(&get(conn, &id)?.catalog_entry())?,
            false => self.entry,
        };
        let gzip = match self.gzip.is_empty() {
            true => gzip(json.as_bytes())?,
            false => self.gzip,
        };
        Ok(ProductEntry { id, status, version: self.version, json, gzip })
    }
}

/// A listed product's card as stored, with where it is sold: what a catalog list reads.
#[derive(Debug, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = products)]
struct CardRow {
    id: String,
    seq: i64,
    status: String,
    version: i64,
    catalog_card: String,
    sold_in: String,
}

impl CardRow {
    /// Rows written before cards were stored (empty) are rendered on read.
    fn rendered(self, conn: &mut DbConnection) -> Result<CardRow> {
        if !self.catalog_card.is_empty() {
            return Ok(self);
        }
        let entry = get(conn, &self.id)?.catalog_entry();
        Ok(CardRow { catalog_card: to_json(&entry.card())?, sold_in: encode_sold_in(entry.sold_in().as_ref()), ..self })
    }

    fn into_card(self) -> Result<ListedCard> {
        let status = self.status.parse().map_err(|e| Error::Corrupt(format!("product {}: status: {e}", self.id)))?;
        Ok(ListedCard { id: self.id, seq: self.seq, status, version: self.version, json: self.catalog_card })
    }
}

/// The catalog entries of `ids` (any status), in one statement; ids with no product are left out.
/// The statement is kept prepared per number of ids (a few dozen shapes at most).
pub fn catalog_entries(conn: &mut DbConnection, ids: &[&str]) -> Result<Vec<ProductEntry>> {
    let rows: Vec<EntryRow> = crate::on_backend!(conn, |c| catalog_entries::table
        .filter(catalog_entries::product_id.eq_any(ids))
        .select(EntryRow::as_select())
        .prepared()
        .load(c)?);
    rows.into_iter().map(|row| row.into_entry(conn)).collect()
}

/// What the catalog list asks for: an optional search, delivery method and region, a page after a
/// listing position (`seq`).
#[derive(Debug, Clone, Default)]
pub struct CatalogQuery<'a> {
    pub q: Option<&'a str>,
    pub delivery_method: Option<DeliveryMethod>,
    /// Only products sold there (an ISO 3166-1 alpha-2 code, already checked).
    pub region: Option<&'a str>,
    pub limit: u32,
    pub after: Option<i64>,
    pub order: Order,
}

/// How many windows of a page's size a region-filtered page reads at most before it returns what it
/// found with the position it reached (a short page; the next one goes on from there).
const REGION_WINDOWS: usize = 10;

/// The shortest search SQLite's trigram index serves; shorter ones scan the listing in order.
const TRIGRAM: usize = 3;

/// Listed products (on sale) as cards (`ListedCard::json` is the card), newest listing first unless
/// asked otherwise, optionally searched (name and summary contain `q`, case-insensitively) and
/// filtered. Keyset on the listing sequence: constant cost per page at any depth. Returns the cards
/// and the position after the page.
pub fn catalog(conn: &mut DbConnection, query: &CatalogQuery<'_>) -> Result<Paged<ListedCard>> {
    let unfiltered = |rows: Paged<CardRow>| rows.try_map(CardRow::into_card);
    let Some(region) = query.region else { return catalog_window(conn, query).and_then(unfiltered) };
    // Filtered by region: windows of the unfiltered listing, each card kept when the `sold_in` stored
    // beside it covers the region, at most REGION_WINDOWS of them per page — bounded work for any
    // region, and exact keyset paging (a short page carries the position it reached).
    let wanted = query.limit as usize;
    let mut window = query.clone();
    // One more than a page, to know whether a next page exists.
    let mut kept: Vec<ListedCard> = Vec::with_capacity(wanted + 1);
    for _ in 0..REGION_WINDOWS {
        let Paged { items, next_after } = catalog_window(conn, &window)?;
        for row in items {
            if sold_in_covers(&row.sold_in, region) {
                kept.push(row.into_card()?);
            }
            if kept.len() > wanted {
                kept.truncate(wanted);
                let last = kept.last().map(|e| e.seq.to_string());
                return Ok(Paged { items: kept, next_after: last });
            }
        }
        match next_after {
            None => return Ok(Paged { items: kept, next_after: None }),
            Some(after) => window.after = Some(after.parse().map_err(|_| Error::Corrupt("listing position".into()))?),
        }
    }
    // The budget is spent: what was found, and the position reached (never past an unread entry).
    let reached = window.after.map(|a| a.to_string());
    Ok(Paged { items: kept, next_after: reached })
}

fn catalog_window(conn: &mut DbConnection, query: &CatalogQuery<'_>) -> Result<Paged<CardRow>> {
    let fetch = i64::from(query.limit) + 1;
    let needle = query.q.map(str::to_lowercase);
    let page = Page { limit: query.limit, after: None, order: query.order };
    let paged = match needle {
        Some(needle) => search(conn, query, &needle, fetch)?,
        None => page.finish(listed(query).limit(fetch).select(CardRow::as_select()).load(conn)?, |r| r.seq.to_string()),
    };
    let next_after = paged.next_after;
    let items = paged.items.into_iter().map(|r| r.rendered(conn)).collect::<Result<_>>()?;
    Ok(Paged { items, next_after })
}

type Listed<'a> = products::BoxedQuery<'a, crate::MultiBackend>;

/// The listing after the query's position, of its delivery method if it names one, unordered.
fn listed_after<'a>(query: &CatalogQuery<'a>) -> Listed<'a> {
    let mut rows = products::table.filter(products::status.eq(ProductStatus::OnSale.as_str())).into_boxed();
    if let Some(method) = query.delivery_method {
        rows = rows.filter(products::delivery_method.eq(method.as_str()));
    }
    match (query.order, query.after) {
        (Order::NewestFirst, Some(after)) => rows.filter(products::seq.lt(after)),
        (Order::OldestFirst, Some(after)) => rows.filter(products::seq.gt(after)),
        (_, None) => rows,
    }
}

/// The same, in the query's order.
fn listed<'a>(query: &CatalogQuery<'a>) -> Listed<'a> {
    match query.order {
        Order::NewestFirst => listed_after(query).order(products::seq.desc()),
        Order::OldestFirst => listed_after(query).order(products::seq.asc()),
    }
}

/// How many listing positions a search reads in listing order at most, when no index reads matches in
/// that order, before it returns what it found with the position it reached (a short page: the next
/// goes on from there). Positions are dense (one per product).
const SEARCH_WINDOW: i64 = 2000;

/// A page of a search, bounded work whatever the needle. SQLite's FTS5 index reads matches in listing
/// order. Otherwise (PostgreSQL, and needles shorter than a trigram) the next SEARCH_WINDOW listing
/// positions are read in order: a needle common among them fills its page, reading no further than it
/// needs; a rare one gets the matches of the window and the window's end as its next position. (The
/// trigram index answering instead costs what its posting lists cost: measured at a million products,
/// 1.5 s for a needle of common trigrams, where a window costs what a common needle's page does.)
fn search(conn: &mut DbConnection, query: &CatalogQuery<'_>, needle: &str, fetch: i64) -> Result<Paged<CardRow>> {
    use diesel::dsl::{max, min};
    let page = Page { limit: query.limit, after: None, order: query.order };
    let key = |r: &CardRow| r.seq.to_string();
    let indexed = needle.chars().count() >= TRIGRAM;
    if let (DbConnection::Sqlite(c), true) = (&mut *conn, indexed) {
        let method = query.delivery_method.map(|m| m.as_str());
        return Ok(page.finish(search_sqlite(c, needle, method, query.after, query.order, fetch)?, key));
    }
    let like = || products::search_text.like(crate::drafts::like_contains(needle)).escape('\\');
    // The window: positions from the query's (exclusive) to its end (inclusive); the last one listed is
    // where the listing stops.
    // Two statements: SQLite answers a lone min() or max() from the index, both at once by a scan.
    let first: Option<i64> = products::table.select(min(products::seq)).first(conn)?;
    let last: Option<i64> = products::table.select(max(products::seq)).first(conn)?;
    let (Some(first), Some(last)) = (first, last) else { return Ok(Paged { items: Vec::new(), next_after: None }) };
    let (end, more) = match query.order {
        Order::NewestFirst => {
            let end = query.after.unwrap_or(last.saturating_add(1)).saturating_sub(SEARCH_WINDOW);
            (end, end > first)
        }
        Order::OldestFirst => {
            let end = query.after.unwrap_or(first.saturating_sub(1)).saturating_add(SEARCH_WINDOW);
            (end, end < last)
        }
    };
    let windowed = match query.order {
        Order::NewestFirst => listed(query).filter(like()).filter(products::seq.ge(end)),
        Order::OldestFirst => listed(query).filter(like()).filter(products::seq.le(end)),
    };
    let found = windowed.limit(fetch).select(CardRow::as_select()).load(conn)?;
    if found.len() as i64 >= fetch || !more {
        return Ok(page.finish(found, key));
    }
    Ok(Paged { items: found, next_after: Some(end.to_string()) })
}

/// The FTS5 trigram index answers the search in listing order (its rowid is the product's seq
/// negated, so that newest first is its forward order), so a page stops after `fetch` matches
/// however many products match. The needle is one phrase: its trigrams, one after another.
fn search_sqlite(
    conn: &mut diesel::SqliteConnection,
    needle: &str,
    method: Option<&str>,
    after: Option<i64>,
    order: Order,
    fetch: i64,
) -> Result<Vec<CardRow>> {
    use diesel::sql_types::{BigInt, Text};
    // Positions in the index: rowid = -seq.
    let (cmp, index_dir, dir, start) = match order {
        Order::NewestFirst => (">", "ASC", "DESC", i64::MIN),
        Order::OldestFirst => ("<", "DESC", "ASC", i64::MAX),
    };
    let sql = format!(
        "SELECT p.id, p.seq, p.status, p.version, p.catalog_card, p.sold_in FROM products p WHERE p.seq IN \
         (SELECT -rowid FROM catalog_search WHERE catalog_search MATCH ? AND (? = '' OR delivery_method = ?) \
         AND rowid {cmp} ? ORDER BY rowid {index_dir} LIMIT ?) ORDER BY p.seq {dir}"
    );
    let boundary = after.map_or(start, i64::saturating_neg);
    Ok(diesel::sql_query(sql)
        .bind::<Text, _>(phrase(needle))
        .bind::<Text, _>(method.unwrap_or(""))
        .bind::<Text, _>(method.unwrap_or(""))
        .bind::<BigInt, _>(boundary)
        .bind::<BigInt, _>(fetch)
        .prepared()
        .load(conn)?)
}

/// Merges segments of SQLite's search index, about `pages` pages of work (FTS5 `merge` with a
/// negative budget: segments of every level, toward one). The triggers grow the index a segment per
/// transaction and FTS5 keeps a few per level, so a search reads many; merged, the same search
/// reads one (at a million products: `kafka` 0.26 → 0.10 ms, a common-trigram pair 1.13 → 0.36 ms).
/// Returns whether there was anything to merge; nothing to do on PostgreSQL (GIN keeps itself).
pub fn merge_search_index(conn: &mut DbConnection, pages: u32) -> Result<bool> {
    use diesel::dsl::sql;
    use diesel::sql_types::BigInt;
    let DbConnection::Sqlite(c) = conn else {
        return Ok(false);
    };
    let changes = |c: &mut diesel::SqliteConnection| diesel::select(sql::<BigInt>("total_changes()")).get_result(c);
    let before: i64 = changes(c)?;
    diesel::sql_query(format!("INSERT INTO catalog_search(catalog_search, rank) VALUES('merge', -{})", pages.max(1)))
        .execute(c)?;
    // FTS5's own test: fewer than two changes means there was nothing left to merge.
    Ok(changes(c)? - before >= 2)
}

/// Merges SQLite's search index into one segment (FTS5 `optimize`): for a bulk load, once at its end.
pub fn optimize_search_index(conn: &mut DbConnection) -> Result<()> {
    if let DbConnection::Sqlite(c) = conn {
        diesel::sql_query("INSERT INTO catalog_search(catalog_search) VALUES('optimize')").execute(c)?;
    }
    Ok(())
}

/// `needle` as one FTS5 phrase (quotes doubled), matched literally.
fn phrase(needle: &str) -> String {
    format!("\"{}\"", needle.replace('"', "\"\""))
}

/// Replaces the live content (an approved modification) and what it carries beside; the status
/// follows `public_sales` unless the product is discontinued.
pub fn replace_content(
    conn: &mut DbConnection,
    product: &Product,
    content: &DraftContent,
    offer: Offer,
) -> Result<Product> {
    let after = Product { content: content.clone(), offer, ..product.clone() };
    save(conn, product, Product { status: after.listing_status(), ..after })
}

/// Stores what was removed, and the status that follows.
pub fn set_removed(
    conn: &mut DbConnection,
    product: &Product,
    status: ProductStatus,
    removed: &Removed,
) -> Result<Product> {
    save(conn, product, Product { status, removed: removed.clone(), ..product.clone() })
}

/// Stores what the product carries beside its content (stock, sales settings), and the status
/// they give it.
pub fn set_offer(conn: &mut DbConnection, product: &Product, offer: Offer) -> Result<Product> {
    let after = Product { offer, ..product.clone() };
    save(conn, product, Product { status: after.listing_status(), ..after })
}

/// Stores `changed` over `product` if it is still at its version, as the next version.
fn save(conn: &mut DbConnection, product: &Product, changed: Product) -> Result<Product> {
    let saved = Product { version: product.version + 1, updated_at: now(), ..changed };
    let (row, entry) = NewProductRow::of(&saved)?;
    let target = products::table.filter(products::id.eq(&product.id).and(products::version.eq(product.version)));
    let changed = crate::on_backend!(conn, |c| diesel::update(target)
        .set((
            products::status.eq(&row.status),
            products::delivery_method.eq(&row.delivery_method),
            products::search_text.eq(&row.search_text),
            products::content.eq(&row.content),
            products::removed.eq(&row.removed),
            products::offer.eq(&row.offer),
            products::catalog_card.eq(&row.catalog_card),
            products::sold_in.eq(&row.sold_in),
            products::version.eq(row.version),
            products::updated_at.eq(row.updated_at),
        ))
        .prepared()
        .execute(c)?);
    if changed == 0 {
        return Err(Error::Conflict("the product changed meanwhile; try again".into()));
    }
    // Written whether or not the product's entry row is there: a missing one is made again.
    crate::on_backend!(conn, |c| diesel::insert_into(catalog_entries::table)
        .values(&entry)
        .on_conflict(catalog_entries::product_id)
        .do_update()
        .set((
            catalog_entries::status.eq(&entry.status),
            catalog_entries::version.eq(entry.version),
            catalog_entries::entry.eq(&entry.entry),
            catalog_entries::gzip.eq(&entry.gzip),
        ))
        .prepared()
        .execute(c)?);
    crate::assets::update_references(conn, Holder::Product, &saved.id, &product.asset_ids(), &saved.asset_ids())?;
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Db;

    /// The bytes of a gzip member, up to `limit` of them.
    fn gunzip(gzip: &[u8], limit: usize) -> Result<Vec<u8>> {
        use std::io::Read;
        let mut out = Vec::new();
        let read = flate2::read::GzDecoder::new(gzip)
            .take(limit as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| Error::Corrupt(format!("gunzip: {e}")))?;
        match read > limit {
            true => Err(Error::Corrupt(format!("gunzip: more than {limit} bytes"))),
            false => Ok(out),
        }
    }

    /// A migrated in-memory database holding one product named `name`.
    fn a_product(name: &str) -> (Db, Product) {
        let db = Db::open(":memory:", Some(1)).expect("in-memory SQLite");
        db.migrate().expect("migrations");
        let content = DraftContent { name: Some(name.into()), ..DraftContent::default() };
        let product = db.write(|c| insert(c, "seller-a", &content, Offer::default())).unwrap();
        (db, product)
    }

    #[test]
    fn an_entry_comes_back_from_gzip_as_it_went_in_and_smaller() {
        let json = serde_json::json!({"name": "Data Migration", "skus": vec!["x"; 200]}).to_string();
        let coded = gzip(json.as_bytes()).unwrap();
        assert!(coded.len() * 5 < json.len(), "{} of {} bytes", coded.len(), json.len());
        assert_eq!(gunzip(&coded, json.len()).unwrap(), json.as_bytes());
    }

    #[test]
    fn an_entry_stored_before_entries_were_compressed_is_compressed_on_read() {
        let (db, product) = a_product("Old Entry");
        let stored = db.read(|c| catalog_entries(c, &[product.id.as_str()])).unwrap().remove(0);
        assert_eq!(gunzip(&stored.gzip, 1 << 20).unwrap(), stored.json.as_bytes(), "both forms are stored");
        db.write(|c| {
            diesel::update(catalog_entries::table.find(&product.id))
                .set(catalog_entries::gzip.eq(Vec::new()))
                .execute(c)
                .map_err(Error::from)
        })
        .unwrap();
        let legacy = db.read(|c| catalog_entries(c, &[product.id.as_str()])).unwrap().remove(0);
        assert_eq!(gunzip(&legacy.gzip, 1 << 20).unwrap(), stored.json.as_bytes());
        assert_eq!((legacy.json, legacy.status, legacy.version), (stored.json, stored.status, stored.version));
    }

    #[test]
    fn a_change_writes_the_products_entry_again_when_its_row_went_missing() {
        let (db, product) = a_product("Lost Entry");
        let entry = |db: &Db| db.read(|c| catalog_entries(c, &[product.id.as_str()])).unwrap();
        db.write(|c| diesel::delete(catalog_entries::table.find(&product.id)).execute(c).map_err(Error::from)).unwrap();
        assert!(entry(&db).is_empty());
        let changed = db.write(|c| set_offer(c, &product, Offer::default())).unwrap();
        let stored = entry(&db);
        assert_eq!(stored.len(), 1, "the entry is back");
        assert_eq!((stored[0].version, stored[0].status), (changed.version, changed.status));
    }

    #[test]
    fn a_needle_is_one_literal_phrase() {
        assert_eq!(phrase("kafka"), r#""kafka""#);
        assert_eq!(phrase(r#"say "hi" OR x*"#), r#""say ""hi"" OR x*""#);
    }
}
