//! Assets: the rows, their review queue and their scan leases. A package's bytes are a blob
//! (`sha256`, released by the blob store when the last reference goes); an image is a JSON reference.
//! Every seller query is scoped by `seller_id`.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use shelf_domain::asset::{
    Asset, AssetKind, AssetLabel, AssetStatus, AssetUse, ImageReference, PackageFile, ScanStatus,
};

use crate::applications::{QueuePosition, queue_key};
use crate::page::keyset;
use crate::schema::{asset_references, assets};
use crate::{DbConnection, Error, Page, Paged, Result, from_db_time, new_id, to_db_time, to_json};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = assets)]
struct AssetRow {
    id: String,
    seller_id: String,
    kind: String,
    name: String,
    version: String,
    status: String,
    reason: Option<String>,
    sha256: Option<String>,
    detail: String,
    scan: String,
    scan_claimed_until: Option<NaiveDateTime>,
    row_version: i64,
    created_at: NaiveDateTime,
    due_at: NaiveDateTime,
    decided_at: Option<NaiveDateTime>,
    decided_by: Option<String>,
}

/// What the `detail` column holds: a package's file (its bytes are the blob `sha256`), or an image
/// reference.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Detail {
    Package { filename: String, media_type: String, size: u64 },
    Image(ImageReference),
}

impl TryFrom<AssetRow> for Asset {
    type Error = Error;

    fn try_from(row: AssetRow) -> Result<Asset> {
        let corrupt = |what: &str, e: String| Error::Corrupt(format!("asset {}: {what}: {e}", row.id));
        let text = |e: shelf_domain::text_enum::UnknownText| e.to_string();
        let detail: Detail = serde_json::from_str(&row.detail).map_err(|e| corrupt("detail", e.to_string()))?;
        let (package, image) = match (detail, &row.sha256) {
            (Detail::Package { filename, media_type, size }, Some(sha256)) => {
                (Some(PackageFile { filename, media_type, size, sha256: sha256.clone() }), None)
            }
            (Detail::Image(image), _) => (None, Some(image)),
            (Detail::Package { .. }, None) => return Err(corrupt("sha256", "a package without its bytes".into())),
        };
        Ok(Asset {
            kind: row.kind.parse().map_err(|e| corrupt("kind", text(e)))?,
            status: row.status.parse().map_err(|e| corrupt("status", text(e)))?,
            scan: row.scan.parse().map_err(|e| corrupt("scan", text(e)))?,
            label: AssetLabel { name: row.name, version: row.version },
            package,
            image,
            reason: row.reason,
            version: row.row_version,
            created_at: from_db_time(row.created_at),
            due_at: from_db_time(row.due_at),
            decided_at: row.decided_at.map(from_db_time),
            decided_by: row.decided_by,
            id: row.id,
            seller_id: row.seller_id,
        })
    }
}

/// An asset being created: its file (a package) or its reference (an image).
pub struct NewAsset<'a> {
    pub seller_id: &'a str,
    pub kind: AssetKind,
    pub label: &'a AssetLabel,
    pub package: Option<&'a PackageFile>,
    pub image: Option<&'a ImageReference>,
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
}

pub fn insert(conn: &mut DbConnection, new: NewAsset<'_>) -> Result<Asset> {
    let detail = match (new.package, new.image) {
        (Some(p), _) => {
            Detail::Package { filename: p.filename.clone(), media_type: p.media_type.clone(), size: p.size }
        }
        (None, Some(image)) => Detail::Image(image.clone()),
        (None, None) => return Err(Error::Corrupt("an asset is a package or an image".into())),
    };
    let row = AssetRow {
        id: new_id(),
        seller_id: new.seller_id.to_owned(),
        kind: new.kind.as_str().to_owned(),
        name: new.label.name.clone(),
        version: new.label.version.clone(),
        status: AssetStatus::Scanning.as_str().to_owned(),
        reason: None,
        sha256: new.package.map(|p| p.sha256.clone()),
        detail: to_json(&detail)?,
        scan: new.kind.first_scan().as_str().to_owned(),
        scan_claimed_until: None,
        row_version: 1,
        created_at: to_db_time(new.created_at),
        due_at: to_db_time(new.due_at),
        decided_at: None,
        decided_by: None,
    };
    diesel::insert_into(assets::table).values(&row).execute(conn)?;
    row.try_into()
}

