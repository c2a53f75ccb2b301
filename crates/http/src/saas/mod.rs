//! SaaS endpoints (api.md "Integrations"): the production API URLs a seller's SaaS products name, each
//! verified by a signed test request before a product may use it.

mod create;
mod delete;
mod get;
mod list;
mod verify;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shelf_domain::saas::verified_until;
use shelf_persistence::saas::{SaasEndpoint, VerificationRow};
use utoipa::ToSchema;

pub fn configure(cfg: &mut impl crate::routes::Routes) {
    cfg.service(create::create).service(list::list).service(get::get).service(delete::delete).service(verify::verify);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSaasEndpointRequest {
    /// The SaaS product's production API URL: https, with a domain name. Shelf POSTs verifications here.
    #[schema(example = "https://api.example-saas.com/koogallery", max_length = 2048)]
    pub url: String,
}

/// One access verification.
#[derive(Debug, Serialize, ToSchema)]
pub struct SaasVerification {
    pub id: String,
    /// Answered 200 within 5 s with the nonce sent.
    pub passed: bool,
    /// The endpoint's status code (none: it did not answer).
    pub status: Option<i32>,
    /// How long the answer took.
    pub latency_ms: Option<i64>,
    /// Why it did not pass.
    pub error: Option<String>,
    pub at: DateTime<Utc>,
}

impl From<VerificationRow> for SaasVerification {
    fn from(v: VerificationRow) -> Self {
        SaasVerification {
            at: v.at(),
            id: v.id,
            passed: v.passed,
            status: v.status,
            latency_ms: v.latency_ms,
            error: v.error,
        }
    }
}

/// A SaaS endpoint and its verifications.
#[derive(Debug, Serialize, ToSchema)]
pub struct SaasEndpointResponse {
    pub id: String,
    pub url: String,
    /// The signing secret (`whsec_…`) of its verification requests (Standard Webhooks headers): only in
    /// the answer of create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub last_passed_at: Option<DateTime<Utc>>,
    /// A product may name this URL as its production URL until then (90 days after the last pass).
    pub verified_until: Option<DateTime<Utc>>,
    /// The newest verifications first (up to 20; not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verifications: Option<Vec<SaasVerification>>,
    pub created_at: DateTime<Utc>,
}

impl SaasEndpointResponse {
    fn new(e: SaasEndpoint, with_secret: bool, verifications: Option<Vec<VerificationRow>>) -> Self {
        SaasEndpointResponse {
            secret: with_secret.then(|| e.secret.clone()),
            verified_until: e.last_passed_at.map(verified_until),
            verifications: verifications.map(|v| v.into_iter().map(SaasVerification::from).collect()),
            id: e.id,
            url: e.url,
            last_passed_at: e.last_passed_at,
            created_at: e.created_at,
        }
    }
}

impl From<SaasEndpoint> for SaasEndpointResponse {
    fn from(e: SaasEndpoint) -> Self {
        SaasEndpointResponse::new(e, false, None)
    }
}

crate::etag::versioned!(SaasEndpoint => SaasEndpointResponse, "/v1/saas-endpoints");

#[derive(Debug, Serialize, ToSchema)]
pub struct SaasEndpointList {
    pub items: Vec<SaasEndpointResponse>,
    pub next_page_token: Option<String>,
}
