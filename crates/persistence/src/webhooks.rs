//! Webhook endpoints and their deliveries. A delivery is written in the transaction that appends its
//! event (the outbox pattern: nothing is sent for a change that rolled back, nothing committed is
//! lost), claimed by a worker with a lease, and recorded; every seller query is scoped by `seller_id`.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use shelf_domain::notification::EventType;
use shelf_domain::webhook::EventSelection;

use crate::page::keyset;
use crate::schema::{events, webhook_deliveries as deliveries, webhook_endpoints as endpoints};
use crate::{DbConnection, Error, Page, Paged, Result, from_db_time, new_id, now, to_db_time, to_json};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = endpoints)]
struct EndpointRow {
    id: String,
    seller_id: String,
    url: String,
    description: Option<String>,
    event_types: String,
    enabled: bool,
    secret: String,
    previous_secret: Option<String>,
    previous_secret_until: Option<NaiveDateTime>,
    failing_since: Option<NaiveDateTime>,
    disabled_reason: Option<String>,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A seller's webhook endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub id: String,
    pub seller_id: String,
    pub url: String,
    pub description: Option<String>,
    pub event_types: EventSelection,
    pub enabled: bool,
    pub secret: String,
    /// The secret rotated out, still signing until `previous_secret_until`.
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<DateTime<Utc>>,
    /// Since when every delivery failed (none since the last success).
    pub failing_since: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Endpoint {
    /// The secrets that sign a message sent at `at`: the current one, and the previous one during
    /// its overlap.
    pub fn signing_secrets(&self, at: DateTime<Utc>) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        if let (Some(previous), Some(until)) = (&self.previous_secret, self.previous_secret_until)
            && at < until
        {
            secrets.push(previous);
        }
        secrets
    }
}

fn selection_of(stored: &str) -> Result<EventSelection> {
    let types: Vec<String> =
        serde_json::from_str(stored).map_err(|e| Error::Corrupt(format!("webhook event types: {e}")))?;
    EventSelection::parse(&types).map_err(|_| Error::Corrupt(format!("webhook event types: {stored}")))
}

impl TryFrom<EndpointRow> for Endpoint {
    type Error = Error;

    fn try_from(r: EndpointRow) -> Result<Endpoint> {
        Ok(Endpoint {
            event_types: selection_of(&r.event_types)?,
            id: r.id,
            seller_id: r.seller_id,
            url: r.url,
            description: r.description,
            enabled: r.enabled,
            secret: r.secret,
            previous_secret: r.previous_secret,
            previous_secret_until: r.previous_secret_until.map(from_db_time),
            failing_since: r.failing_since.map(from_db_time),
            disabled_reason: r.disabled_reason,
            version: r.version,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
        })
    }
}

/// What an endpoint is set to (created or changed).
pub struct EndpointSettings<'a> {
    pub url: &'a str,
    pub description: Option<&'a str>,
    pub event_types: &'a EventSelection,
    pub enabled: bool,
}