crate::owned::get_for_seller!(assets, AssetRow, Asset);

/// The seller's asset, locked until the transaction ends (PostgreSQL; SQLite runs one writer): a
/// submission naming it waits, or is seen by the caller's next read.
pub fn lock_for_seller(conn: &mut DbConnection, seller_id: &str, id: &str) -> Result<Asset> {
    let this = assets::table.filter(assets::seller_id.eq(seller_id).and(assets::id.eq(id))).select(assets::id);
    let locked: Option<String> = match conn {
        DbConnection::Pg(c) => this.for_update().first(c).optional()?,
        DbConnection::Sqlite(c) => this.first(c).optional()?,
    };
    get(conn, &locked.ok_or(Error::NotFound)?)
}

/// Any seller's asset (for reviewers).
pub fn get(conn: &mut DbConnection, id: &str) -> Result<Asset> {
    assets::table.find(id).select(AssetRow::as_select()).first(conn).optional()?.ok_or(Error::NotFound)?.try_into()
}

pub fn count_for_seller(conn: &mut DbConnection, seller_id: &str) -> Result<i64> {
    Ok(assets::table.filter(assets::seller_id.eq(seller_id)).count().get_result(conn)?)
}

/// Whether the seller has an asset with this name and version already.
pub fn label_taken(conn: &mut DbConnection, seller_id: &str, label: &AssetLabel) -> Result<bool> {
    let same =
        assets::seller_id.eq(seller_id).and(assets::name.eq(&label.name)).and(assets::version.eq(&label.version));
    Ok(assets::table.filter(same).count().get_result::<i64>(conn)? > 0)
}

/// Which of a seller's assets a list shows.
#[derive(Debug, Clone, Default)]
pub struct AssetFilter {
    pub kind: Option<AssetKind>,
    pub status: Option<AssetStatus>,
    /// Every version of the asset with this name.
    pub name: Option<String>,
}

pub fn list_for_seller(
    conn: &mut DbConnection,
    seller_id: &str,
    filter: &AssetFilter,
    page: &Page,
) -> Result<Paged<Asset>> {
    let mut query = assets::table.filter(assets::seller_id.eq(seller_id)).into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(assets::kind.eq(kind.as_str()));
    }
    if let Some(status) = filter.status {
        query = query.filter(assets::status.eq(status.as_str()));
    }
    if let Some(name) = &filter.name {
        query = query.filter(assets::name.eq(name.clone()));
    }
    let rows = keyset!(query, assets::id, page).select(AssetRow::as_select()).load(conn)?;
    page.finish(rows, |r| r.id.clone()).try_map(Asset::try_from)
}

/// The reviewers' queue of assets: undecided ones, earliest due first (only those due before
/// `overdue_at` when given), keyset-paginated on (due_at, id) like the applications' queue.
pub fn review_queue(
    conn: &mut DbConnection,
    overdue_at: Option<DateTime<Utc>>,
    limit: u32,
    after: Option<&QueuePosition>,
) -> Result<Paged<Asset>> {
    let mut query = assets::table.filter(assets::status.eq(AssetStatus::Scanning.as_str())).into_boxed();
    if let Some(now) = overdue_at {
        query = query.filter(assets::due_at.lt(to_db_time(now)));
    }
    if let Some(QueuePosition { due_at: due, id }) = after {
        query = query.filter(assets::due_at.gt(*due).or(assets::due_at.eq(*due).and(assets::id.gt(id.clone()))));
    }
    let rows = query
        .order((assets::due_at.asc(), assets::id.asc()))
        .limit(i64::from(limit) + 1)
        .select(AssetRow::as_select())
        .load(conn)?;
    let page = Page { limit, after: None, order: Default::default() };
    page.finish(rows, |r| queue_key(from_db_time(r.due_at), &r.id)).try_map(Asset::try_from)
}

