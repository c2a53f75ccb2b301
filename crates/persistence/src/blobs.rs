//! File bytes, content-addressed by SHA-256, in one of several backends behind `BlobBackend`: the
//! database's `blobs` table (the embedded default) or a directory (`SHELF_FILES_DIR`). The `blobs`
//! table indexes every blob whatever its backend: where its bytes live (`stored_in`) and, for bytes
//! outside the database, when its last reference went (`released_at`).
//!
//! The rules, for every backend:
//! - bytes are written before the row that refers to them (outside the database: the file first, then
//!   the row; a transaction that fails after the file leaves an unreferenced file, never a row without
//!   bytes);
//! - a blob whose last file row goes is released in that transaction: a database blob is deleted with
//!   it; bytes elsewhere are deleted later by `sweep`, under the row's lock, so that a rollback can
//!   never leave a row whose bytes are gone, and a `put` of released bytes writes them again.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Duration;
use diesel::prelude::*;
use object_store::ObjectStoreExt;

use crate::schema::{assets, blobs, draft_files as files, upload_parts, uploads};
use crate::{Db, DbConnection, Error, Result, now, to_db_time};

/// Where bytes live. `read` and `write` run inside the caller's transaction.
pub trait BlobBackend: Send + Sync + std::fmt::Debug {
    /// The name recorded with each blob it holds (`blobs.stored_in`).
    fn name(&self) -> &'static str;
    /// Stores the bytes of `sha256`; writing the same bytes again is harmless.
    fn write(&self, conn: &mut DbConnection, sha256: &str, bytes: &[u8]) -> Result<()>;
    fn read(&self, conn: &mut DbConnection, sha256: &str) -> Result<Vec<u8>>;
    /// The bytes of `sha256` as a reader that can seek, holding a bounded part of them at a time
    /// (the database's are one row, at most `max_upload_bytes`).
    fn open(&self, conn: &mut DbConnection, sha256: &str) -> Result<Box<dyn BlobRead>>;
    /// Where the bytes of `sha256` are a local file, for a backend that keeps them so.
    fn local_path(&self, _sha256: &str) -> Result<Option<PathBuf>> {
        Ok(None)
    }
    /// Removes the bytes of a blob whose row is being deleted (missing bytes are not an error).
    fn delete(&self, sha256: &str) -> Result<()>;
    /// Whether the bytes of `sha256` are there (outside the database).
    fn holds(&self, sha256: &str) -> Result<bool>;
    /// Whether the bytes live in the `blobs` row itself (deleted with it, never swept).
    fn in_row(&self) -> bool {
        false
    }

    /// The largest upload this backend takes (a database holds a file in one row).
    fn max_upload_bytes(&self) -> u64 {
        shelf_domain::package::MAX_PACKAGE_BYTES
    }

    /// Prepares to stage the parts of upload `id`; what it returns is kept as the upload's
    /// `backend_ref` (S3's multipart upload id).
    fn begin_upload(&self, id: &str) -> Result<Option<String>>;

    /// Stages part `number` of an upload (replacing an earlier copy of it); returns what completing
    /// needs to know of it (S3's part ETag). The part's row exists already.
    fn put_part(
        &self,
        conn: &mut DbConnection,
        upload: &Staged,
        number: u64,
        bytes: bytes::Bytes,
    ) -> Result<Option<String>>;

    /// Joins the parts in order, hashing them as they stream by. When they hash to `expected`, the
    /// bytes are placed as the blob of `expected` (or handed back, for a backend that keeps them in
    /// the row); otherwise nothing is placed. Returns the SHA-256 the parts have.
    fn assemble(
        &self,
        conn: &mut DbConnection,
        upload: &Staged,
        parts: &[StagedPart],
        expected: &str,
    ) -> Result<Assembled>;

    /// Removes whatever staging is left of an upload (after it completed, was aborted or expired).
    fn discard_upload(&self, upload: &Staged) -> Result<()>;

    /// Whether a failed `assemble` leaves the parts in place for another try (S3 consumes them).
    fn parts_survive_a_failed_assembly(&self) -> bool {
        true
    }

    /// A URL the client may `PUT` part `number` to directly, valid for `valid_for`, when the backend
    /// takes parts that bypass Shelf (S3); None otherwise.
    fn presign_part(&self, _upload: &Staged, _number: u64, _valid_for: std::time::Duration) -> Result<Option<String>> {
        Ok(None)
    }
}

/// A stored blob being read: from a file, a row, or an object store in ranges.
pub trait BlobRead: std::io::Read + std::io::Seek + Send {}
impl<T: std::io::Read + std::io::Seek + Send> BlobRead for T {}

