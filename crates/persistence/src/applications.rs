//! Applications: submissions under review. Seller reads are scoped by `seller_id`; the reviewer
//! queue reads across sellers; a decision is a conditional update on the status (taken exactly once).

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use shelf_domain::application::{Application, ApplicationStatus, ApplicationSummary, HistoryEntry, Snapshot};
use shelf_domain::{Draft, DraftKind};

use crate::KeepPrepared;
use crate::assets::Holder;
use crate::drafts::DraftRow;
use crate::notifications::{ReceiverColumns, pick_receivers};
use crate::page::keyset;
use crate::schema::{account_contacts, applications as apps, drafts, notification_settings, settings};
use crate::settings::{HOLIDAYS, parse_holidays};
use crate::{DbConnection, Error, Page, Paged, Result, from_db_time, new_id, to_db_time, to_json};
use shelf_domain::contact::Receivers;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = apps, treat_none_as_default_value = false)]
pub struct ApplicationRow {
    pub id: String,
    pub seller_id: String,
    pub draft_id: String,
    pub product_id: Option<String>,
    pub kind: String,
    pub status: String,
    pub delivery_method: Option<String>,
    pub submitted_at: NaiveDateTime,
    pub due_at: NaiveDateTime,
    pub extended_review: bool,
    pub decided_at: Option<NaiveDateTime>,
    pub reason: Option<String>,
    pub snapshot: String,
    pub history: String,
    /// The product's name as submitted (the queue reads it instead of the snapshot).
    pub name: String,
}

fn corrupt(id: &str, what: &str, e: impl std::fmt::Display) -> Error {
    Error::Corrupt(format!("application {id}: {what}: {e}"))
}

impl TryFrom<ApplicationRow> for Application {
    type Error = Error;

    fn try_from(row: ApplicationRow) -> Result<Application> {
        let id = row.id.clone();
        Ok(Application {
            kind: row.kind.parse().map_err(|e| corrupt(&id, "kind", e))?,
            status: row.status.parse().map_err(|e| corrupt(&id, "status", e))?,
            delivery_method: row
                .delivery_method
                .map(|m| serde_json::from_value(serde_json::Value::String(m)))
                .transpose()
                .map_err(|e| corrupt(&id, "delivery_method", e))?,
            snapshot: serde_json::from_str(&row.snapshot).map_err(|e| corrupt(&id, "snapshot", e))?,
            history: serde_json::from_str(&row.history).map_err(|e| corrupt(&id, "history", e))?,
            id: row.id,
            seller_id: row.seller_id,
            draft_id: row.draft_id,
            product_id: row.product_id,
            submitted_at: from_db_time(row.submitted_at),
            due_at: from_db_time(row.due_at),
            extended_review: row.extended_review,
            decided_at: row.decided_at.map(from_db_time),
            reason: row.reason,
        })
    }
}

pub struct NewApplication<'a> {
    pub seller_id: &'a str,
    pub draft_id: &'a str,
    pub product_id: Option<&'a str>,
    pub kind: DraftKind,
    pub snapshot: &'a Snapshot,
    pub submitted_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub extended_review: bool,
}

pub fn insert(conn: &mut DbConnection, new: NewApplication<'_>) -> Result<Application> {
    let history =
        vec![HistoryEntry { status: ApplicationStatus::Pending, at: new.submitted_at, by: new.seller_id.to_owned() }];
    let delivery_method = new.snapshot.content.delivery_method.map(|m| m.as_str().to_owned());
    let row = ApplicationRow {
        id: new_id(),
        seller_id: new.seller_id.to_owned(),
        draft_id: new.draft_id.to_owned(),
        product_id: new.product_id.map(str::to_owned),
        kind: new.kind.as_str().to_owned(),
        status: ApplicationStatus::Pending.as_str().to_owned(),
        delivery_method,
        submitted_at: to_db_time(new.submitted_at),
        due_at: to_db_time(new.due_at),
        extended_review: new.extended_review,
        decided_at: None,
        reason: None,
        snapshot: to_json(new.snapshot)?,
        history: to_json(&history)?,
        name: new.snapshot.content.name.clone().unwrap_or_default(),
    };
    diesel::insert_into(apps::table).values(&row).execute(conn)?;
    let assets = new.snapshot.content.asset_ids();
    crate::assets::update_references(conn, Holder::Application, &row.id, &Default::default(), &assets)?;
    // What was written, without parsing the snapshot back.
    Ok(Application {
        id: row.id,
        seller_id: row.seller_id,
        draft_id: row.draft_id,
        product_id: row.product_id,
        kind: new.kind,
        status: ApplicationStatus::Pending,
        delivery_method: new.snapshot.content.delivery_method,
        submitted_at: from_db_time(row.submitted_at),
        due_at: from_db_time(row.due_at),
        extended_review: row.extended_review,
        decided_at: None,
        reason: None,
        snapshot: new.snapshot.clone(),
        history,
    })
}

