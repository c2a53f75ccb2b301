//! Shelf's storage: one diesel code path for embedded SQLite and PostgreSQL, an r2d2 pool, the
//! embedded migrations, and the queries of every resource (no SQL anywhere else).

pub mod applications;
pub mod assets;
pub mod attributes;
pub mod blobs;
pub mod bulk;
pub mod capabilities;
pub mod drafts;
pub mod files;
pub mod idempotency;
pub mod notifications;
mod owned;
pub mod page;
mod prepared;
pub mod pricing_templates;
pub mod products;
pub mod saas;
pub mod schema;
pub mod settings;
pub mod uploads;
pub mod webhooks;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Timelike, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, R2D2Connection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub use diesel::result as diesel_result;
pub use page::{Order, Page, Paged};
pub(crate) use prepared::KeepPrepared;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Serialises `shelf migrate`/`serve` start-up across instances sharing one PostgreSQL database.
const MIGRATION_LOCK_KEY: i64 = 0x5348_454c_465f_4d49; // "SHELF_MI"

const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                              PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

/// Runs `$body` with `$c` bound to the backend's own connection: for what diesel's multi-backend
/// cannot build (multi-row inserts, `ON CONFLICT`). The statement is still written once.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::DbConnection::Sqlite($c) => $body,
            $crate::DbConnection::Pg($c) => $body,
        }
    };
}
pub(crate) use on_backend;

/// Inserts `$rows` (a slice of rows of `$table`) in the caller's transaction: on PostgreSQL one
/// multi-row `INSERT`, kept prepared (one round trip); on SQLite, where a statement is a function
/// call and not a round trip, a cached single-row insert each (diesel's multi-row insert there runs
/// the same inserts, inside a savepoint of its own). For a bounded number of rows.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::DbConnection::Pg(c) => {
                let insert = diesel::insert_into($table).values($rows);
                $crate::KeepPrepared::prepared(insert).execute(c)?;
            }
            $crate::DbConnection::Sqlite(c) => {
                for row in $rows {
                    diesel::insert_into($table).values(row).execute(c)?;
                }
            }
        }
    };
}
pub(crate) use insert_rows;

/// One connection to either database; every query in this crate is written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("version mismatch")]
    VersionMismatch,
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(diesel::result::Error),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("bad database url: {0}")]
    Config(String),
}

impl From<diesel::result::Error> for Error {
    /// A database that is busy (SQLite's lock, PostgreSQL's serialisation failure) or a closed
    /// connection is unavailable for now, not broken: the caller may retry.
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as K, Error as D};
        match &e {
            D::DatabaseError(K::ClosedConnection | K::SerializationFailure, info) => {
                Error::Unavailable(info.message().to_owned())
            }
            D::DatabaseError(_, info) if is_busy(info.message()) => Error::Unavailable(info.message().to_owned()),
            _ => Error::Database(e),
        }
    }
}

/// SQLite's SQLITE_BUSY and SQLITE_LOCKED messages.
fn is_busy(message: &str) -> bool {
    message.starts_with("database is locked") || message.starts_with("database table is locked")
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
enum Target {
    Postgres(String),
    Sqlite(String),
}

impl Target {
    /// `postgres://` or `postgresql://` selects PostgreSQL; anything else is an SQLite file
    /// (an optional `sqlite://` or `sqlite:` prefix is stripped).
    fn parse(url: &str) -> Result<Target> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Target::Postgres(url.to_owned()));
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        if path.is_empty() || path.contains("://") {
            return Err(Error::Config("expected postgres://… or an SQLite file path".into()));
        }
        Ok(Target::Sqlite(path.to_owned()))
    }
}