/// An upload as its backend stages it.
#[derive(Debug, Clone)]
pub struct Staged {
    pub id: String,
    pub backend_ref: Option<String>,
}

/// A staged part: its number, size, and its backend's tag.
#[derive(Debug, Clone)]
pub struct StagedPart {
    pub number: u64,
    pub size: u64,
    pub backend_tag: Option<String>,
}

/// What joining an upload's parts gave.
#[derive(Debug)]
pub struct Assembled {
    /// The SHA-256 the parts have, in order.
    pub sha256: String,
    pub size: u64,
    /// The bytes, for a backend that keeps them in the `blobs` row (the database).
    pub in_row: Option<Vec<u8>>,
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes in the `blobs` row (BLOB on SQLite, BYTEA on PostgreSQL).
#[derive(Debug, Clone, Copy, Default)]
pub struct DatabaseBackend;

impl BlobBackend for DatabaseBackend {
    fn name(&self) -> &'static str {
        "database"
    }

    fn write(&self, conn: &mut DbConnection, sha256: &str, bytes: &[u8]) -> Result<()> {
        diesel::update(blobs::table.find(sha256)).set(blobs::data.eq(bytes)).execute(conn)?;
        Ok(())
    }

    fn read(&self, conn: &mut DbConnection, sha256: &str) -> Result<Vec<u8>> {
        blobs::table.find(sha256).select(blobs::data).first(conn).optional()?.ok_or(Error::NotFound)
    }

    fn open(&self, conn: &mut DbConnection, sha256: &str) -> Result<Box<dyn BlobRead>> {
        Ok(Box::new(std::io::Cursor::new(self.read(conn, sha256)?)))
    }

    fn delete(&self, _: &str) -> Result<()> {
        Ok(())
    }

    fn holds(&self, _: &str) -> Result<bool> {
        Ok(true)
    }

    fn in_row(&self) -> bool {
        true
    }

    fn max_upload_bytes(&self) -> u64 {
        DATABASE_MAX_UPLOAD_BYTES
    }

    fn begin_upload(&self, _: &str) -> Result<Option<String>> {
        Ok(None)
    }

    fn put_part(
        &self,
        conn: &mut DbConnection,
        upload: &Staged,
        number: u64,
        bytes: bytes::Bytes,
    ) -> Result<Option<String>> {
        let part = upload_parts::table.find((&upload.id, number as i64));
        diesel::update(part).set(upload_parts::data.eq(bytes.as_ref())).execute(conn)?;
        Ok(None)
    }

    fn assemble(&self, conn: &mut DbConnection, upload: &Staged, parts: &[StagedPart], _: &str) -> Result<Assembled> {
        use sha2::Digest;
        let mut hash = sha2::Sha256::new();
        let mut bytes = Vec::with_capacity(parts.iter().map(|p| p.size as usize).sum());
        for part in parts {
            let data: Option<Vec<u8>> = upload_parts::table
                .find((&upload.id, part.number as i64))
                .select(upload_parts::data)
                .first(conn)
                .optional()?
                .flatten();
            let data =
                data.ok_or_else(|| Error::Corrupt(format!("upload {}: part {} has no bytes", upload.id, part.number)))?;
            hash.update(&data);
            bytes.extend_from_slice(&data);
        }
        Ok(Assembled { sha256: hex(&hash.finalize()), size: bytes.len() as u64, in_row: Some(bytes) })
    }

    fn discard_upload(&self, _: &Staged) -> Result<()> {
        Ok(())
    }
}

/// The largest upload into the database store: a file there is one row, written in one statement.
/// Larger files need a directory or S3 store.
pub const DATABASE_MAX_UPLOAD_BYTES: u64 = 64 << 20;

/// Bytes in files under a directory: `<root>/<first two hex digits>/<sha256>`, written to a temporary
/// file, synced and renamed into place, so a reader never sees part of a file.
#[derive(Debug, Clone)]
pub struct DirectoryBackend {
    root: PathBuf,
}

impl DirectoryBackend {
    /// A store under `root`, created if missing.
    pub fn open(root: impl Into<PathBuf>) -> Result<DirectoryBackend> {
        let root = root.into();
        std::fs::create_dir_all(root.join("tmp")).map_err(|e| io_error(&root, e))?;
        Ok(DirectoryBackend { root })
    }

    /// Where the bytes of `sha256` live; only a SHA-256 in lowercase hex names a path.
    pub fn path_of(&self, sha256: &str) -> Result<PathBuf> {
        Ok(self.root.join(blob_key(sha256)?))
    }
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::Unavailable(format!("file store {}: {e}", path.display()))
}

