//! Resumable uploads: the upload rows, their parts, and joining them into a stored blob. The parts'
//! bytes are staged by the blob store's backend; every query is scoped by `seller_id`.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use shelf_domain::upload::{UploadPlan, UploadStatus};

use crate::blobs::{Assembled, BlobStore, Staged, StagedPart};
use crate::schema::{upload_parts as parts, uploads};
use crate::{DbConnection, Error, Result, from_db_time, new_id, now, to_db_time};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = uploads)]
struct UploadRow {
    id: String,
    seller_id: String,
    filename: String,
    media_type: String,
    size: i64,
    sha256: String,
    part_size: i64,
    parts: i64,
    status: String,
    stored_in: String,
    backend_ref: Option<String>,
    failure: Option<String>,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    completed_at: Option<NaiveDateTime>,
}

/// An upload and the parts it has received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub id: String,
    pub seller_id: String,
    pub filename: String,
    pub media_type: String,
    pub sha256: String,
    pub plan: UploadPlan,
    pub status: UploadStatus,
    /// Why it was aborted by the server (a failed complete whose parts could not survive).
    pub failure: Option<String>,
    pub stored_in: String,
    pub backend_ref: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The numbers of the parts received, ascending.
    pub received: Vec<u64>,
}

impl Upload {
    pub fn staged(&self) -> Staged {
        Staged { id: self.id.clone(), backend_ref: self.backend_ref.clone() }
    }
}

fn upload_of(row: UploadRow, received: Vec<u64>) -> Result<Upload> {
    let corrupt = |what: &str, e: String| Error::Corrupt(format!("upload {}: {what}: {e}", row.id));
    Ok(Upload {
        status: row
            .status
            .parse()
            .map_err(|e: shelf_domain::text_enum::UnknownText| corrupt("status", e.to_string()))?,
        plan: UploadPlan { size: row.size as u64, part_size: row.part_size as u64, parts: row.parts as u64 },
        id: row.id,
        seller_id: row.seller_id,
        filename: row.filename,
        media_type: row.media_type,
        sha256: row.sha256,
        failure: row.failure,
        stored_in: row.stored_in,
        backend_ref: row.backend_ref,
        created_at: from_db_time(row.created_at),
        expires_at: from_db_time(row.expires_at),
        completed_at: row.completed_at.map(from_db_time),
        received,
    })
}

/// An upload to open.
pub struct NewUpload<'a> {
    pub seller_id: &'a str,
    pub filename: &'a str,
    pub media_type: &'a str,
    pub sha256: &'a str,
    pub plan: UploadPlan,
    pub expires_at: DateTime<Utc>,
}

/// Opens an upload: its row, and its staging in the store's backend.
pub fn create(conn: &mut DbConnection, store: &BlobStore, new: NewUpload<'_>) -> Result<Upload> {
    let id = new_id();
    let backend_ref = store.backend().begin_upload(&id)?;
    let row = UploadRow {
        id,
        seller_id: new.seller_id.to_owned(),
        filename: new.filename.to_owned(),
        media_type: new.media_type.to_owned(),
        size: new.plan.size as i64,
        sha256: new.sha256.to_owned(),
        part_size: new.plan.part_size as i64,
        parts: new.plan.parts as i64,
        status: UploadStatus::Open.as_str().to_owned(),
        stored_in: store.backend().name().to_owned(),
        backend_ref,
        failure: None,
        created_at: to_db_time(now()),
        expires_at: to_db_time(new.expires_at),
        completed_at: None,
    };
    diesel::insert_into(uploads::table).values(&row).execute(conn)?;
    upload_of(row, Vec::new())
}

/// The seller's upload `id`, with the parts it has received.
pub fn get_for_seller(conn: &mut DbConnection, seller_id: &str, id: &str) -> Result<Upload> {
    let row: UploadRow = uploads::table
        .filter(uploads::seller_id.eq(seller_id).and(uploads::id.eq(id)))
        .select(UploadRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound)?;
    let received: Vec<i64> =
        parts::table.filter(parts::upload_id.eq(id)).order(parts::number.asc()).select(parts::number).load(conn)?;
    upload_of(row, received.into_iter().map(|n| n as u64).collect())
}

/// How many uploads the seller has open.
pub fn count_open(conn: &mut DbConnection, seller_id: &str) -> Result<i64> {
    Ok(uploads::table
        .filter(uploads::seller_id.eq(seller_id).and(uploads::status.eq(UploadStatus::Open.as_str())))
        .count()
        .get_result(conn)?)
}

