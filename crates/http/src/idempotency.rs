//! `Idempotency-Key` on every POST: the first response is stored per (account, key) with a
//! fingerprint of the request, and a retry gets it back (`Idempotent-Replayed: true`) without acting again.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE, ETAG, HeaderName, HeaderValue, LOCATION};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError, web};
use sha2::{Digest, Sha256};
use shelf_domain::{Role, ViolationCode};
use shelf_persistence::idempotency::{self, Begin, StoredResponse};

use crate::AppState;
use crate::auth::Account;
use crate::extract::read_limited;
use crate::problem::ApiError;

pub const HEADER: HeaderName = HeaderName::from_static("idempotency-key");
/// The header's name as documented.
pub const HEADER_NAME: &str = "Idempotency-Key";
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
pub const MAX_KEY_CHARS: usize = 255;
pub const TTL_HOURS: i64 = 24;

/// The headers a replay must carry besides the body.
const KEPT_HEADERS: [HeaderName; 3] = [CONTENT_TYPE, LOCATION, ETAG];

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(key) = req.headers().get(&HEADER).cloned() else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    if req.method() != Method::POST {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    }
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    let key = match valid_key(&key) {
        Ok(key) => key,
        Err(e) => return Ok(req.error_response(e)),
    };
    // Keys belong to an authenticated caller. An anonymous request (a catalog quote, which changes
    // nothing) is served as it comes: no key is stored for a caller nobody can tell apart.
    let account = match req.headers().get(AUTHORIZATION).map(|_| crate::auth::account_of(req.request())) {
        Some(Ok(account)) => owner(&account),
        _ => return next.call(req).await.map(ServiceResponse::map_into_boxed_body),
    };
    let body = match read_limited(req.take_payload(), state.limits.any_body_bytes()).await {
        Ok(body) => body,
        Err(e) => return Ok(req.error_response(e)),
    };
    let fingerprint = fingerprint_of(&req, &body);
    let db = state.db.clone();
    let (k, a) = (key.clone(), account.clone());
    let begun = web::block(move || {
        db.write(|c| {
            idempotency::begin(c, &a, &k, &fingerprint, shelf_persistence::now(), chrono::Duration::hours(TTL_HOURS))
        })
    })
    .await
    .map_err(ApiError::from)
    .and_then(|r| r.map_err(ApiError::from));
    match begun {
        Err(e) => Ok(req.error_response(e)),
        Ok(Begin::Replay(stored)) => Ok(req.into_response(replay(&stored))),
        Ok(Begin::InFlight) => Ok(req.error_response(ApiError::Conflict(
            "a request with this Idempotency-Key is still being processed; retry later".into(),
        ))),
        Ok(Begin::Mismatch) => Ok(req.error_response(ApiError::Unprocessable {
            detail: "this Idempotency-Key was used with a different request".into(),
            errors: vec![crate::problem::FieldError::at_parameter(
                "Idempotency-Key",
                ViolationCode::InvalidValue,
                "keys are single-use per request: send a new key for a new request",
            )],
        })),
        Ok(Begin::Started) => {
            req.set_payload(Payload::from(body));
            let outcome = next.call(req).await;
            finish(state, account, key, outcome).await
        }
    }
}

/// Stores the handler's response under the key (or releases the key when we failed).
async fn finish<B: MessageBody + 'static>(
    state: web::Data<AppState>,
    account: String,
    key: String,
    outcome: Result<ServiceResponse<B>, Error>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let release = |state: web::Data<AppState>, account: String, key: String| async move {
        let db = state.db.clone();
        let _ = web::block(move || db.write(|c| idempotency::abandon(c, &account, &key))).await;
    };
    let res = match outcome {
        Ok(res) if !res.status().is_server_error() => res,
        other => {
            release(state, account, key).await;
            return other.map(ServiceResponse::map_into_boxed_body);
        }
    };
    let (http_req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let bytes = match actix_web::body::to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(_) => {
            release(state, account, key).await;
            let error = ApiError::internal("the response body could not be read");
            return Ok(ServiceResponse::new(http_req, error.error_response()));
        }
    };
    let headers: serde_json::Map<String, serde_json::Value> = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = head.headers().get(name)?.to_str().ok()?;
            Some((name.as_str().to_owned(), value.into()))
        })
        .collect();
    let stored = StoredResponse {
        status: head.status().as_u16(),
        headers: serde_json::Value::Object(headers).to_string(),
        body: bytes.to_vec(),
    };
    let db = state.db.clone();
    let saved = web::block(move || db.write(|c| idempotency::complete(c, &account, &key, &stored))).await;
    if !matches!(saved, Ok(Ok(()))) {
        log::warn!("an idempotent response could not be stored; a retry will act again");
    }
    Ok(ServiceResponse::new(http_req, head.set_body(BoxBody::new(bytes))))
}

/// Whose keys these are: a seller's own id (as stored since keys began), another role's id under its
/// role, so that a reviewer token with a seller's `sub` never meets that seller's stored responses.
/// The separator is a control character, which no verified `sub` holds.
fn owner(account: &Account) -> String {
    match account.role {
        Role::Seller => account.id.clone(),
        role => format!("{}\u{1f}{}", role.as_str(), account.id),
    }
}

fn valid_key(value: &HeaderValue) -> Result<String, ApiError> {
    let key = value
        .to_str()
        .ok()
        .filter(|k| (1..=MAX_KEY_CHARS).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()));
    key.map(str::to_owned).ok_or_else(|| {
        ApiError::bad_parameter(
            "Idempotency-Key",
            ViolationCode::InvalidFormat,
            format!("an Idempotency-Key is 1..{MAX_KEY_CHARS} visible ASCII characters"),
        )
    })
}

/// What makes two requests "the same": method, path and query, media type and body.
pub fn fingerprint(method: &str, path: &str, query: &str, content_type: &[u8], body: &[u8]) -> String {
    let mut hash = Sha256::new();
    for part in [method.as_bytes(), path.as_bytes(), query.as_bytes(), content_type, body] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn fingerprint_of(req: &ServiceRequest, body: &[u8]) -> String {
    let content_type = req.headers().get(CONTENT_TYPE).map(HeaderValue::as_bytes).unwrap_or_default();
    fingerprint(req.method().as_str(), req.path(), req.query_string(), content_type, body)
}

fn replay(stored: &StoredResponse) -> HttpResponse {
    let mut builder = HttpResponse::build(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK));
    if let Ok(serde_json::Value::Object(headers)) = serde_json::from_str(&stored.headers) {
        for (name, value) in headers {
            if let Some(value) = value.as_str() {
                builder.insert_header((name.as_str(), value));
            }
        }
    }
    builder.insert_header((REPLAYED, "true"));
    builder.body(stored.body.clone())
}
