//! persistence/src/prepared.rs keeps fixed-shape UPDATEs and multi-row INSERTs prepared through a
//! doc-hidden diesel API (diesel is pinned for it). These prove on PostgreSQL that the statements are
//! prepared once per connection and reused, and that the cache stays bounded however many releases
//! run. The releases go through the workflow functions on a one-connection pool: no HTTP needed.

use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use shelf_domain::{Account, ApplicationId, DraftContent, DraftId, Role};
use shelf_persistence::files::{BlobStore, FileKind, NewFile};
use shelf_persistence::{Db, DbConnection};
use shelf_workflows as workflows;

use crate::helpers::{complete_content, fresh_database, is_postgres, ooxml, png};

#[derive(QueryableByName)]
struct Counts {
    #[diesel(sql_type = BigInt)]
    statements: i64,
    #[diesel(sql_type = BigInt)]
    draft_update_runs: i64,
}

/// The connection's prepared statements, and how often its `UPDATE "drafts"` statements ran.
fn counts(db: &Db) -> Counts {
    db.read(|c| {
        let query = diesel::sql_query(
            "SELECT count(*)::bigint AS statements, \
                    coalesce(sum(generic_plans + custom_plans) FILTER (WHERE statement LIKE 'UPDATE \"drafts\"%'), 0)::bigint \
                      AS draft_update_runs \
             FROM pg_prepared_statements",
        );
        let DbConnection::Pg(pg) = c else { panic!("PostgreSQL only") };
        Ok(diesel::RunQueryDsl::get_result::<Counts>(query, pg)?)
    })
    .unwrap()
}

fn account(id: &str, role: Role) -> Account {
    Account { id: id.into(), role, email: Some(format!("{id}@example.com")), phone: None }
}

/// One release through every step: save, files, submit, approve.
fn release(db: &Db, seller: &Account, reviewer: &Account) {
    let content: DraftContent = serde_json::from_value(complete_content()).unwrap();
    let draft = workflows::drafts::create(db, &seller.seller_id(), content).unwrap();
    let id = DraftId(draft.id.clone());
    let (logo, template) = (png(120, 120), ooxml("word/document.xml"));
    for (kind, filename, content_type, sha256, bytes) in [
        (FileKind::Logo, "logo.png", "image/png", "a".repeat(64), &logo),
        (FileKind::RequestTemplate, "Order form.docx", "application/octet-stream", "b".repeat(64), &template),
    ] {
        let file = NewFile { kind, filename, content_type, sha256: &sha256, bytes };
        workflows::files::add(db, &BlobStore::database(), &seller.seller_id(), &id, file).unwrap();
    }
    let application = workflows::drafts::submit(db, seller, &id, 8 * 3600).unwrap();
    workflows::review::approve(db, reviewer, &ApplicationId(application.id)).unwrap();
}

#[test]
#[cfg_attr(not(postgres_tests), ignore = "PostgreSQL only: runs when SHELF_TEST_DATABASE_URL is set")]
fn release_statements_are_prepared_once_per_connection_and_the_cache_stays_bounded() {
    assert!(is_postgres(), "pg_prepared_statements needs PostgreSQL");
    let (url, _guard) = fresh_database();
    let db = Db::open(&url, Some(1)).unwrap();
    db.migrate().unwrap();
    let (seller, reviewer) = (account("prepared-seller", Role::Seller), account("prepared-reviewer", Role::Reviewer));
    for _ in 0..3 {
        release(&db, &seller, &reviewer);
    }
    let warm = counts(&db);
    for _ in 0..30 {
        release(&db, &seller, &reviewer);
    }
    let after = counts(&db);
    // Reused: the drafts UPDATEs ran once per release (the submit and the approval transitions)
    // through the statements prepared in the first rounds.
    assert!(
        after.draft_update_runs >= warm.draft_update_runs + 60,
        "{} then {}",
        warm.draft_update_runs,
        after.draft_update_runs
    );
    // Bounded: thirty more releases prepared nothing new.
    assert_eq!(after.statements, warm.statements, "the statement cache grew with the number of calls");
}
