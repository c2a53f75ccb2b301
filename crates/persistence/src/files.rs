//! A draft's files: metadata rows per draft, bytes in the content-addressed blob store (`blobs.rs`).
//! Every query is scoped by `seller_id`.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use shelf_domain::content::Attachments;
pub use shelf_domain::files::FileKind;

pub use crate::blobs::BlobStore;
use crate::schema::{blobs, draft_files as files};
use crate::{DbConnection, Error, Result, drafts, from_db_time, new_id, now, to_db_time};

/// Releases the bytes of files whose rows were just deleted.
pub fn release_all(conn: &mut DbConnection, store: &BlobStore, hashes: &[String]) -> Result<()> {
    let mut hashes = hashes.to_vec();
    hashes.sort();
    hashes.dedup();
    hashes.iter().try_for_each(|h| store.release(conn, h))
}

/// The contents a draft's files refer to: what to release once the draft (and with it, by cascade,
/// its file rows) is deleted. A closed draft is never deleted, so what was released stays.
pub fn hashes_of_draft(conn: &mut DbConnection, draft_id: &str) -> Result<Vec<String>> {
    Ok(files::table.filter(files::draft_id.eq(draft_id)).select(files::sha256).load(conn)?)
}

/// How many distinct file contents are stored (for tests and operations).
pub fn blob_count(conn: &mut DbConnection) -> Result<i64> {
    Ok(blobs::table.count().get_result(conn)?)
}

/// A stored file's description.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = files)]
pub struct FileRow {
    pub id: String,
    pub seller_id: String,
    pub draft_id: String,
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: NaiveDateTime,
}

impl FileRow {
    pub fn created_at(&self) -> DateTime<Utc> {
        from_db_time(self.created_at)
    }
}

/// A file to store.
pub struct NewFile<'a> {
    pub kind: FileKind,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub bytes: &'a [u8],
}

/// How many files of `kind` the draft holds.
pub fn count_of_kind(conn: &mut DbConnection, draft_id: &str, kind: FileKind) -> Result<i64> {
    Ok(files::table.filter(files::draft_id.eq(draft_id).and(files::kind.eq(kind.as_str()))).count().get_result(conn)?)
}

/// Stores a file of a draft: the logo replaces the previous one; request templates are added. The
/// caller has checked the draft's state and room (`DraftState::allow`, `FileKind::check_room`).
/// Run it in a transaction (`Db::write`).
pub fn add(
    conn: &mut DbConnection,
    store: &BlobStore,
    seller_id: &str,
    draft_id: &str,
    file: NewFile<'_>,
) -> Result<FileRow> {
    let of_kind = files::table.filter(files::draft_id.eq(draft_id).and(files::kind.eq(file.kind.as_str())));
    match file.kind {
        FileKind::Logo => {
            let replaced: Vec<String> = of_kind.select(files::sha256).load(conn)?;
            diesel::delete(of_kind).execute(conn)?;
            store.put(conn, file.sha256, file.bytes)?;
            release_all(conn, store, &replaced)?;
        }
        FileKind::RequestTemplate => store.put(conn, file.sha256, file.bytes)?,
    }
    let row = FileRow {
        id: new_id(),
        seller_id: seller_id.to_owned(),
        draft_id: draft_id.to_owned(),
        kind: file.kind.as_str().to_owned(),
        filename: file.filename.to_owned(),
        content_type: file.content_type.to_owned(),
        size: file.bytes.len() as i64,
        sha256: file.sha256.to_owned(),
        created_at: to_db_time(now()),
    };
    diesel::insert_into(files::table)
        .values((
            files::id.eq(&row.id),
            files::seller_id.eq(&row.seller_id),
            files::draft_id.eq(&row.draft_id),
            files::kind.eq(&row.kind),
            files::filename.eq(&row.filename),
            files::content_type.eq(&row.content_type),
            files::size.eq(row.size),
            files::sha256.eq(&row.sha256),
            files::created_at.eq(row.created_at),
        ))
        .execute(conn)?;
    Ok(row)
}