pub fn insert(
    conn: &mut DbConnection,
    seller_id: &str,
    settings: &EndpointSettings<'_>,
    secret: &str,
) -> Result<Endpoint> {
    let at = to_db_time(now());
    let row = EndpointRow {
        id: new_id(),
        seller_id: seller_id.to_owned(),
        url: settings.url.to_owned(),
        description: settings.description.map(str::to_owned),
        event_types: to_json(&settings.event_types.to_strings())?,
        enabled: settings.enabled,
        secret: secret.to_owned(),
        previous_secret: None,
        previous_secret_until: None,
        failing_since: None,
        disabled_reason: None,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(endpoints::table).values(&row).execute(conn)?;
    row.try_into()
}

crate::owned::get_for_seller!(endpoints, EndpointRow, Endpoint);

pub fn count_for_seller(conn: &mut DbConnection, seller_id: &str) -> Result<i64> {
    Ok(endpoints::table.filter(endpoints::seller_id.eq(seller_id)).count().get_result(conn)?)
}

pub fn list_for_seller(conn: &mut DbConnection, seller_id: &str, page: &Page) -> Result<Paged<Endpoint>> {
    let query = endpoints::table.filter(endpoints::seller_id.eq(seller_id)).into_boxed();
    let rows = keyset!(query, endpoints::id, page).select(EndpointRow::as_select()).load(conn)?;
    page.finish(rows, |r| r.id.clone()).try_map(Endpoint::try_from)
}

/// Changes an endpoint still at its version; re-enabling clears its failure record.
pub fn update(conn: &mut DbConnection, current: &Endpoint, settings: &EndpointSettings<'_>) -> Result<Endpoint> {
    let reenabled = settings.enabled && !current.enabled;
    let this = endpoints::table.filter(endpoints::id.eq(&current.id).and(endpoints::version.eq(current.version)));
    let changed = diesel::update(this)
        .set((
            endpoints::url.eq(settings.url),
            endpoints::description.eq(settings.description),
            endpoints::event_types.eq(to_json(&settings.event_types.to_strings())?),
            endpoints::enabled.eq(settings.enabled),
            endpoints::version.eq(current.version + 1),
            endpoints::updated_at.eq(to_db_time(now())),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(Error::VersionMismatch);
    }
    if reenabled {
        diesel::update(endpoints::table.find(&current.id))
            .set((endpoints::failing_since.eq(None::<NaiveDateTime>), endpoints::disabled_reason.eq(None::<String>)))
            .execute(conn)?;
    }
    get_for_seller(conn, &current.seller_id, &current.id)
}

/// Deletes an endpoint still at its version, and with it its deliveries (pending ones stop).
pub fn delete(conn: &mut DbConnection, current: &Endpoint) -> Result<()> {
    let this = endpoints::table.filter(endpoints::id.eq(&current.id).and(endpoints::version.eq(current.version)));
    diesel::delete(deliveries::table.filter(deliveries::endpoint_id.eq(&current.id))).execute(conn)?;
    if diesel::delete(this).execute(conn)? == 0 {
        return Err(Error::VersionMismatch);
    }
    Ok(())
}

/// Replaces the secret; the current one keeps signing until `previous_until`.
pub fn rotate(
    conn: &mut DbConnection,
    current: &Endpoint,
    secret: &str,
    previous_until: DateTime<Utc>,
) -> Result<Endpoint> {
    let this = endpoints::table.filter(endpoints::id.eq(&current.id).and(endpoints::version.eq(current.version)));
    let changed = diesel::update(this)
        .set((
            endpoints::secret.eq(secret),
            endpoints::previous_secret.eq(Some(&current.secret)),
            endpoints::previous_secret_until.eq(Some(to_db_time(previous_until))),
            endpoints::version.eq(current.version + 1),
            endpoints::updated_at.eq(to_db_time(now())),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(Error::VersionMismatch);
    }
    get_for_seller(conn, &current.seller_id, &current.id)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = deliveries)]
struct DeliveryRow {
    id: String,
    endpoint_id: String,
    message_id: String,
    event_type: String,
    status: String,
    attempts: i32,
    first_due_at: NaiveDateTime,
    next_attempt_at: NaiveDateTime,
    claim: Option<String>,
    claimed_until: Option<NaiveDateTime>,
    last_status: Option<i32>,
    last_response: Option<String>,
    created_at: NaiveDateTime,
    completed_at: Option<NaiveDateTime>,
}

/// A message to one endpoint and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: String,
    pub endpoint_id: String,
    /// The `webhook-id`: the event's id (the same on every attempt), or the ping's.
    pub message_id: String,
    /// An event type of the feed, or `ping`.
    pub event_type: String,
    /// `pending`, `succeeded` or `failed` (given up).
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i32>,
    pub last_response: Option<String>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl From<DeliveryRow> for Delivery {
    fn from(r: DeliveryRow) -> Delivery {
        let pending = r.status == PENDING;
        Delivery {
            id: r.id,
            endpoint_id: r.endpoint_id,
            message_id: r.message_id,
            event_type: r.event_type,
            status: r.status,
            attempts: r.attempts,
            next_attempt_at: pending.then(|| from_db_time(r.next_attempt_at)),
            last_status: r.last_status,
            last_response: r.last_response,
            created_at: from_db_time(r.created_at),
            completed_at: r.completed_at.map(from_db_time),
        }
    }
}

const PENDING: &str = "pending";
const SUCCEEDED: &str = "succeeded";
const FAILED: &str = "failed";

fn new_delivery(endpoint_id: &str, message_id: &str, event_type: &str, at: NaiveDateTime) -> DeliveryRow {
    DeliveryRow {
        id: new_id(),
        endpoint_id: endpoint_id.to_owned(),
        message_id: message_id.to_owned(),
        event_type: event_type.to_owned(),
        status: PENDING.into(),
        attempts: 0,
        first_due_at: at,
        next_attempt_at: at,
        claim: None,
        claimed_until: None,
        last_status: None,
        last_response: None,
        created_at: at,
        completed_at: None,
    }
}

/// Writes a delivery of each of these events (type, id) to each enabled endpoint of the seller that
/// takes its type, in the caller's transaction (the one appending the events).
pub(crate) fn fan_out(conn: &mut DbConnection, seller_id: &str, events: &[(EventType, String)]) -> Result<()> {
    let enabled: Vec<(String, String)> = endpoints::table
        .filter(endpoints::seller_id.eq(seller_id).and(endpoints::enabled.eq(true)))
        .select((endpoints::id, endpoints::event_types))
        .load(conn)?;
    if enabled.is_empty() {
        return Ok(());
    }
    let at = to_db_time(now());
    let mut rows = Vec::new();
    for (endpoint_id, types) in enabled {
        let selection = selection_of(&types)?;
        for (event, event_id) in events.iter().filter(|(e, _)| selection.includes(*e)) {
            rows.push(new_delivery(&endpoint_id, event_id, event.as_str(), at));
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    // At most MAX_ENDPOINTS rows per event; one round trip on PostgreSQL (a release to a seller with
    // ten endpoints wrote its 30 rows in 30).
    crate::insert_rows!(conn, deliveries::table, &rows);
    Ok(())
}

/// A `ping` to the endpoint, due now.
pub fn enqueue_ping(conn: &mut DbConnection, endpoint: &Endpoint) -> Result<Delivery> {
    let row = new_delivery(&endpoint.id, &format!("ping_{}", new_id()), shelf_domain::webhook::PING, to_db_time(now()));
    diesel::insert_into(deliveries::table).values(&row).execute(conn)?;
    Ok(row.into())
}

/// The endpoint's deliveries, newest first.
pub fn list_deliveries(conn: &mut DbConnection, endpoint_id: &str, page: &Page) -> Result<Paged<Delivery>> {
    let query = deliveries::table.filter(deliveries::endpoint_id.eq(endpoint_id)).into_boxed();
    let rows = keyset!(query, deliveries::id, page).select(DeliveryRow::as_select()).load(conn)?;
    Ok(page.finish(rows, |r| r.id.clone()).map(Delivery::from))
}

pub fn get_delivery(conn: &mut DbConnection, endpoint_id: &str, id: &str) -> Result<Delivery> {
    let this = deliveries::table.filter(deliveries::endpoint_id.eq(endpoint_id).and(deliveries::id.eq(id)));
    Ok(this.select(DeliveryRow::as_select()).first(conn).optional()?.ok_or(Error::NotFound)?.into())
}

/// Sends a delivery again, now, with the same `webhook-id`, for another retry window.
pub fn redeliver(conn: &mut DbConnection, delivery: &Delivery) -> Result<Delivery> {
    let at = to_db_time(now());
    diesel::update(deliveries::table.find(&delivery.id))
        .set((
            deliveries::status.eq(PENDING),
            deliveries::first_due_at.eq(at),
            deliveries::next_attempt_at.eq(at),
            deliveries::completed_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    get_delivery(conn, &delivery.endpoint_id, &delivery.id)
}

/// The event a delivery carries, as the feed has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarriedEvent {
    /// None until the event is numbered (PostgreSQL numbers committed events a moment later).
    pub cursor: Option<i64>,
    pub seller_id: String,
    pub at: DateTime<Utc>,
    pub application_id: Option<String>,
    pub product_id: Option<String>,
    pub draft_id: Option<String>,
    pub asset_id: Option<String>,
}

/// A delivery claimed for one attempt, with what sending it needs.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: Delivery,
    pub first_due_at: DateTime<Utc>,
    pub claim: String,
    pub endpoint: Endpoint,
    /// The event (None for a ping).
    pub event: Option<CarriedEvent>,
}

type EventColumns =
    (Option<i64>, String, NaiveDateTime, Option<String>, Option<String>, Option<String>, Option<String>);

/// Claims up to `limit` due deliveries of enabled endpoints for `lease`, at most `per_endpoint` of any
/// one endpoint and none of `busy` (endpoints this worker is already sending to at its bound), so a
/// slow endpoint never holds up another's. A delivery whose event is not numbered yet waits. A claim
/// is a conditional update: two workers (or instances) never hold the same delivery.
pub fn claim_due(
    conn: &mut DbConnection,
    at: DateTime<Utc>,
    lease: Duration,
    limit: usize,
    per_endpoint: usize,
    busy: &[String],
) -> Result<Vec<Claimed>> {
    let now_db = to_db_time(at);
    let mut query = deliveries::table
        .inner_join(endpoints::table)
        .filter(deliveries::status.eq(PENDING).and(deliveries::next_attempt_at.le(now_db)))
        .filter(deliveries::claimed_until.is_null().or(deliveries::claimed_until.lt(now_db)))
        .filter(endpoints::enabled.eq(true))
        .into_boxed();
    if !busy.is_empty() {
        query = query.filter(deliveries::endpoint_id.ne_all(busy.to_vec()));
    }
    let candidates: Vec<(DeliveryRow, EndpointRow)> = query
        .order(deliveries::next_attempt_at.asc())
        .limit((limit * 4) as i64)
        .select((DeliveryRow::as_select(), EndpointRow::as_select()))
        .load(conn)?;
    // The candidates' events, in one query (it was one per candidate).
    let message_ids: Vec<&str> = candidates
        .iter()
        .filter(|(row, _)| row.event_type != shelf_domain::webhook::PING)
        .map(|(row, _)| row.message_id.as_str())
        .collect();
    let carried: HashMap<String, EventColumns> = match message_ids.is_empty() {
        true => HashMap::new(),
        false => events::table
            .filter(events::id.eq_any(&message_ids))
            .select((
                events::id,
                (
                    events::cursor,
                    events::seller_id,
                    events::at,
                    events::application_id,
                    events::product_id,
                    events::draft_id,
                    events::asset_id,
                ),
            ))
            .load::<(Option<String>, EventColumns)>(conn)?
            .into_iter()
            .filter_map(|(id, columns)| Some((id?, columns)))
            .collect(),
    };
    let mut per: HashMap<String, usize> = HashMap::new();
    let mut claimed = Vec::new();
    for (row, endpoint) in candidates {
        if claimed.len() >= limit {
            break;
        }
        let taken = per.entry(row.endpoint_id.clone()).or_default();
        if *taken >= per_endpoint {
            continue;
        }
        let event = if row.event_type == shelf_domain::webhook::PING {
            None
        } else {
            // An event may be asked for by several deliveries (one per endpoint): each takes a copy.
            let found = carried.get(&row.message_id).cloned();
            match found {
                Some((None, ..)) => continue, // not numbered yet
                Some((cursor, seller_id, at, application_id, product_id, draft_id, asset_id)) => Some(CarriedEvent {
                    cursor,
                    seller_id,
                    at: from_db_time(at),
                    application_id,
                    product_id,
                    draft_id,
                    asset_id,
                }),
                None => return Err(Error::Corrupt(format!("delivery {} names no event", row.id))),
            }
        };
        let claim = new_id();
        let won = diesel::update(
            deliveries::table
                .filter(deliveries::id.eq(&row.id).and(deliveries::status.eq(PENDING)))
                .filter(deliveries::claimed_until.is_null().or(deliveries::claimed_until.lt(now_db))),
        )
        .set((deliveries::claim.eq(Some(&claim)), deliveries::claimed_until.eq(Some(to_db_time(at + lease)))))
        .execute(conn)?;
        if won == 1 {
            *taken += 1;
            let first_due_at = from_db_time(row.first_due_at);
            claimed.push(Claimed { delivery: row.into(), first_due_at, claim, endpoint: endpoint.try_into()?, event });
        }
    }
    Ok(claimed)
}

/// What an attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt<'a> {
    /// The receiver's status code, if it answered.
    pub status: Option<u16>,
    /// The first KB of its answer, or why there was none.
    pub response: &'a str,
    pub acknowledged: bool,
    /// When to try again (None: give up), for an attempt not acknowledged.
    pub retry_at: Option<DateTime<Utc>>,
    /// Whether the endpoint is to be disabled (it failed everything for too long), and why.
    pub disable: Option<&'a str>,
}

/// Records an attempt of a claimed delivery (only while the claim is still ours) and the endpoint's
/// failure record; whether it was recorded.
pub fn record(conn: &mut DbConnection, claimed: &Claimed, attempt: &Attempt<'_>, at: DateTime<Utc>) -> Result<bool> {
    let at_db = to_db_time(at);
    let (status, next, completed) = match (attempt.acknowledged, attempt.retry_at) {
        (true, _) => (SUCCEEDED, at_db, Some(at_db)),
        (false, Some(retry)) => (PENDING, to_db_time(retry), None),
        (false, None) => (FAILED, at_db, Some(at_db)),
    };
    let mine =
        deliveries::table.filter(deliveries::id.eq(&claimed.delivery.id).and(deliveries::claim.eq(&claimed.claim)));
    let changed = diesel::update(mine)
        .set((
            deliveries::status.eq(status),
            deliveries::attempts.eq(claimed.delivery.attempts + 1),
            deliveries::next_attempt_at.eq(next),
            deliveries::claimed_until.eq(None::<NaiveDateTime>),
            deliveries::last_status.eq(attempt.status.map(i32::from)),
            deliveries::last_response.eq(Some(attempt.response)),
            deliveries::completed_at.eq(completed),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    let endpoint = endpoints::table.find(&claimed.endpoint.id);
    if attempt.acknowledged {
        // Only an endpoint marked failing is written: a success to a healthy one changes nothing.
        diesel::update(endpoint.filter(endpoints::failing_since.is_not_null()))
            .set(endpoints::failing_since.eq(None::<NaiveDateTime>))
            .execute(conn)?;
    } else {
        diesel::update(endpoint.filter(endpoints::failing_since.is_null()))
            .set(endpoints::failing_since.eq(Some(at_db)))
            .execute(conn)?;
        if let Some(reason) = attempt.disable {
            diesel::update(endpoint)
                .set((endpoints::enabled.eq(false), endpoints::disabled_reason.eq(Some(reason))))
                .execute(conn)?;
        }
    }
    Ok(true)
}

/// Deliveries waiting to be sent (for metrics).
pub fn backlog(conn: &mut DbConnection) -> Result<i64> {
    Ok(deliveries::table.filter(deliveries::status.eq(PENDING)).count().get_result(conn)?)
}
