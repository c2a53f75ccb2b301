//! Webhooks: sellers register endpoints (their signing secret shown once), rotate secrets, ping, read
//! and redeliver deliveries; a worker claims due deliveries, sends them signed the Standard Webhooks
//! way (through the `standardwebhooks` crate, the specification's own library) and records each
//! attempt. The sending itself (HTTP) is the caller's: `sign` gives what to send, `attempted` records it.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use shelf_domain::refusal::check_account_room;
use shelf_domain::webhook::{
    self, EventSelection, MAX_ENDPOINTS, OutboundPolicy, ROTATION_OVERLAP_HOURS, SECRET_BYTES, check_destination,
};
use shelf_domain::{Precondition, Refusal, SellerId, Violation, ViolationCode};
use shelf_persistence::webhooks::{self, Attempt, Claimed, Delivery, Endpoint, EndpointSettings};
use shelf_persistence::{Db, Page, Paged, now};

use crate::{Error, Result};

/// What a seller sets on an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointInput {
    pub url: String,
    pub description: Option<String>,
    /// Event types of the feed, or `["*"]` for all.
    pub event_types: Vec<String>,
    pub enabled: bool,
}

impl EndpointInput {
    /// What the endpoint is set to now.
    pub fn of(endpoint: &Endpoint) -> EndpointInput {
        EndpointInput {
            url: endpoint.url.clone(),
            description: endpoint.description.clone(),
            event_types: endpoint.event_types.to_strings(),
            enabled: endpoint.enabled,
        }
    }

    /// Every broken rule at once, or the selection it makes.
    fn check(&self, policy: OutboundPolicy) -> Result<EventSelection> {
        let mut violations = Vec::new();
        if let Err(v) = check_destination(&self.url, policy, "/url") {
            violations.push(v);
        }
        if let Some(d) = &self.description
            && (d.chars().count() > webhook::DESCRIPTION_MAX_CHARS || d.chars().any(char::is_control))
        {
            violations.push(Violation::error(
                "/description",
                ViolationCode::TooLong,
                "at most 200 printable characters",
            ));
        }
        let selection = EventSelection::parse(&self.event_types).map_err(|v| violations.extend(v)).ok();
        match selection {
            Some(selection) if violations.is_empty() => Ok(selection),
            _ => Err(Refusal::Invalid(violations).into()),
        }
    }

    fn settings<'a>(&'a self, selection: &'a EventSelection) -> EndpointSettings<'a> {
        EndpointSettings {
            url: &self.url,
            description: self.description.as_deref(),
            event_types: selection,
            enabled: self.enabled,
        }
    }
}