impl BlobBackend for DirectoryBackend {
    fn name(&self) -> &'static str {
        "directory"
    }

    fn write(&self, _: &mut DbConnection, sha256: &str, bytes: &[u8]) -> Result<()> {
        use std::io::Write;
        let path = self.path_of(sha256)?;
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        let temporary = self.root.join("tmp").join(crate::new_id());
        let written = std::fs::File::create(&temporary).and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        });
        let renamed = written.and_then(|()| std::fs::rename(&temporary, &path));
        if let Err(e) = renamed {
            let _ = std::fs::remove_file(&temporary);
            return Err(io_error(&path, e));
        }
        Ok(())
    }

    fn read(&self, _: &mut DbConnection, sha256: &str) -> Result<Vec<u8>> {
        let path = self.path_of(sha256)?;
        std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::Corrupt(format!("the bytes of blob {sha256} are missing")),
            _ => io_error(&path, e),
        })
    }

    fn local_path(&self, sha256: &str) -> Result<Option<PathBuf>> {
        Ok(Some(self.path_of(sha256)?))
    }

    fn open(&self, _: &mut DbConnection, sha256: &str) -> Result<Box<dyn BlobRead>> {
        let path = self.path_of(sha256)?;
        let file = std::fs::File::open(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::Corrupt(format!("the bytes of blob {sha256} are missing")),
            _ => io_error(&path, e),
        })?;
        Ok(Box::new(std::io::BufReader::with_capacity(256 << 10, file)))
    }

    fn delete(&self, sha256: &str) -> Result<()> {
        let path = self.path_of(sha256)?;
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_error(&path, e)),
            _ => Ok(()),
        }
    }

    fn holds(&self, sha256: &str) -> Result<bool> {
        Ok(self.path_of(sha256)?.is_file())
    }

    fn begin_upload(&self, id: &str) -> Result<Option<String>> {
        let dir = self.upload_dir(id)?;
        std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
        Ok(None)
    }

    fn put_part(
        &self,
        _: &mut DbConnection,
        upload: &Staged,
        number: u64,
        bytes: bytes::Bytes,
    ) -> Result<Option<String>> {
        use std::io::Write;
        let dir = self.upload_dir(&upload.id)?;
        std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
        let (temporary, path) = (dir.join(format!("{number}.{}", crate::new_id())), dir.join(number.to_string()));
        let written = std::fs::File::create(&temporary).and_then(|mut f| {
            f.write_all(&bytes)?;
            f.sync_all()
        });
        if let Err(e) = written.and_then(|()| std::fs::rename(&temporary, &path)) {
            let _ = std::fs::remove_file(&temporary);
            return Err(io_error(&path, e));
        }
        Ok(None)
    }

    fn assemble(
        &self,
        _: &mut DbConnection,
        upload: &Staged,
        parts: &[StagedPart],
        expected: &str,
    ) -> Result<Assembled> {
        use sha2::Digest;
        use std::io::{Read, Write};
        let dir = self.upload_dir(&upload.id)?;
        let temporary = self.root.join("tmp").join(crate::new_id());
        let mut out = std::fs::File::create(&temporary).map_err(|e| io_error(&temporary, e))?;
        let (mut hash, mut size, mut buffer) = (sha2::Sha256::new(), 0u64, vec![0u8; 1 << 16]);
        let joined = (|| -> std::io::Result<()> {
            for part in parts {
                let mut file = std::fs::File::open(dir.join(part.number.to_string()))?;
                loop {
                    let n = file.read(&mut buffer)?;
                    if n == 0 {
                        break;
                    }
                    hash.update(&buffer[..n]);
                    out.write_all(&buffer[..n])?;
                    size += n as u64;
                }
            }
            out.sync_all()
        })();
        let sha256 = hex(&hash.finalize());
        let placed = joined.and_then(|()| {
            if sha256 != expected {
                return Ok(());
            }
            let path = self.path_of(expected).map_err(|e| std::io::Error::other(e.to_string()))?;
            std::fs::create_dir_all(path.parent().unwrap_or(&self.root))?;
            std::fs::rename(&temporary, &path)
        });
        let _ = std::fs::remove_file(&temporary);
        placed.map_err(|e| io_error(&dir, e))?;
        Ok(Assembled { sha256, size, in_row: None })
    }

    fn discard_upload(&self, upload: &Staged) -> Result<()> {
        let dir = self.upload_dir(&upload.id)?;
        match std::fs::remove_dir_all(&dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_error(&dir, e)),
            _ => Ok(()),
        }
    }
}