/// What a submission needs to know, read in one query: the seller's draft, the holiday calendar,
/// whether this submission is at least the `extended_from`th of the seller's marketplace day
/// `[from, to)`, and the seller's remembered contacts.
pub struct SubmissionContext {
    pub draft: Draft,
    pub holidays: BTreeSet<NaiveDate>,
    /// This submission is at least the `extended_from`th of the seller's day.
    pub extended_review: bool,
    /// The seller's remembered contacts (email, phone), when any were remembered.
    pub contacts: Option<(Option<String>, Option<String>)>,
}

pub fn submission_context(
    conn: &mut DbConnection,
    seller_id: &str,
    draft_id: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    extended_from: u32,
) -> Result<SubmissionContext> {
    let holidays = settings::table.filter(settings::name.eq(HOLIDAYS)).select(settings::value).single_value();
    // Whether the seller already has `earlier` submissions today: the one at that position, if any
    // (reads at most that many index entries, however many the seller submitted).
    let earlier = i64::from(extended_from.max(1) - 1);
    let reached = apps::table
        .filter(apps::seller_id.eq(seller_id))
        .filter(apps::submitted_at.ge(to_db_time(from)).and(apps::submitted_at.lt(to_db_time(to))))
        .order(apps::submitted_at.asc())
        .select(apps::id)
        .offset((earlier - 1).max(0))
        .limit(1)
        .single_value();
    let contacts = account_contacts::table.filter(account_contacts::account_id.eq(seller_id));
    let contact_columns = (
        contacts.select(account_contacts::account_id).single_value(),
        contacts.select(account_contacts::email).single_value(),
        contacts.select(account_contacts::phone).single_value(),
    );
    type Contacts = (Option<String>, Option<String>, Option<String>);
    let row: Option<(DraftRow, Option<String>, Option<String>, Contacts)> = drafts::table
        .filter(drafts::seller_id.eq(seller_id).and(drafts::id.eq(draft_id)))
        .select((DraftRow::as_select(), holidays, reached, contact_columns))
        .first(conn)
        .optional()?;
    let (draft, holidays, reached, (remembered, email, phone)) = row.ok_or(Error::NotFound)?;
    Ok(SubmissionContext {
        draft: draft.try_into()?,
        holidays: holidays.as_deref().map(parse_holidays).transpose()?.unwrap_or_default(),
        extended_review: earlier == 0 || reached.is_some(),
        contacts: remembered.map(|_| (email, phone)),
    })
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Application> {
    apps::table.find(id).select(ApplicationRow::as_select()).first(conn).optional()?.ok_or(Error::NotFound)?.try_into()
}

/// An application to decide and who will hear about the decision (its seller's receivers), in one query.
pub fn get_for_decision(conn: &mut DbConnection, id: &str) -> Result<(Application, Receivers)> {
    let own_settings = notification_settings::table.filter(notification_settings::seller_id.eq(apps::seller_id));
    let own_contacts = account_contacts::table.filter(account_contacts::account_id.eq(apps::seller_id));
    let row: Option<(ApplicationRow, ReceiverColumns)> = apps::table
        .find(id)
        .select((
            ApplicationRow::as_select(),
            (
                own_settings.select(notification_settings::emails).single_value(),
                own_settings.select(notification_settings::phones).single_value(),
                own_settings.select(notification_settings::version).single_value(),
                own_contacts.select(account_contacts::email).single_value(),
                own_contacts.select(account_contacts::phone).single_value(),
            ),
        ))
        .first(conn)
        .optional()?;
    let (application, receivers) = row.ok_or(Error::NotFound)?;
    Ok((application.try_into()?, pick_receivers(receivers)?))
}

crate::owned::get_for_seller!(apps, ApplicationRow, Application);

pub fn list_for_seller(
    conn: &mut DbConnection,
    seller_id: &str,
    status: Option<ApplicationStatus>,
    page: &Page,
) -> Result<Paged<Application>> {
    let mut query = apps::table.filter(apps::seller_id.eq(seller_id)).into_boxed();
    if let Some(status) = status {
        query = query.filter(apps::status.eq(status.as_str()));
    }
    let rows = keyset!(query, apps::id, page).select(ApplicationRow::as_select()).load(conn)?;
    page.finish(rows, |r| r.id.clone()).try_map(Application::try_from)
}

/// The key of a position in the review queue: due time, then id.
pub fn queue_key(due_at: DateTime<Utc>, id: &str) -> String {
    format!("{}|{id}", due_at.timestamp_micros())
}

/// A position in the review queue: after the application `id`, due at `due_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuePosition {
    pub(crate) due_at: NaiveDateTime,
    pub(crate) id: String,
}

impl QueuePosition {
    /// The position a `queue_key` names; None for any other text.
    pub fn parse(key: &str) -> Option<QueuePosition> {
        let (micros, id) = key.split_once('|')?;
        let due_at = to_db_time(DateTime::from_timestamp_micros(micros.parse().ok()?)?);
        Some(QueuePosition { due_at, id: id.to_owned() })
    }
}