/// A new signing secret: `whsec_` and the base64 of `SECRET_BYTES` random bytes.
pub(crate) fn new_secret() -> String {
    let bytes: [u8; SECRET_BYTES] = rand::random();
    format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// Registers an endpoint (at most `MAX_ENDPOINTS` per seller); its secret is in the answer, this once.
pub fn create(db: &Db, seller: &SellerId, input: &EndpointInput, policy: OutboundPolicy) -> Result<Endpoint> {
    let selection = input.check(policy)?;
    db.write(|c| {
        check_account_room("webhook endpoints", webhooks::count_for_seller(c, seller.as_str())?, MAX_ENDPOINTS)?;
        Ok(webhooks::insert(c, seller.as_str(), &input.settings(&selection), &new_secret())?)
    })
}

pub fn get(db: &Db, seller: &SellerId, id: &str) -> Result<Endpoint> {
    Ok(db.read(|c| webhooks::get_for_seller(c, seller.as_str(), id))?)
}

pub fn list(db: &Db, seller: &SellerId, page: &Page) -> Result<Paged<Endpoint>> {
    Ok(db.read(|c| webhooks::list_for_seller(c, seller.as_str(), page))?)
}

/// Changes an endpoint to what `edit` makes of it (a merge patch), checked before the precondition.
pub fn update<E: From<Error>>(
    db: &Db,
    seller: &SellerId,
    id: &str,
    precondition: &Precondition,
    policy: OutboundPolicy,
    edit: impl FnOnce(&EndpointInput) -> Result<EndpointInput, E>,
) -> Result<Endpoint, E> {
    let current = db.read(|c| webhooks::get_for_seller(c, seller.as_str(), id)).map_err(Error::from)?;
    let wanted = edit(&EndpointInput::of(&current))?;
    let selection = wanted.check(policy)?;
    let updated = db.write(|c| -> Result<Endpoint> {
        let latest = webhooks::get_for_seller(c, seller.as_str(), id)?;
        precondition.check(latest.version)?;
        Ok(webhooks::update(c, &latest, &wanted.settings(&selection))?)
    });
    Ok(updated?)
}

pub fn delete(db: &Db, seller: &SellerId, id: &str, precondition: &Precondition) -> Result<()> {
    db.write(|c| {
        let current = webhooks::get_for_seller(c, seller.as_str(), id)?;
        precondition.check(current.version)?;
        Ok(webhooks::delete(c, &current)?)
    })
}

/// A new secret (in the answer, this once); the old one keeps signing for 24 hours, both signatures
/// sent meanwhile.
pub fn rotate_secret(db: &Db, seller: &SellerId, id: &str) -> Result<Endpoint> {
    db.write(|c| {
        let current = webhooks::get_for_seller(c, seller.as_str(), id)?;
        let until = now() + Duration::hours(ROTATION_OVERLAP_HOURS);
        Ok(webhooks::rotate(c, &current, &new_secret(), until)?)
    })
}

/// Sends the endpoint a `ping`, now (enabled or not: it tests the destination).
pub fn ping(db: &Db, seller: &SellerId, id: &str) -> Result<Delivery> {
    db.write(|c| {
        let endpoint = webhooks::get_for_seller(c, seller.as_str(), id)?;
        Ok(webhooks::enqueue_ping(c, &endpoint)?)
    })
}

pub fn deliveries(db: &Db, seller: &SellerId, id: &str, page: &Page) -> Result<Paged<Delivery>> {
    db.read_as(|c| {
        webhooks::get_for_seller(c, seller.as_str(), id)?;
        Ok(webhooks::list_deliveries(c, id, page)?)
    })
}

/// Sends a delivery again now, with its `webhook-id` (receivers dedupe on it).
pub fn redeliver(db: &Db, seller: &SellerId, id: &str, delivery: &str) -> Result<Delivery> {
    db.write(|c| {
        webhooks::get_for_seller(c, seller.as_str(), id)?;
        let found = webhooks::get_delivery(c, id, delivery)?;
        Ok(webhooks::redeliver(c, &found)?)
    })
}

/// Claims due deliveries for `lease` (longer than a receiver may take to answer; see
/// `webhooks::claim_due`). A worker that dies holding one leaves it to be sent again after the lease.
pub fn claim_due(
    db: &Db,
    limit: usize,
    per_endpoint: usize,
    busy: &[String],
    lease: std::time::Duration,
) -> Result<Vec<Claimed>> {
    let lease = Duration::from_std(lease).unwrap_or(Duration::seconds(60));
    Ok(db.write(|c| webhooks::claim_due(c, now(), lease, limit, per_endpoint, busy))?)
}

/// A message ready to send: where, its headers and its body.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// The Standard Webhooks message of a claimed delivery, signed at `at` with every secret that signs
/// then: `{"type", "timestamp", "data"}` with the event's id, cursor, resources and their states.
pub fn sign(claimed: &Claimed, at: DateTime<Utc>) -> Result<Outgoing> {
    let delivery = &claimed.delivery;
    let body = match &claimed.event {
        None => json!({
            "type": webhook::PING,
            "timestamp": at,
            "data": {"id": delivery.message_id, "endpoint_id": claimed.endpoint.id},
        }),
        Some(event) => {
            let mut data = json!({"id": delivery.message_id, "cursor": event.cursor, "seller_id": event.seller_id});
            for (key, value) in [
                ("application_id", &event.application_id),
                ("product_id", &event.product_id),
                ("draft_id", &event.draft_id),
                ("asset_id", &event.asset_id),
            ] {
                if let Some(value) = value {
                    data[key] = json!(value);
                }
            }
            if let Ok(event_type) = delivery.event_type.parse::<shelf_domain::notification::EventType>()
                && let Some((resource, state)) = event_type.resource_state()
            {
                data[format!("{resource}_status")] = json!(state);
            }
            json!({"type": delivery.event_type, "timestamp": event.at, "data": data})
        }
    };
    let body = serde_json::to_vec(&body).map_err(|e| Error::Store(shelf_persistence::Error::Corrupt(e.to_string())))?;
    let timestamp = at.timestamp();
    let mut signatures = Vec::new();
    for secret in claimed.endpoint.signing_secrets(at) {
        let signer = standardwebhooks::Webhook::new(secret)
            .map_err(|e| Error::Store(shelf_persistence::Error::Corrupt(format!("a webhook secret: {e}"))))?;
        let signature = signer
            .sign(&delivery.message_id, timestamp, &body)
            .map_err(|e| Error::Store(shelf_persistence::Error::Corrupt(format!("signing: {e}"))))?;
        signatures.push(signature);
    }
    Ok(Outgoing {
        url: claimed.endpoint.url.clone(),
        headers: vec![
            ("webhook-id", delivery.message_id.clone()),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", signatures.join(" ")),
            ("content-type", "application/json".into()),
        ],
        body,
    })
}

/// What the receiver did with an attempt.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Its status code and the first bytes of its answer.
    Answered { status: u16, body: Vec<u8> },
    /// No answer: refused destination, connection error, timeout.
    Failed(String),
}