impl DirectoryBackend {
    /// Where the parts of upload `id` are staged (ids are ours: a UUID's characters only).
    fn upload_dir(&self, id: &str) -> Result<PathBuf> {
        Ok(self.root.join("uploads").join(upload_key(id)?))
    }
}

/// The blob store: new bytes go to the configured backend; bytes already stored are read from the
/// backend that holds them (a server that moved to a directory still reads its database blobs).
#[derive(Debug, Clone)]
pub struct BlobStore {
    backend: Arc<dyn BlobBackend>,
}

impl Default for BlobStore {
    fn default() -> Self {
        BlobStore::database()
    }
}

impl BlobStore {
    /// Bytes in the database (the embedded default).
    pub fn database() -> BlobStore {
        BlobStore { backend: Arc::new(DatabaseBackend) }
    }

    pub fn new(backend: Arc<dyn BlobBackend>) -> BlobStore {
        BlobStore { backend }
    }

    /// Where new bytes go.
    pub fn backend(&self) -> &dyn BlobBackend {
        self.backend.as_ref()
    }

    /// Records the blob of `sha256` whose bytes `assemble` just placed (or handed back, for the
    /// database): a new row, a released row referenced again, or nothing when it is stored already.
    pub fn adopt(&self, conn: &mut DbConnection, sha256: &str, size: u64, in_row: Option<Vec<u8>>) -> Result<()> {
        let backend = self.backend.as_ref();
        // The bytes were placed outside this transaction: lock the row (a sweep of the same bytes
        // waits, or has finished), then make sure they are still there.
        let this = blobs::table.find(sha256).select(blobs::sha256);
        if let DbConnection::Pg(c) = conn {
            this.for_update().first::<String>(c).optional()?;
        }
        if !backend.in_row() && !backend.holds(sha256)? {
            return Err(Error::Unavailable(format!(
                "the joined bytes of {sha256} went before they were recorded; complete again"
            )));
        }
        if revive(conn, sha256)? {
            return Ok(());
        }
        insert_row(conn, sha256, size, &in_row.unwrap_or_default(), backend.name())
    }

    /// The backend that holds blobs recorded as stored in `name`.
    fn backend_for(&self, name: &str) -> Result<&dyn BlobBackend> {
        if name == self.backend.name() {
            Ok(self.backend.as_ref())
        } else if name == DatabaseBackend.name() {
            Ok(&DatabaseBackend)
        } else {
            Err(Error::Config(format!("blobs are stored in `{name}`, which this server is not configured for")))
        }
    }

    /// Stores `bytes` under their `sha256` unless stored already. Run it in the transaction that writes
    /// the row referring to them. On PostgreSQL an existing blob is share-locked until that
    /// transaction commits, so a concurrent `release` or `sweep` of the same bytes waits for it.
    pub fn put(&self, conn: &mut DbConnection, sha256: &str, bytes: &[u8]) -> Result<()> {
        let this = blobs::table.find(sha256).select((blobs::stored_in, blobs::released_at));
        let existing: Option<(String, Option<chrono::NaiveDateTime>)> = match conn {
            DbConnection::Pg(c) => this.for_key_share().first(c).optional()?,
            DbConnection::Sqlite(c) => this.first(c).optional()?,
        };
        match existing {
            Some((_, None)) => Ok(()),
            // Released: referenced again, and written again (the sweeper may have taken the bytes).
            Some((stored_in, Some(_))) => {
                revive(conn, sha256)?;
                self.backend_for(&stored_in)?.write(conn, sha256, bytes)
            }
            None => {
                let backend = self.backend.as_ref();
                if !backend.in_row() {
                    backend.write(conn, sha256, bytes)?;
                }
                let data: &[u8] = if backend.in_row() { bytes } else { &[] };
                insert_row(conn, sha256, bytes.len() as u64, data, backend.name())
            }
        }
    }

    /// The bytes of `sha256`.
    pub fn get(&self, conn: &mut DbConnection, sha256: &str) -> Result<Vec<u8>> {
        let stored_in: String =
            blobs::table.find(sha256).select(blobs::stored_in).first(conn).optional()?.ok_or(Error::NotFound)?;
        self.backend_for(&stored_in)?.read(conn, sha256)
    }

    /// Where the bytes of `sha256` are a local file (the directory store), if they are.
    pub fn local_path(&self, conn: &mut DbConnection, sha256: &str) -> Result<Option<PathBuf>> {
        let stored_in: String =
            blobs::table.find(sha256).select(blobs::stored_in).first(conn).optional()?.ok_or(Error::NotFound)?;
        self.backend_for(&stored_in)?.local_path(sha256)
    }