/// A decision on an asset still in review: its new status, by whom, when and why.
pub struct AssetDecision<'a> {
    pub status: AssetStatus,
    pub scan: Option<ScanStatus>,
    pub by: &'a str,
    pub at: DateTime<Utc>,
    pub reason: Option<&'a str>,
}

/// Records a decision if the asset is still in review at the version read; else a conflict (someone
/// decided, or the scan finished, meanwhile).
pub fn decide(conn: &mut DbConnection, current: &Asset, decision: AssetDecision<'_>) -> Result<Asset> {
    let this = assets::table.filter(
        assets::id
            .eq(&current.id)
            .and(assets::row_version.eq(current.version))
            .and(assets::status.eq(AssetStatus::Scanning.as_str())),
    );
    let scan = decision.scan.unwrap_or(current.scan);
    let changed = diesel::update(this)
        .set((
            assets::status.eq(decision.status.as_str()),
            assets::scan.eq(scan.as_str()),
            assets::reason.eq(decision.reason),
            assets::decided_by.eq(decision.by),
            assets::decided_at.eq(to_db_time(decision.at)),
            assets::scan_claimed_until.eq(None::<NaiveDateTime>),
            assets::row_version.eq(current.version + 1),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(Error::Conflict("the asset was decided meanwhile".into()));
    }
    get(conn, &current.id)
}

/// Records a scan that passed (the asset waits for a reviewer).
pub fn scan_passed(conn: &mut DbConnection, current: &Asset) -> Result<Asset> {
    let this = assets::table.filter(assets::id.eq(&current.id).and(assets::row_version.eq(current.version)));
    let changed = diesel::update(this)
        .set((
            assets::scan.eq(ScanStatus::Passed.as_str()),
            assets::scan_claimed_until.eq(None::<NaiveDateTime>),
            assets::row_version.eq(current.version + 1),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(Error::Conflict("the asset changed meanwhile".into()));
    }
    get(conn, &current.id)
}

/// Leases up to `limit` packages waiting for their scan to this worker for `lease` (one whose lease
/// ran out, its worker gone, is taken again).
pub fn claim_scans(conn: &mut DbConnection, at: DateTime<Utc>, lease: Duration, limit: i64) -> Result<Vec<Asset>> {
    let now = to_db_time(at);
    let due = assets::table
        .filter(assets::scan.eq(ScanStatus::Pending.as_str()))
        .filter(assets::status.eq(AssetStatus::Scanning.as_str()))
        .filter(assets::scan_claimed_until.is_null().or(assets::scan_claimed_until.lt(now)))
        .order(assets::created_at.asc())
        .limit(limit)
        .select(assets::id);
    let ids: Vec<String> = match conn {
        DbConnection::Pg(c) => due.for_update().skip_locked().load(c)?,
        DbConnection::Sqlite(c) => due.load(c)?,
    };
    if ids.is_empty() {
        return Ok(vec![]);
    }
    diesel::update(assets::table.filter(assets::id.eq_any(&ids)))
        .set(assets::scan_claimed_until.eq(to_db_time(at + lease)))
        .execute(conn)?;
    let rows = assets::table.filter(assets::id.eq_any(&ids)).select(AssetRow::as_select()).load(conn)?;
    rows.into_iter().map(Asset::try_from).collect()
}

/// What names an asset in `asset_references`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// An application under review.
    Application,
    /// A product on sale or hidden.
    Product,
}

impl Holder {
    fn as_str(self) -> &'static str {
        match self {
            Holder::Application => "application",
            Holder::Product => "product",
        }
    }
}