/// r2d2 manager that picks the connection type from the URL instead of trying each in turn.
#[derive(Debug)]
pub struct Manager(Target);

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> std::result::Result<DbConnection, r2d2::Error> {
        match &self.0 {
            Target::Postgres(url) => {
                diesel::PgConnection::establish(url).map(DbConnection::Pg).map_err(r2d2::Error::ConnectionError)
            }
            Target::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS).map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> std::result::Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// The database: a pool plus, on SQLite, the lock that keeps to one writer at a time so that
/// write transactions queue in-process instead of failing with SQLITE_BUSY.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
    writer: Arc<Mutex<()>>,
    waits: Arc<PoolWaits>,
    /// PostgreSQL's URL, for the connections outside the pool (`notifications::EventListener`).
    postgres_url: Option<Arc<str>>,
}

/// How long callers waited for a pooled connection (for metrics): counts and microseconds.
#[derive(Debug, Default)]
struct PoolWaits {
    count: std::sync::atomic::AtomicU64,
    micros: std::sync::atomic::AtomicU64,
    max_micros: std::sync::atomic::AtomicU64,
}

/// The pool's waits so far: how many connections were taken, the microseconds spent waiting for
/// them in all, and the longest wait since the previous reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolWaitStats {
    pub count: u64,
    pub micros: u64,
    pub max_micros: u64,
}

impl Db {
    /// Opens a pool of `pool_size` connections (default: `default_pool_size`).
    pub fn open(url: &str, pool_size: Option<u32>) -> Result<Db> {
        let target = Target::parse(url)?;
        let (backend, postgres_url) = match &target {
            Target::Postgres(url) => (Backend::Postgres, Some(Arc::from(url.as_str()))),
            Target::Sqlite(_) => (Backend::Sqlite, None),
        };
        let size = pool_size.unwrap_or_else(|| default_pool_size(backend));
        let pool = r2d2::Pool::builder()
            .max_size(size.max(1))
            .min_idle(Some(1))
            // A broken connection is found by `has_broken` when it is returned; testing each one on
            // checkout would cost a round trip per request.
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(5))
            .build(Manager(target))
            .map_err(|e| Error::Unavailable(e.to_string()))?;
        Ok(Db { pool, backend, writer: Arc::new(Mutex::new(())), waits: Default::default(), postgres_url })
    }

    /// The most connections the pool opens.
    pub fn max_connections(&self) -> u32 {
        self.pool.max_size()
    }

    /// The pool now: connections open, and how many of them are idle.
    pub fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.connections, state.idle_connections)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The PostgreSQL URL (None on SQLite).
    pub(crate) fn postgres_url(&self) -> Option<&str> {
        self.postgres_url.as_deref()
    }

    fn conn(&self) -> Result<PooledConnection> {
        use std::sync::atomic::Ordering::Relaxed;
        let started = std::time::Instant::now();
        let conn = self.pool.get();
        let waited = started.elapsed().as_micros() as u64;
        self.waits.count.fetch_add(1, Relaxed);
        self.waits.micros.fetch_add(waited, Relaxed);
        self.waits.max_micros.fetch_max(waited, Relaxed);
        conn.map_err(|e| Error::Unavailable(e.to_string()))
    }

    /// The pool's waits so far (the longest since the previous call).
    pub fn pool_waits(&self) -> PoolWaitStats {
        use std::sync::atomic::Ordering::Relaxed;
        PoolWaitStats {
            count: self.waits.count.load(Relaxed),
            micros: self.waits.micros.load(Relaxed),
            max_micros: self.waits.max_micros.swap(0, Relaxed),
        }
    }

    /// Runs the pending migrations of this backend under a lock (PostgreSQL: an advisory lock; SQLite:
    /// an exclusive transaction) so that instances starting together do not race.
    pub fn migrate(&self) -> Result<()> {
        let mut conn = self.conn()?;
        let migrated = match &mut *conn {
            // An exclusive transaction is SQLite's lock across processes; the migrations run as savepoints in it.
            DbConnection::Sqlite(c) => {
                c.exclusive_transaction(|c| c.run_pending_migrations(SQLITE_MIGRATIONS).map(drop))
            }
            DbConnection::Pg(c) => {
                diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})")).execute(c)?;
                let result = c.run_pending_migrations(POSTGRES_MIGRATIONS).map(drop);
                diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")).execute(c)?;
                result
            }
        };
        migrated.map_err(|e| Error::Migration(e.to_string()))
    }

    /// Whether the database answers (for readiness), within `timeout`.
    pub fn ping(&self, timeout: Duration) -> Result<()> {
        let mut conn = self.pool.get_timeout(timeout).map_err(|e| Error::Unavailable(e.to_string()))?;
        conn.ping().map_err(|e| Error::Unavailable(e.to_string()))
    }

    /// Runs `f` on a pooled connection (reads, or a single-statement change).
    pub fn read<T>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T>) -> Result<T> {
        self.read_as(f)
    }

    /// `read`, for a closure whose error is the caller's own (a use case's refusal).
    pub fn read_as<T, E: From<Error>>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E> {
        let mut conn = self.conn()?;
        f(&mut conn)
    }

    /// Runs `f` in one transaction (every multi-row change goes through here); any error rolls it back.
    pub fn write<T, E>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<Error> + From<diesel::result::Error>,
    {
        let _writer = match self.backend {
            Backend::Sqlite => Some(self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner())),
            Backend::Postgres => None,
        };
        let mut conn = self.conn()?;
        let conn: &mut DbConnection = &mut conn;
        conn.transaction(f)
    }
}