    /// The bytes of `sha256` as a reader, and their size.
    pub fn open(&self, conn: &mut DbConnection, sha256: &str) -> Result<(u64, Box<dyn BlobRead>)> {
        let (stored_in, size): (String, i64) = blobs::table
            .find(sha256)
            .select((blobs::stored_in, blobs::size))
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound)?;
        Ok((size as u64, self.backend_for(&stored_in)?.open(conn, sha256)?))
    }

    /// Releases the bytes of `sha256` when no file row refers to them any more: a database blob is
    /// deleted, bytes elsewhere are marked for the sweeper.
    pub fn release(&self, conn: &mut DbConnection, sha256: &str) -> Result<()> {
        // Lock first (PostgreSQL), then count with a fresh snapshot: a `put` that got there first has
        // committed its reference by the time the lock is ours. SQLite serialises writers.
        let this = blobs::table.find(sha256).select(blobs::stored_in);
        let locked: Option<String> = match conn {
            DbConnection::Pg(c) => this.for_update().first(c).optional()?,
            DbConnection::Sqlite(c) => this.first(c).optional()?,
        };
        let Some(stored_in) = locked else { return Ok(()) };
        if files::table.filter(files::sha256.eq(sha256)).count().get_result::<i64>(conn)? > 0 {
            return Ok(());
        }
        let completed = uploads::table.filter(uploads::sha256.eq(sha256).and(uploads::status.eq("completed")));
        if completed.count().get_result::<i64>(conn)? > 0 {
            return Ok(());
        }
        if assets::table.filter(assets::sha256.eq(sha256)).count().get_result::<i64>(conn)? > 0 {
            return Ok(());
        }
        if self.backend_for(&stored_in)?.in_row() {
            diesel::delete(blobs::table.find(sha256)).execute(conn)?;
        } else {
            diesel::update(blobs::table.find(sha256)).set(blobs::released_at.eq(to_db_time(now()))).execute(conn)?;
        }
        Ok(())
    }

    /// Deletes the bytes of up to `limit` blobs released more than `grace` ago, and their rows: each
    /// under its row lock, in a transaction of its own. Returns how many went. Run it periodically.
    pub fn sweep(&self, db: &Db, grace: Duration, limit: i64) -> Result<usize> {
        let cutoff = to_db_time(now() - grace);
        let due: Vec<String> = db.read(|c| -> Result<_> {
            Ok(blobs::table
                .filter(blobs::released_at.le(cutoff))
                .select(blobs::sha256)
                .order(blobs::released_at.asc())
                .limit(limit)
                .load(c)?)
        })?;
        let mut swept = 0;
        for sha256 in due {
            let gone = db.write(|c| -> Result<bool> {
                let this = blobs::table.find(&sha256).filter(blobs::released_at.le(cutoff)).select(blobs::stored_in);
                let locked: Option<String> = match c {
                    DbConnection::Pg(pg) => this.for_update().skip_locked().first(pg).optional()?,
                    DbConnection::Sqlite(lite) => this.first(lite).optional()?,
                };
                // Revived by a `put` meanwhile, or being swept by another instance.
                let Some(stored_in) = locked else { return Ok(false) };
                diesel::delete(blobs::table.find(&sha256)).execute(c)?;
                // The bytes go before the commit: if it fails, the row stays released and a `put`
                // of these bytes writes them again.
                self.backend_for(&stored_in)?.delete(&sha256)?;
                Ok(true)
            })?;
            swept += usize::from(gone);
        }
        Ok(swept)
    }
}

/// Marks a released blob referenced again; whether there was one.
fn revive(conn: &mut DbConnection, sha256: &str) -> Result<bool> {
    let revived = diesel::update(blobs::table.find(sha256).filter(blobs::released_at.is_not_null()))
        .set(blobs::released_at.eq(None::<chrono::NaiveDateTime>))
        .execute(conn)?;
    Ok(revived > 0)
}

/// Records a blob (`data` empty when its bytes live outside the row). The same bytes recorded by
/// someone else meanwhile is fine (content-addressed); a unique violation would abort a PostgreSQL
/// transaction, so the insert must not raise one.
fn insert_row(conn: &mut DbConnection, sha256: &str, size: u64, data: &[u8], stored_in: &str) -> Result<()> {
    let row = (
        blobs::sha256.eq(sha256),
        blobs::size.eq(size as i64),
        blobs::data.eq(data),
        blobs::created_at.eq(to_db_time(now())),
        blobs::stored_in.eq(stored_in),
    );
    crate::on_backend!(conn, |c| diesel::insert_into(blobs::table).values(row).on_conflict_do_nothing().execute(c)?);
    Ok(())
}