/// Stages part `number` (`sha256` is its own hash, its ETag), replacing an earlier copy of it.
pub fn put_part(
    conn: &mut DbConnection,
    store: &BlobStore,
    upload: &Upload,
    number: u64,
    sha256: &str,
    bytes: bytes::Bytes,
) -> Result<()> {
    record_part(conn, upload, number, bytes.len() as u64, sha256, None)?;
    let tag = store.backend().put_part(conn, &upload.staged(), number, bytes)?;
    if tag.is_some() {
        diesel::update(parts::table.find((&upload.id, number as i64))).set(parts::backend_tag.eq(tag)).execute(conn)?;
    }
    Ok(())
}

/// Records that part `number` is staged (replacing an earlier record): for a part sent to the store
/// directly (a presigned URL), its `backend_tag` is what the store answered (S3's ETag), and its own
/// hash is unknown (empty) until the whole file is checked at completion.
pub fn record_part(
    conn: &mut DbConnection,
    upload: &Upload,
    number: u64,
    size: u64,
    sha256: &str,
    backend_tag: Option<&str>,
) -> Result<()> {
    diesel::delete(parts::table.find((&upload.id, number as i64))).execute(conn)?;
    diesel::insert_into(parts::table)
        .values((
            parts::upload_id.eq(&upload.id),
            parts::number.eq(number as i64),
            parts::size.eq(size as i64),
            parts::sha256.eq(sha256),
            parts::backend_tag.eq(backend_tag),
            parts::created_at.eq(to_db_time(now())),
        ))
        .execute(conn)?;
    Ok(())
}

/// The staged parts of an upload, in order.
pub fn staged_parts(conn: &mut DbConnection, id: &str) -> Result<Vec<StagedPart>> {
    let staged: Vec<(i64, i64, Option<String>)> = parts::table
        .filter(parts::upload_id.eq(id))
        .order(parts::number.asc())
        .select((parts::number, parts::size, parts::backend_tag))
        .load(conn)?;
    Ok(staged
        .into_iter()
        .map(|(number, size, backend_tag)| StagedPart { number: number as u64, size: size as u64, backend_tag })
        .collect())
}

/// Records a completed upload whose parts `assemble` joined into the blob of its SHA-256: the blob
/// (new, or referenced again), the upload completed, its parts' rows gone. Run it in a transaction.
pub fn finish(conn: &mut DbConnection, store: &BlobStore, upload: &Upload, assembled: Assembled) -> Result<()> {
    store.adopt(conn, &upload.sha256, assembled.size, assembled.in_row)?;
    diesel::delete(parts::table.filter(parts::upload_id.eq(&upload.id))).execute(conn)?;
    let at = to_db_time(now());
    diesel::update(uploads::table.find(&upload.id))
        .set((uploads::status.eq(UploadStatus::Completed.as_str()), uploads::completed_at.eq(at)))
        .execute(conn)?;
    Ok(())
}

/// Ends an open upload without a file: aborted (with why, when the server aborted it) or expired.
/// Its parts' rows go; the caller discards its staging once this commits.
pub fn end(conn: &mut DbConnection, id: &str, status: UploadStatus, failure: Option<&str>) -> Result<()> {
    diesel::delete(parts::table.filter(parts::upload_id.eq(id))).execute(conn)?;
    diesel::update(uploads::table.find(id).filter(uploads::status.eq(UploadStatus::Open.as_str())))
        .set((uploads::status.eq(status.as_str()), uploads::failure.eq(failure)))
        .execute(conn)?;
    Ok(())
}

/// Deletes an upload (and its parts); a completed one's blob is released.
pub fn delete(conn: &mut DbConnection, store: &BlobStore, upload: &Upload) -> Result<()> {
    diesel::delete(uploads::table.find(&upload.id)).execute(conn)?;
    if upload.status == UploadStatus::Completed {
        store.release(conn, &upload.sha256)?;
    }
    Ok(())
}

/// Open uploads past their expiry, oldest first (at most `limit`).
pub fn expired(conn: &mut DbConnection, at: DateTime<Utc>, limit: i64) -> Result<Vec<Upload>> {
    let rows: Vec<UploadRow> = uploads::table
        .filter(uploads::status.eq(UploadStatus::Open.as_str()).and(uploads::expires_at.lt(to_db_time(at))))
        .order(uploads::expires_at.asc())
        .limit(limit)
        .select(UploadRow::as_select())
        .load(conn)?;
    rows.into_iter().map(|r| upload_of(r, Vec::new())).collect()
}
