//! Bulk import of releases decided elsewhere (the benchmark seeder; a move from another marketplace):
//! the rows an approved release leaves (the closed draft, the approved application with its snapshot,
//! the product with its catalog entry, the events) or a pending submission, in multi-row inserts.
//! The caller runs each batch in one transaction (`Db::write`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use shelf_domain::application::{ApplicationStatus, HistoryEntry, Snapshot};
use shelf_domain::notification::EventType;
use shelf_domain::product::{Product, ProductStatus};
use shelf_domain::{DraftKind, DraftState};

use crate::applications::ApplicationRow;
use crate::drafts::DraftRow;
use crate::notifications::{NewEventRow, next_cursors};
use crate::products::{NewProductRow, new_product};
use crate::schema::{applications, catalog_entries, drafts, events, products};
use crate::{DbConnection, Result, new_id, to_db_time, to_json};

/// A submission: the snapshot (content with SKU codes, files by hash) and when it was made.
pub struct Submission {
    pub seller_id: String,
    pub snapshot: Snapshot,
    pub submitted_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub extended_review: bool,
}

/// Rows per multi-row insert: under both databases' bind-parameter limits for the widest table.
const CHUNK: usize = 500;

fn draft_row(s: &Submission, state: DraftState, product_id: Option<&str>, at: DateTime<Utc>) -> Result<DraftRow> {
    Ok(DraftRow {
        id: new_id(),
        seller_id: s.seller_id.clone(),
        kind: DraftKind::Release.as_str().to_owned(),
        state: state.as_str().to_owned(),
        product_id: product_id.map(str::to_owned),
        name_search: s.snapshot.content.name.as_ref().map(|n| n.to_lowercase()),
        content: to_json(&s.snapshot.content)?,
        version: 2,
        created_at: to_db_time(s.submitted_at),
        updated_at: to_db_time(at),
    })
}

fn application_row(s: &Submission, draft_id: &str, history: &[HistoryEntry]) -> Result<ApplicationRow> {
    let status = history.last().map_or(ApplicationStatus::Pending, |h| h.status);
    let decided = history.iter().find(|h| h.status != ApplicationStatus::Pending);
    Ok(ApplicationRow {
        id: new_id(),
        seller_id: s.seller_id.clone(),
        draft_id: draft_id.to_owned(),
        product_id: None,
        kind: DraftKind::Release.as_str().to_owned(),
        status: status.as_str().to_owned(),
        delivery_method: s.snapshot.content.delivery_method.map(|m| m.as_str().to_owned()),
        submitted_at: to_db_time(s.submitted_at),
        due_at: to_db_time(s.due_at),
        extended_review: s.extended_review,
        decided_at: decided.map(|h| to_db_time(h.at)),
        reason: None,
        snapshot: to_json(&s.snapshot)?,
        history: to_json(&history)?,
        name: s.snapshot.content.name.clone().unwrap_or_default(),
    })
}

/// The cursor for the next event (SQLite numbers events as they are written; PostgreSQL's sequencer later).
fn take(next: &mut Option<i64>) -> Option<i64> {
    let current = *next;
    if let Some(n) = next.as_mut() {
        *n += 1;
    }
    current
}

/// Multi-row inserts in chunks. diesel's multi-backend has no batch insert, so the statement is
/// built for the connection's own backend (the same statement on each).
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {
        for chunk in $rows.chunks(CHUNK) {
            crate::on_backend!(&mut *$conn, |c| diesel::insert_into($table).values(chunk).execute(c)?);
        }
    };
}

/// Imports approved releases: each gets its product (listed or hidden as its content says), and the
/// events an approval appends. Returns the product ids in order.
pub fn import_approved(
    conn: &mut DbConnection,
    releases: &[Submission],
    reviewer_id: &str,
    decided_at: DateTime<Utc>,
) -> Result<Vec<String>> {
    let (mut draft_rows, mut app_rows, mut product_rows, mut entry_rows, mut event_rows) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut next = next_cursors(conn)?;
    for release in releases {
        let product: Product = new_product(&release.seller_id, release.snapshot.content.clone(), decided_at);
        let draft = draft_row(release, DraftState::Closed, Some(&product.id), decided_at)?;
        let history = [
            HistoryEntry {
                status: ApplicationStatus::Pending,
                at: release.submitted_at,
                by: release.seller_id.clone(),
            },
            HistoryEntry { status: ApplicationStatus::Approved, at: decided_at, by: reviewer_id.to_owned() },
        ];
        let mut application = application_row(release, &draft.id, &history)?;
        application.product_id = Some(product.id.clone());
        let listed = match product.status {
            ProductStatus::OnSale => EventType::ProductListed,
            _ => EventType::ProductHidden,
        };
        for (event, at) in [
            (EventType::ApplicationSubmitted, release.submitted_at),
            (EventType::ApplicationApproved, decided_at),
            (listed, decided_at),
        ] {
            event_rows.push(NewEventRow {
                cursor: take(&mut next),
                seller_id: release.seller_id.clone(),
                event_type: event.as_str().to_owned(),
                at: to_db_time(at),
                application_id: Some(application.id.clone()),
                product_id: (event != EventType::ApplicationSubmitted).then(|| product.id.clone()),
                draft_id: Some(draft.id.clone()),
                asset_id: None,
                id: Some(crate::notifications::new_event_id()),
            });
        }
        let (product_row, entry_row) = NewProductRow::of(&product)?;
        product_rows.push(product_row);
        entry_rows.push(entry_row);
        draft_rows.push(draft);
        app_rows.push(application);
    }
    insert_all!(conn, drafts::table, draft_rows);
    insert_all!(conn, applications::table, app_rows);
    insert_all!(conn, products::table, product_rows);
    insert_all!(conn, catalog_entries::table, entry_rows);
    insert_all!(conn, events::table, event_rows);
    Ok(product_rows.into_iter().map(|p| p.id).collect())
}

/// Imports pending submissions: drafts in review with their applications in the reviewer queue.
/// Returns the application ids in order.
pub fn import_pending(conn: &mut DbConnection, submissions: &[Submission]) -> Result<Vec<String>> {
    let (mut draft_rows, mut app_rows, mut event_rows) = (vec![], vec![], vec![]);
    let mut next = next_cursors(conn)?;
    for submission in submissions {
        let draft = draft_row(submission, DraftState::InReview, None, submission.submitted_at)?;
        let history = [HistoryEntry {
            status: ApplicationStatus::Pending,
            at: submission.submitted_at,
            by: submission.seller_id.clone(),
        }];
        let application = application_row(submission, &draft.id, &history)?;
        event_rows.push(NewEventRow {
            cursor: take(&mut next),
            seller_id: submission.seller_id.clone(),
            event_type: EventType::ApplicationSubmitted.as_str().to_owned(),
            at: to_db_time(submission.submitted_at),
            application_id: Some(application.id.clone()),
            product_id: None,
            draft_id: Some(draft.id.clone()),
            asset_id: None,
            id: Some(crate::notifications::new_event_id()),
        });
        draft_rows.push(draft);
        app_rows.push(application);
    }
    insert_all!(conn, drafts::table, draft_rows);
    insert_all!(conn, applications::table, app_rows);
    insert_all!(conn, events::table, event_rows);
    Ok(app_rows.into_iter().map(|a| a.id).collect())
}