/// The key of a blob's bytes outside the database, `<ab>/<sha256>`: only a SHA-256 names one.
fn blob_key(sha256: &str) -> Result<String> {
    if !shelf_domain::upload::is_sha256_hex(sha256) {
        return Err(Error::Corrupt(format!("`{sha256}` is not a SHA-256")));
    }
    Ok(format!("{}/{sha256}", &sha256[..2]))
}

/// An upload's id as a path segment (ids are ours: a UUID's characters only).
fn upload_key(id: &str) -> Result<&str> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(Error::Corrupt(format!("`{id}` is not an upload id")));
    }
    Ok(id)
}

/// How many blobs are stored, and how many of them are released but not swept yet.
pub fn counts(conn: &mut DbConnection) -> Result<(i64, i64)> {
    let all = blobs::table.count().get_result(conn)?;
    let released = blobs::table.filter(blobs::released_at.is_not_null()).count().get_result(conn)?;
    Ok((all, released))
}

/// Where an S3-compatible store is: the endpoint URL (`http://` only for a local test server), the
/// bucket and the region. Credentials come from the usual AWS environment variables.
#[derive(Debug, Clone)]
pub struct S3Location {
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
}

/// Bytes as objects `blobs/<ab>/<sha256>` in an S3-compatible bucket, through `object_store`. Its
/// calls run on a runtime of the backend's own, so a caller on any thread (a blocking-pool thread, a
/// test) can wait for them.
pub struct S3Backend {
    store: Arc<object_store::aws::AmazonS3>,
    /// Taken only by `drop` (a runtime dropped on an async thread would panic: it is shut down in
    /// the background instead).
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for S3Backend {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl std::fmt::Debug for S3Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Backend").field("store", &self.store.to_string()).finish()
    }
}

fn s3_error(e: impl std::fmt::Display) -> Error {
    Error::Unavailable(format!("object store: {e}"))
}

impl S3Backend {
    pub fn open(location: &S3Location) -> Result<S3Backend> {
        let store = object_store::aws::AmazonS3Builder::from_env()
            .with_endpoint(&location.endpoint)
            .with_allow_http(location.endpoint.starts_with("http://"))
            .with_bucket_name(&location.bucket)
            .with_region(&location.region)
            .with_virtual_hosted_style_request(false)
            .build()
            .map_err(|e| Error::Config(format!("S3: {e}")))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("shelf-s3")
            .enable_all()
            .build()
            .map_err(|e| Error::Config(format!("S3 runtime: {e}")))?;
        Ok(S3Backend { store: Arc::new(store), runtime: Some(runtime) })
    }

    fn path_of(sha256: &str) -> Result<object_store::path::Path> {
        Ok(object_store::path::Path::from(format!("blobs/{}", blob_key(sha256)?)))
    }

    /// Runs `work` on the backend's runtime and waits for it.
    fn run<T: Send + 'static>(&self, work: impl std::future::Future<Output = Result<T>> + Send + 'static) -> Result<T> {
        let runtime = self.runtime.as_ref().ok_or_else(|| s3_error("the S3 runtime stopped"))?;
        run_on(runtime.handle(), work)
    }
}

/// Runs `work` on `runtime` and waits for it (from a thread that is not one of its own).
fn run_on<T: Send + 'static>(
    runtime: &tokio::runtime::Handle,
    work: impl std::future::Future<Output = Result<T>> + Send + 'static,
) -> Result<T> {
    let (done, result) = std::sync::mpsc::sync_channel(1);
    runtime.spawn(async move {
        let _ = done.send(work.await);
    });
    result.recv().map_err(|_| s3_error("the S3 runtime stopped"))?
}