/// Connections per core: SQLite reads are CPU work on pages the OS already holds, so connections
/// beyond a couple per core only queue on each other; a PostgreSQL connection also waits on the
/// network and on commits. Measured in bench/HISTORY.md (2 cores: 4 and 8 beat 8 and 16).
fn default_pool_size(backend: Backend) -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u32;
    match backend {
        Backend::Sqlite => 2 * cores,
        Backend::Postgres => 4 * cores,
    }
}

/// The current time at the precision both databases store (microseconds), rounded to milliseconds
/// so that what is returned equals what is read back.
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    t.with_nanosecond(t.nanosecond() / 1_000_000 * 1_000_000).unwrap_or(t)
}

fn to_db_time(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

fn from_db_time(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// A stored JSON document.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Corrupt(e.to_string()))
}

/// A new sortable id (UUIDv7): keyset pages ordered by id are ordered by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend() {
        assert!(matches!(Target::parse("postgres://u@h/db"), Ok(Target::Postgres(_))));
        assert!(matches!(Target::parse("postgresql://u@h/db"), Ok(Target::Postgres(_))));
        assert!(matches!(Target::parse("shelf.db"), Ok(Target::Sqlite(p)) if p == "shelf.db"));
        assert!(matches!(Target::parse("sqlite:///tmp/x.db"), Ok(Target::Sqlite(p)) if p == "/tmp/x.db"));
        assert!(matches!(Target::parse("mysql://h/db"), Err(Error::Config(_))));
        assert!(matches!(Target::parse(""), Err(Error::Config(_))));
    }

    #[test]
    fn the_bundled_sqlite_is_built_for_many_threads() {
        // .cargo/config.toml sets these; a build without them is several times slower on the
        // catalog's reads (bench/HISTORY.md).
        let db = Db::open(":memory:", Some(1)).expect("in-memory SQLite");
        let options: Vec<String> = db
            .read(|c| {
                #[derive(QueryableByName)]
                struct CompileOption {
                    #[diesel(sql_type = diesel::sql_types::Text)]
                    compile_options: String,
                }
                let rows: Vec<CompileOption> = diesel::sql_query("PRAGMA compile_options").load(c)?;
                Ok(rows.into_iter().map(|r| r.compile_options).collect())
            })
            .expect("compile options");
        assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "{options:?}");
        assert!(options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"), "{options:?}");
        assert!(!options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"), "{options:?}");
    }

    #[test]
    fn ids_sort_in_creation_order() {
        let ids: Vec<String> = (0..1000).map(|_| new_id()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }
}