/// The files of one kind of the seller's draft, oldest first.
pub fn list(conn: &mut DbConnection, seller_id: &str, draft_id: &str, kind: FileKind) -> Result<Vec<FileRow>> {
    drafts::get_for_seller(conn, seller_id, draft_id)?;
    Ok(files::table
        .filter(files::draft_id.eq(draft_id).and(files::seller_id.eq(seller_id)).and(files::kind.eq(kind.as_str())))
        .order(files::id.asc())
        .select(FileRow::as_select())
        .load(conn)?)
}

/// One file with its bytes: by id, or the draft's only file of the kind (the logo) when `id` is None.
pub fn get(
    conn: &mut DbConnection,
    store: &BlobStore,
    seller_id: &str,
    draft_id: &str,
    kind: FileKind,
    id: Option<&str>,
) -> Result<(FileRow, Vec<u8>)> {
    let mut query = files::table
        .filter(files::draft_id.eq(draft_id).and(files::seller_id.eq(seller_id)).and(files::kind.eq(kind.as_str())))
        .into_boxed();
    if let Some(id) = id {
        query = query.filter(files::id.eq(id));
    }
    let row: FileRow = query.select(FileRow::as_select()).first(conn).optional()?.ok_or(Error::NotFound)?;
    let bytes = store.get(conn, &row.sha256)?;
    Ok((row, bytes))
}

/// Removes a file of a draft and releases its bytes; the caller has checked the draft's state.
/// Run it in a transaction (`Db::write`).
pub fn remove(
    conn: &mut DbConnection,
    store: &BlobStore,
    seller_id: &str,
    draft_id: &str,
    kind: FileKind,
    id: &str,
) -> Result<()> {
    let target = files::table.filter(
        files::id
            .eq(id)
            .and(files::draft_id.eq(draft_id))
            .and(files::seller_id.eq(seller_id))
            .and(files::kind.eq(kind.as_str())),
    );
    let hashes: Vec<String> = target.select(files::sha256).load(conn)?;
    if hashes.is_empty() {
        return Err(Error::NotFound);
    }
    diesel::delete(target).execute(conn)?;
    release_all(conn, store, &hashes)
}

/// What the release-requirement check needs to know about a draft's files.
pub fn attachments(conn: &mut DbConnection, draft_id: &str) -> Result<Attachments> {
    let kinds: Vec<String> = files::table.filter(files::draft_id.eq(draft_id)).select(files::kind).load(conn)?;
    Ok(attachments_of_kinds(kinds.iter().map(String::as_str)))
}

/// What these files of a draft give its release check.
pub fn attachments_of(rows: &[FileRow]) -> Attachments {
    attachments_of_kinds(rows.iter().map(|f| f.kind.as_str()))
}

fn attachments_of_kinds<'a>(kinds: impl Iterator<Item = &'a str> + Clone) -> Attachments {
    Attachments {
        has_logo: kinds.clone().any(|k| k == FileKind::Logo.as_str()),
        request_templates: kinds.filter(|k| *k == FileKind::RequestTemplate.as_str()).count(),
    }
}

/// The files of a draft with their hashes (a submission's snapshot names files by hash).
pub fn all_of_draft(conn: &mut DbConnection, draft_id: &str) -> Result<Vec<FileRow>> {
    Ok(files::table
        .filter(files::draft_id.eq(draft_id))
        .order(files::id.asc())
        .select(FileRow::as_select())
        .load(conn)?)
}

/// Gives a new draft the files of a snapshot (the blobs are already stored; only rows are added).
pub fn copy_into_draft(
    conn: &mut DbConnection,
    seller_id: &str,
    draft_id: &str,
    snapshot_files: &[shelf_domain::application::SnapshotFile],
) -> Result<()> {
    let at = to_db_time(now());
    for f in snapshot_files {
        diesel::insert_into(files::table)
            .values((
                files::id.eq(new_id()),
                files::seller_id.eq(seller_id),
                files::draft_id.eq(draft_id),
                files::kind.eq(&f.kind),
                files::filename.eq(&f.filename),
                files::content_type.eq(&f.content_type),
                files::size.eq(f.size),
                files::sha256.eq(&f.sha256),
                files::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}