/// An S3 object read as one streamed GET from the current position, one chunk held at a time: a
/// sequential reader (a download, a scan's copy) makes one request; a seek elsewhere drops the stream
/// and the next read opens another from there.
struct S3Reader {
    store: Arc<object_store::aws::AmazonS3>,
    runtime: tokio::runtime::Handle,
    path: object_store::path::Path,
    size: u64,
    position: u64,
    chunk: bytes::Bytes,
    chunk_start: u64,
    /// The open GET and the offset its next chunk starts at.
    stream: Option<(futures_util::stream::BoxStream<'static, object_store::Result<bytes::Bytes>>, u64)>,
}

impl S3Reader {
    /// The next chunk of the object from `position`, from the open stream when it is there.
    fn next_chunk(&mut self) -> std::io::Result<bytes::Bytes> {
        use futures_util::StreamExt;
        let stream = match self.stream.take() {
            Some((stream, at)) if at == self.position => stream,
            _ => {
                let (store, path, from) = (self.store.clone(), self.path.clone(), self.position);
                run_on(&self.runtime, async move {
                    let options =
                        object_store::GetOptions::default().with_range(Some(object_store::GetRange::Offset(from)));
                    let found = object_store::ObjectStore::get_opts(store.as_ref(), &path, options).await;
                    Ok(found.map_err(s3_error)?.into_stream())
                })
                .map_err(std::io::Error::other)?
            }
        };
        let (stream, next) = run_on(&self.runtime, async move {
            let mut stream = stream;
            let next = stream.next().await;
            Ok((stream, next))
        })
        .map_err(std::io::Error::other)?;
        match next {
            Some(Ok(chunk)) => {
                self.stream = Some((stream, self.position + chunk.len() as u64));
                Ok(chunk)
            }
            Some(Err(e)) => Err(std::io::Error::other(s3_error(e))),
            None => Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the object ended early")),
        }
    }
}

impl std::io::Read for S3Reader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.position >= self.size || out.is_empty() {
            return Ok(0);
        }
        let chunk_end = self.chunk_start + self.chunk.len() as u64;
        if !(self.chunk_start..chunk_end).contains(&self.position) {
            self.chunk = self.next_chunk()?;
            self.chunk_start = self.position;
            if self.chunk.is_empty() {
                return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the object ended early"));
            }
        }
        let offset = (self.position - self.chunk_start) as usize;
        let n = out.len().min(self.chunk.len() - offset);
        out[..n].copy_from_slice(&self.chunk[offset..offset + n]);
        self.position += n as u64;
        Ok(n)
    }
}

impl std::io::Seek for S3Reader {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        let target = match to {
            std::io::SeekFrom::Start(n) => Some(n),
            std::io::SeekFrom::End(d) => self.size.checked_add_signed(d),
            std::io::SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        self.position = target.ok_or_else(|| std::io::Error::other("a seek before the start"))?;
        Ok(self.position)
    }
}