/// What the queue reads of an application: every column but the snapshot and the history.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = apps)]
struct SummaryRow {
    id: String,
    seller_id: String,
    draft_id: String,
    product_id: Option<String>,
    kind: String,
    status: String,
    delivery_method: Option<String>,
    name: String,
    submitted_at: NaiveDateTime,
    due_at: NaiveDateTime,
    extended_review: bool,
    decided_at: Option<NaiveDateTime>,
}

impl TryFrom<SummaryRow> for ApplicationSummary {
    type Error = Error;

    fn try_from(row: SummaryRow) -> Result<ApplicationSummary> {
        let id = row.id.clone();
        Ok(ApplicationSummary {
            kind: row.kind.parse().map_err(|e| corrupt(&id, "kind", e))?,
            status: row.status.parse().map_err(|e| corrupt(&id, "status", e))?,
            delivery_method: row
                .delivery_method
                .map(|m| m.parse())
                .transpose()
                .map_err(|e| corrupt(&id, "delivery_method", e))?,
            id: row.id,
            seller_id: row.seller_id,
            draft_id: row.draft_id,
            product_id: row.product_id,
            name: row.name,
            submitted_at: from_db_time(row.submitted_at),
            due_at: from_db_time(row.due_at),
            extended_review: row.extended_review,
            decided_at: row.decided_at.map(from_db_time),
        })
    }
}

/// The reviewer queue: applications of `status`, earliest due first (only those due before
/// `overdue_at` when given), keyset-paginated on (due_at, id), as summaries.
pub fn review_queue(
    conn: &mut DbConnection,
    status: ApplicationStatus,
    overdue_at: Option<DateTime<Utc>>,
    limit: u32,
    after: Option<&QueuePosition>,
) -> Result<Paged<ApplicationSummary>> {
    let mut query = apps::table.filter(apps::status.eq(status.as_str())).into_boxed();
    if let Some(now) = overdue_at {
        query = query.filter(apps::due_at.lt(to_db_time(now)));
    }
    if let Some(QueuePosition { due_at: due, id }) = after {
        query = query.filter(apps::due_at.gt(*due).or(apps::due_at.eq(*due).and(apps::id.gt(id))));
    }
    let rows = query
        .order((apps::due_at.asc(), apps::id.asc()))
        .limit(i64::from(limit) + 1)
        .select(SummaryRow::as_select())
        .load(conn)?;
    let page = Page { limit, after: None, order: Default::default() };
    page.finish(rows, |r| queue_key(from_db_time(r.due_at), &r.id)).try_map(ApplicationSummary::try_from)
}

/// The review queue now: pending applications, and how many of them are past their due time.
pub fn queue_counts(conn: &mut DbConnection, at: DateTime<Utc>) -> Result<(i64, i64)> {
    let pending = apps::table.filter(apps::status.eq(ApplicationStatus::Pending.as_str()));
    let all = pending.count().get_result(conn)?;
    let overdue = pending.filter(apps::due_at.lt(to_db_time(at))).count().get_result(conn)?;
    Ok((all, overdue))
}

/// A decision: moves a pending application to `status`, once. Another decision first is a conflict.
pub struct Decision<'a> {
    pub status: ApplicationStatus,
    pub by: &'a str,
    pub at: DateTime<Utc>,
    pub reason: Option<&'a str>,
    pub product_id: Option<&'a str>,
}

pub fn decide(conn: &mut DbConnection, current: &Application, decision: Decision<'_>) -> Result<Application> {
    let mut history = current.history.clone();
    history.push(HistoryEntry { status: decision.status, at: decision.at, by: decision.by.to_owned() });
    let product_id = decision.product_id.or(current.product_id.as_deref());
    let decided_at = to_db_time(decision.at);
    let target = apps::table.filter(apps::id.eq(&current.id).and(apps::status.eq(ApplicationStatus::Pending.as_str())));
    let history_json = to_json(&history)?;
    let changed = crate::on_backend!(conn, |c| diesel::update(target)
        .set((
            apps::status.eq(decision.status.as_str()),
            apps::decided_at.eq(Some(decided_at)),
            apps::reason.eq(decision.reason),
            apps::history.eq(&history_json),
            apps::product_id.eq(product_id),
        ))
        .prepared()
        .execute(c)?);
    if changed == 0 {
        return Err(Error::Conflict("the application was already decided".into()));
    }
    // Decided: it no longer holds its assets (an approved one's product does).
    let assets = current.snapshot.content.asset_ids();
    crate::assets::update_references(conn, Holder::Application, &current.id, &assets, &Default::default())?;
    // What was written, without reading the snapshot back.
    Ok(Application {
        status: decision.status,
        decided_at: Some(from_db_time(decided_at)),
        reason: decision.reason.map(str::to_owned),
        product_id: product_id.map(str::to_owned),
        history,
        ..current.clone()
    })
}

/// The latest approved application of a product (whose snapshot the live product came from).
pub fn latest_approved_for_product(conn: &mut DbConnection, product_id: &str) -> Result<Option<Application>> {
    apps::table
        .filter(apps::product_id.eq(product_id).and(apps::status.eq(ApplicationStatus::Approved.as_str())))
        .order(apps::decided_at.desc())
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()?
        .map(Application::try_from)
        .transpose()
}
