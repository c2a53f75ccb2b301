//! The SQLite and PostgreSQL migrations give the same tables, columns and indexes.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use shelf_persistence::{Db, DbConnection};

use crate::helpers::{TestApp, is_postgres};

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Integer)]
    nullable: i32,
}

#[derive(QueryableByName)]
struct Index {
    #[diesel(sql_type = Text)]
    name: String,
}

type Schema = (BTreeSet<(String, String, String, bool)>, BTreeSet<String>);

fn normalise(data_type: &str) -> String {
    match data_type.to_ascii_lowercase().as_str() {
        "blob" | "bytea" => "binary".into(),
        "timestamp" | "timestamp without time zone" => "timestamp".into(),
        other => other.into(),
    }
}

fn schema_of(db: &Db) -> Schema {
    db.read(|conn| {
        let (columns, indexes): (Vec<Column>, Vec<Index>) = match conn {
            DbConnection::Sqlite(c) => (
                diesel::sql_query(
                    // An INTEGER PRIMARY KEY is SQLite's 64-bit rowid: PostgreSQL's BIGINT.
                    "SELECT m.name AS table_name, p.name AS column_name, \
                     CASE WHEN p.pk > 0 AND p.type = 'INTEGER' THEN 'BIGINT' ELSE p.type END AS data_type, \
                     CASE WHEN p.\"notnull\" = 1 OR p.pk > 0 THEN 0 ELSE 1 END AS nullable \
                     FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '__diesel%' \
                     AND m.name NOT LIKE 'catalog_search%'",
                )
                .load(c)?,
                diesel::sql_query(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'",
                )
                .load(c)?,
            ),
            DbConnection::Pg(c) => (
                diesel::sql_query(
                    "SELECT table_name::text, column_name::text, data_type::text, \
                     CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END AS nullable \
                     FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '__diesel%'",
                )
                .load(c)?,
                diesel::sql_query(
                    "SELECT indexname::text AS name FROM pg_indexes WHERE schemaname = 'public' \
                     AND indexname NOT LIKE '%_pkey' AND tablename NOT LIKE '__diesel%'",
                )
                .load(c)?,
            ),
        };
        Ok((
            columns
                .into_iter()
                .map(|c| (c.table_name, c.column_name, normalise(&c.data_type), c.nullable == 1))
                .collect(),
            indexes.into_iter().map(|i| i.name).collect(),
        ))
    })
    .unwrap()
}

const POSTGRES_ONLY_INDEXES: &[&str] = &["products_seq_idx", "products_search_idx"];

#[actix_web::test]
#[cfg_attr(not(postgres_tests), ignore = "PostgreSQL only: runs when SHELF_TEST_DATABASE_URL is set")]
async fn sqlite_and_postgres_migrations_give_the_same_schema() {
    assert!(is_postgres(), "the schema comparison needs PostgreSQL");
    let pg = TestApp::spawn().await;
    let path = std::env::temp_dir().join(format!("shelf_schema_{}.db", uuid::Uuid::now_v7().simple()));
    let sqlite = shelf_server::open_db(&crate::helpers::test_config(path.display().to_string())).unwrap();
    let (sqlite_schema, mut pg_schema) = (schema_of(&sqlite), schema_of(&pg.db));
    // Where the dialects differ on purpose: SQLite's `seq` is the rowid (no index of its own) and
    // its search index is the FTS5 table `catalog_search` (left out above); PostgreSQL has both as indexes.
    for pg_only in POSTGRES_ONLY_INDEXES {
        assert!(pg_schema.1.remove(*pg_only), "{pg_only} is missing on PostgreSQL");
    }
    drop(sqlite);
    let _ = std::fs::remove_file(&path);
    assert!(!sqlite_schema.0.is_empty());
    assert_eq!(sqlite_schema, pg_schema);
}

#[test]
fn instances_migrating_a_fresh_database_at_once_do_not_race() {
    let (url, _guard) = crate::helpers::fresh_database();
    let instances: Vec<Db> = (0..3).map(|_| Db::open(&url, Some(2)).unwrap()).collect();
    let handles: Vec<_> = instances.iter().cloned().map(|db| std::thread::spawn(move || db.migrate())).collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
    let tables = schema_of(&instances[0]).0.iter().map(|c| c.0.clone()).collect::<BTreeSet<_>>();
    let expected = [
        "account_contacts",
        "applications",
        "asset_references",
        "assets",
        "attributes",
        "blobs",
        "catalog_entries",
        "draft_files",
        "drafts",
        "events",
        "idempotency_keys",
        "messages",
        "notification_settings",
        "outbox",
        "pricing_templates",
        "products",
        "saas_endpoints",
        "saas_verifications",
        "seller_capabilities",
        "settings",
        "upload_parts",
        "uploads",
        "webhook_deliveries",
        "webhook_endpoints",
    ];
    assert_eq!(tables, expected.into_iter().map(str::to_owned).collect::<BTreeSet<_>>());
}

#[derive(QueryableByName)]
struct Pragma {
    #[diesel(sql_type = Text)]
    value: String,
}

#[actix_web::test]
#[cfg_attr(postgres_tests, ignore = "SQLite only: runs when SHELF_TEST_DATABASE_URL is unset")]
async fn sqlite_connections_run_wal_with_busy_timeout_foreign_keys_and_normal_sync() {
    assert!(!is_postgres(), "the pragmas are SQLite's");
    let app = TestApp::spawn().await;
    let pragmas = app
        .db
        .read(|conn| {
            let DbConnection::Sqlite(c) = conn else { unreachable!("the SQLite pass") };
            let mut read =
                |sql: &str| -> QueryResult<String> { Ok(diesel::sql_query(sql).get_result::<Pragma>(c)?.value) };
            Ok([
                read("SELECT journal_mode AS value FROM pragma_journal_mode")?,
                read("SELECT CAST(timeout AS TEXT) AS value FROM pragma_busy_timeout")?,
                read("SELECT CAST(foreign_keys AS TEXT) AS value FROM pragma_foreign_keys")?,
                read("SELECT CAST(synchronous AS TEXT) AS value FROM pragma_synchronous")?,
            ])
        })
        .unwrap();
    assert_eq!(pragmas, ["wal".to_owned(), "5000".into(), "1".into(), "1".into()]);
}