/// Records attempts, in one transaction (a worker records what finished together): each acknowledged
/// (2xx), or retried with backoff and jitter within 72 hours of its first try; an endpoint that failed
/// everything for 5 days is disabled and its seller told. Returns how many were still the worker's.
pub fn attempted(db: &Db, attempts: &[(Claimed, Outcome)]) -> Result<usize> {
    /// What an attempt comes to, decided before the transaction.
    struct Decided {
        status: Option<u16>,
        response: String,
        acknowledged: bool,
        retry_at: Option<DateTime<Utc>>,
        disable: bool,
    }
    let at = now();
    let reason = "every delivery failed for 5 days";
    let decided: Vec<(&Claimed, Decided)> = attempts
        .iter()
        .map(|(claimed, outcome)| {
            let (status, response) = match outcome {
                Outcome::Answered { status, body } => (Some(*status), webhook::kept_response(body)),
                Outcome::Failed(why) => (None, webhook::kept_response(why.as_bytes())),
            };
            let acknowledged = status.is_some_and(webhook::acknowledged);
            let failures = (claimed.delivery.attempts + 1).max(1) as u32;
            let retry_at = (!acknowledged)
                .then(|| webhook::next_attempt(claimed.first_due_at, at, failures, rand::random()))
                .flatten();
            let failing_since = claimed.endpoint.failing_since.unwrap_or(at);
            let disable = !acknowledged && webhook::to_disable(failing_since, at);
            (claimed, Decided { status, response, acknowledged, retry_at, disable })
        })
        .collect();
    db.write(|c| {
        let mut recorded = 0;
        let mut told = std::collections::HashSet::new();
        for (claimed, d) in &decided {
            let attempt = Attempt {
                status: d.status,
                response: &d.response,
                acknowledged: d.acknowledged,
                retry_at: d.retry_at,
                disable: d.disable.then_some(reason),
            };
            if !webhooks::record(c, claimed, &attempt, at)? {
                continue;
            }
            recorded += 1;
            if d.disable && claimed.endpoint.enabled && told.insert(claimed.endpoint.id.clone()) {
                let subject = "Webhook endpoint disabled";
                let body = format!(
                    "Your webhook endpoint {} ({}) was disabled: {reason}. Fix it, then enable it again.",
                    claimed.endpoint.id, claimed.endpoint.url
                );
                shelf_persistence::notifications::add_message(c, &claimed.endpoint.seller_id, None, subject, &body)?;
            }
        }
        Ok(recorded)
    })
}