impl BlobBackend for S3Backend {
    fn name(&self) -> &'static str {
        "s3"
    }

    fn write(&self, _: &mut DbConnection, sha256: &str, bytes: &[u8]) -> Result<()> {
        let (store, path, payload) = (self.store.clone(), Self::path_of(sha256)?, bytes.to_vec());
        self.run(async move {
            store.put(&path, payload.into()).await.map_err(s3_error)?;
            Ok(())
        })
    }

    fn read(&self, _: &mut DbConnection, sha256: &str) -> Result<Vec<u8>> {
        let (store, path, sha256) = (self.store.clone(), Self::path_of(sha256)?, sha256.to_owned());
        self.run(async move {
            match store.get(&path).await {
                Ok(found) => Ok(found.bytes().await.map_err(s3_error)?.to_vec()),
                Err(object_store::Error::NotFound { .. }) => {
                    Err(Error::Corrupt(format!("the bytes of blob {sha256} are missing")))
                }
                Err(e) => Err(s3_error(e)),
            }
        })
    }

    fn open(&self, _: &mut DbConnection, sha256: &str) -> Result<Box<dyn BlobRead>> {
        let (store, path, key) = (self.store.clone(), Self::path_of(sha256)?, sha256.to_owned());
        let size = self.run(async move {
            match store.head(&path).await {
                Ok(meta) => Ok(meta.size),
                Err(object_store::Error::NotFound { .. }) => {
                    Err(Error::Corrupt(format!("the bytes of blob {key} are missing")))
                }
                Err(e) => Err(s3_error(e)),
            }
        })?;
        let runtime = self.runtime.as_ref().ok_or_else(|| s3_error("the S3 runtime stopped"))?;
        Ok(Box::new(S3Reader {
            store: self.store.clone(),
            runtime: runtime.handle().clone(),
            path: Self::path_of(sha256)?,
            size,
            position: 0,
            chunk: bytes::Bytes::new(),
            chunk_start: 0,
            stream: None,
        }))
    }

    fn delete(&self, sha256: &str) -> Result<()> {
        let (store, path) = (self.store.clone(), Self::path_of(sha256)?);
        self.run(async move {
            match store.delete(&path).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(s3_error(e)),
            }
        })
    }

    fn holds(&self, sha256: &str) -> Result<bool> {
        let (store, path) = (self.store.clone(), Self::path_of(sha256)?);
        self.run(async move {
            match store.head(&path).await {
                Ok(_) => Ok(true),
                Err(object_store::Error::NotFound { .. }) => Ok(false),
                Err(e) => Err(s3_error(e)),
            }
        })
    }

    fn begin_upload(&self, id: &str) -> Result<Option<String>> {
        use object_store::multipart::MultipartStore;
        let (store, path) = (self.store.clone(), Self::upload_path(id)?);
        let multipart = self.run(async move { store.create_multipart(&path).await.map_err(s3_error) })?;
        Ok(Some(multipart))
    }

    fn put_part(
        &self,
        _: &mut DbConnection,
        upload: &Staged,
        number: u64,
        bytes: bytes::Bytes,
    ) -> Result<Option<String>> {
        use object_store::multipart::MultipartStore;
        let multipart = Self::multipart_of(upload)?;
        // The part's buffer goes to S3 as it is (no copy).
        let (store, path, payload) = (self.store.clone(), Self::upload_path(&upload.id)?, bytes);
        // S3 numbers parts from 1; object_store from 0.
        let index = number.saturating_sub(1) as usize;
        let part =
            self.run(async move { store.put_part(&path, &multipart, index, payload.into()).await.map_err(s3_error) })?;
        Ok(Some(part.content_id))
    }

    fn assemble(
        &self,
        _: &mut DbConnection,
        upload: &Staged,
        parts: &[StagedPart],
        expected: &str,
    ) -> Result<Assembled> {
        use futures_util::StreamExt;
        use object_store::multipart::{MultipartStore, PartId};
        use sha2::Digest;
        let multipart = Self::multipart_of(upload)?;
        let ids = parts
            .iter()
            .map(|p| p.backend_tag.clone().map(|content_id| PartId { content_id }))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| Error::Corrupt(format!("upload {}: a part without its S3 tag", upload.id)))?;
        let (store, staged) = (self.store.clone(), Self::upload_path(&upload.id)?);
        let target = Self::path_of(expected)?;
        let expected = expected.to_owned();
        self.run(async move {
            store.complete_multipart(&staged, &multipart, ids).await.map_err(s3_error)?;
            // Read back once, hashing: the only way to know the whole file's SHA-256 when its parts
            // came in any order.
            let mut stream = store.get(&staged).await.map_err(s3_error)?.into_stream();
            let (mut hash, mut size) = (sha2::Sha256::new(), 0u64);
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(s3_error)?;
                hash.update(&chunk);
                size += chunk.len() as u64;
            }
            let sha256 = hex(&hash.finalize());
            if sha256 == expected {
                store.copy(&staged, &target).await.map_err(s3_error)?;
            }
            match store.delete(&staged).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(s3_error(e)),
            }
            Ok(Assembled { sha256, size, in_row: None })
        })
    }

    fn discard_upload(&self, upload: &Staged) -> Result<()> {
        use object_store::multipart::MultipartStore;
        let (store, path, multipart) = (self.store.clone(), Self::upload_path(&upload.id)?, upload.backend_ref.clone());
        self.run(async move {
            if let Some(multipart) = multipart {
                // Already completed or aborted: S3 no longer knows it, which is what we want.
                let _ = store.abort_multipart(&path, &multipart).await;
            }
            match store.delete(&path).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(s3_error(e)),
            }
        })
    }

    fn parts_survive_a_failed_assembly(&self) -> bool {
        false
    }

    fn presign_part(&self, upload: &Staged, number: u64, valid_for: std::time::Duration) -> Result<Option<String>> {
        use object_store::signer::{SignedUrlOptions, Signer};
        let multipart = Self::multipart_of(upload)?;
        let (store, path) = (self.store.clone(), Self::upload_path(&upload.id)?);
        let options =
            SignedUrlOptions::default().with_query([("partNumber", number.to_string()), ("uploadId", multipart)]);
        let url = self.run(async move {
            store.signed_url_opts(http::Method::PUT, &path, valid_for, &options).await.map_err(s3_error)
        })?;
        Ok(Some(url.to_string()))
    }
}

impl S3Backend {
    fn upload_path(id: &str) -> Result<object_store::path::Path> {
        Ok(object_store::path::Path::from(format!("uploads/{}", upload_key(id)?)))
    }

    fn multipart_of(upload: &Staged) -> Result<String> {
        upload.backend_ref.clone().ok_or_else(|| Error::Corrupt(format!("upload {} has no S3 multipart id", upload.id)))
    }
}