/// Records that `holder_id` names exactly these assets now (none: it names nothing any more).
pub fn set_references(
    conn: &mut DbConnection,
    holder: Holder,
    holder_id: &str,
    asset_ids: &std::collections::BTreeSet<String>,
) -> Result<()> {
    let this = asset_references::holder.eq(holder.as_str()).and(asset_references::holder_id.eq(holder_id));
    diesel::delete(asset_references::table.filter(this)).execute(conn)?;
    // A content names few assets (one per specification at most): a row each.
    for id in asset_ids {
        let row = (
            asset_references::asset_id.eq(id),
            asset_references::holder.eq(holder.as_str()),
            asset_references::holder_id.eq(holder_id),
        );
        diesel::insert_into(asset_references::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// `set_references` when what `holder_id` names changed from `before` to `after` (nothing to write
/// for the many products and applications that name no asset).
pub(crate) fn update_references(
    conn: &mut DbConnection,
    holder: Holder,
    holder_id: &str,
    before: &std::collections::BTreeSet<String>,
    after: &std::collections::BTreeSet<String>,
) -> Result<()> {
    if before == after { Ok(()) } else { set_references(conn, holder, holder_id, after) }
}

/// Where the asset is still needed: the first few pending applications and live products that name it.
pub fn uses(conn: &mut DbConnection, id: &str) -> Result<Vec<AssetUse>> {
    let rows: Vec<(String, String)> = asset_references::table
        .filter(asset_references::asset_id.eq(id))
        .select((asset_references::holder, asset_references::holder_id))
        .order((asset_references::holder.desc(), asset_references::holder_id.asc()))
        .limit(10)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(holder, holder_id)| match holder.as_str() {
            "product" => AssetUse::ListedProduct(holder_id),
            _ => AssetUse::PendingApplication(holder_id),
        })
        .collect())
}

/// The seller's assets among `ids`, with their kind and status (others' and unknown ids are left out).
pub fn kinds_and_statuses(
    conn: &mut DbConnection,
    seller_id: &str,
    ids: &std::collections::BTreeSet<String>,
) -> Result<std::collections::BTreeMap<String, (AssetKind, AssetStatus)>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    // Share-locked (PostgreSQL): a delete of one of them waits for the submission naming it.
    let these = assets::table.filter(assets::seller_id.eq(seller_id).and(assets::id.eq_any(ids))).select((
        assets::id,
        assets::kind,
        assets::status,
    ));
    let rows: Vec<(String, String, String)> = match conn {
        DbConnection::Pg(c) => these.for_share().load(c)?,
        DbConnection::Sqlite(c) => these.load(c)?,
    };
    rows.into_iter()
        .map(|(id, kind, status)| {
            let corrupt = |e: shelf_domain::text_enum::UnknownText| Error::Corrupt(format!("asset {id}: {e}"));
            Ok((id.clone(), (kind.parse().map_err(corrupt)?, status.parse().map_err(corrupt)?)))
        })
        .collect()
}

/// Deletes the seller's asset if it is still at `version`.
pub fn delete(conn: &mut DbConnection, asset: &Asset) -> Result<()> {
    let this = assets::table.filter(
        assets::id.eq(&asset.id).and(assets::seller_id.eq(&asset.seller_id)).and(assets::row_version.eq(asset.version)),
    );
    if diesel::delete(this).execute(conn)? == 0 {
        return Err(Error::Conflict("the asset changed meanwhile; fetch it again".into()));
    }
    Ok(())
}

/// How many assets wait for a reviewer, and how many of them are past their due time.
pub fn queue_counts(conn: &mut DbConnection, at: DateTime<Utc>) -> Result<(i64, i64)> {
    let waiting = assets::table.filter(assets::status.eq(AssetStatus::Scanning.as_str()));
    let all = waiting.count().get_result(conn)?;
    let overdue = waiting.filter(assets::due_at.lt(to_db_time(at))).count().get_result(conn)?;
    Ok((all, overdue))
}
