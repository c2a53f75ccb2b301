//! Webhook endpoints (api.md "Integrations"): a seller's integrations register a URL and receive each
//! event of the feed as a signed Standard Webhooks message, retried until acknowledged; deliveries
//! can be read and sent again, and a `ping` tests the destination.

mod create;
mod delete;
mod deliveries;
mod get;
mod list;
mod ping;
mod rotate;
mod update;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shelf_persistence::webhooks::{Delivery, Endpoint};
use shelf_workflows::webhooks::EndpointInput;
use utoipa::ToSchema;

pub fn configure(cfg: &mut impl crate::routes::Routes) {
    cfg.service(create::create)
        .service(list::list)
        .service(get::get)
        .service(update::update)
        .service(delete::delete)
        .service(rotate::rotate_secret)
        .service(ping::ping)
        .service(deliveries::list)
        .service(deliveries::redeliver);
}

fn all_events() -> Vec<String> {
    vec!["*".into()]
}

fn enabled() -> bool {
    true
}

/// What an endpoint is set to.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookEndpointSettings {
    /// Where messages are POSTed: https, on a public host (no redirects are followed).
    #[schema(example = "https://integrations.example.com/shelf/webhooks", max_length = 2048)]
    pub url: String,
    /// Event types of the feed (`application.approved`, `asset.rejected`, …), or `["*"]` (the default)
    /// for every event, including those added later.
    #[serde(default = "all_events")]
    #[schema(example = json!(["application.approved", "application.rejected"]), max_items = 20)]
    pub event_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "Release automation", max_length = 200)]
    pub description: Option<String>,
    /// Default true. A disabled endpoint receives nothing (events meanwhile are not queued for it).
    #[serde(default = "enabled")]
    pub enabled: bool,
}

impl From<WebhookEndpointSettings> for EndpointInput {
    fn from(s: WebhookEndpointSettings) -> Self {
        EndpointInput { url: s.url, description: s.description, event_types: s.event_types, enabled: s.enabled }
    }
}

impl From<&EndpointInput> for WebhookEndpointSettings {
    fn from(s: &EndpointInput) -> Self {
        WebhookEndpointSettings {
            url: s.url.clone(),
            description: s.description.clone(),
            event_types: s.event_types.clone(),
            enabled: s.enabled,
        }
    }
}

/// A webhook endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEndpointResponse {
    pub id: String,
    pub url: String,
    pub event_types: Vec<String>,
    pub description: Option<String>,
    pub enabled: bool,
    /// Why Shelf disabled it (every delivery failed for 5 days); enabling it again clears this.
    pub disabled_reason: Option<String>,
    /// Since when every delivery failed (none since the last success).
    pub failing_since: Option<DateTime<Utc>>,
    /// The signing secret (`whsec_…`): only in the answers of create and rotate-secret. Verify
    /// messages with it using any Standard Webhooks library.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Until then the previous secret signs too (after a rotation): both signatures are sent.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WebhookEndpointResponse {
    fn new(e: Endpoint, with_secret: bool) -> WebhookEndpointResponse {
        let now = shelf_persistence::now();
        WebhookEndpointResponse {
            event_types: e.event_types.to_strings(),
            secret: with_secret.then(|| e.secret.clone()),
            previous_secret_expires_at: e.previous_secret_until.filter(|until| *until > now),
            id: e.id,
            url: e.url,
            description: e.description,
            enabled: e.enabled,
            disabled_reason: e.disabled_reason,
            failing_since: e.failing_since,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

impl From<Endpoint> for WebhookEndpointResponse {
    fn from(e: Endpoint) -> Self {
        WebhookEndpointResponse::new(e, false)
    }
}

crate::etag::versioned!(Endpoint => WebhookEndpointResponse, "/v1/webhook-endpoints");

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEndpointList {
    pub items: Vec<WebhookEndpointResponse>,
    pub next_page_token: Option<String>,
}

/// One message to one endpoint and what became of it. Messages are not ordered: each carries its
/// event's feed `cursor` (in `data`) to reorder by, and its `webhook-id` to deduplicate on.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryResponse {
    pub id: String,
    /// The `webhook-id` header: the event's id (the same on every attempt), or the ping's.
    pub message_id: String,
    /// An event type of the feed, or `ping`.
    #[schema(example = "application.approved")]
    pub event_type: String,
    /// `pending` (due at `next_attempt_at`), `succeeded`, or `failed` (retried for 72 hours, then given up).
    #[schema(example = "succeeded")]
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's last status code (none: it did not answer).
    pub last_status: Option<i32>,
    /// The first 1 KB of its last answer, or why there was none.
    pub last_response: Option<String>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl From<Delivery> for WebhookDeliveryResponse {
    fn from(d: Delivery) -> Self {
        WebhookDeliveryResponse {
            id: d.id,
            message_id: d.message_id,
            event_type: d.event_type,
            status: d.status,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_status: d.last_status,
            last_response: d.last_response,
            created_at: d.created_at,
            completed_at: d.completed_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryList {
    pub items: Vec<WebhookDeliveryResponse>,
    pub next_page_token: Option<String>,
}
