//! Every error of the API, mapped once to RFC 9457 `application/problem+json`.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use shelf_domain::limits::MAX_VIOLATIONS_LISTED;
use shelf_domain::{Refusal, Violation, ViolationCode};
use utoipa::ToSchema;

use crate::context;
use shelf_persistence::diesel_result;

/// One problem with one field of the body (`pointer`) or one parameter or header (`parameter`).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldError {
    /// JSON pointer (RFC 6901) into the request body.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "/content/name")]
    pub pointer: Option<String>,
    /// The query parameter or header at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    pub code: ViolationCode,
    pub message: String,
}

impl FieldError {
    pub fn at_pointer(pointer: impl Into<String>, code: ViolationCode, message: impl Into<String>) -> Self {
        FieldError { pointer: Some(pointer.into()), parameter: None, code, message: message.into() }
    }

    pub fn at_parameter(parameter: impl Into<String>, code: ViolationCode, message: impl Into<String>) -> Self {
        FieldError { pointer: None, parameter: Some(parameter.into()), code, message: message.into() }
    }
}

impl From<Violation> for FieldError {
    fn from(v: Violation) -> Self {
        FieldError::at_pointer(v.pointer, v.code, v.message)
    }
}

/// RFC 9457 problem details.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:shelf:problem:validation-failed", "title": "Unprocessable Content", "status": 422,
    "detail": "the request body is not valid", "instance": "/v1/drafts",
    "errors": [{"pointer": "/content/nmae", "code": "unknown_field", "message": "unknown field `nmae`"}]
}))]
pub struct Problem {
    /// A URI naming the kind of problem; stable, switch on it.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The request path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The request id (also in `X-Request-Id`); quote it when reporting a server error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {detail}")]
    BadRequest { detail: String, errors: Vec<FieldError> },
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<String> },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("gone: {0}")]
    Gone(String),
    #[error("precondition failed: {0}")]
    PreconditionFailed(String),
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    #[error("request body timeout")]
    BodyTimeout,
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("unprocessable: {detail}")]
    Unprocessable { detail: String, errors: Vec<FieldError> },
    #[error("precondition required")]
    PreconditionRequired,
    #[error("too many requests")]
    TooManyRequests { retry_after_seconds: u64 },
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Something broke on our side; the source is logged once with the request id, never sent.
    #[error("internal error: {0}")]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn bad_parameter(parameter: &str, code: ViolationCode, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::BadRequest {
            detail: format!("parameter `{parameter}`: {message}"),
            errors: vec![FieldError::at_parameter(parameter, code, message)],
        }
    }

    /// 422 for broken rules, their pointers prefixed with `prefix` (where the checked value sits in the body).
    /// At most `MAX_VIOLATIONS_LISTED` are listed; the detail gives the total.
    pub fn invalid(prefix: &str, violations: Vec<Violation>) -> Self {
        let total = violations.len();
        let errors: Vec<FieldError> = violations
            .into_iter()
            .take(MAX_VIOLATIONS_LISTED)
            .map(|v| {
                // A violation of a path parameter or a header names it instead of a body pointer.
                if v.pointer.is_empty() || v.pointer.starts_with('/') {
                    FieldError::at_pointer(format!("{prefix}{}", v.pointer), v.code, v.message)
                } else {
                    FieldError::at_parameter(v.pointer, v.code, v.message)
                }
            })
            .collect();
        let detail = match errors.as_slice() {
            [one] => format!("{}: {}", one.pointer.as_deref().or(one.parameter.as_deref()).unwrap_or(""), one.message),
            _ if total > MAX_VIOLATIONS_LISTED => {
                format!("{total} rules are broken; errors lists the first {MAX_VIOLATIONS_LISTED}")
            }
            many => format!("{} rules are broken; see errors", many.len()),
        };
        ApiError::Unprocessable { detail, errors }
    }

    /// 422: the seller already keeps `limit` of `what`.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError::Internal(cause.to_string().into())
    }

    fn detail(&self) -> String {
        match self {
            ApiError::BadRequest { detail, .. } | ApiError::Unprocessable { detail, .. } => detail.clone(),
            ApiError::Unauthorized(d)
            | ApiError::Forbidden(d)
            | ApiError::Conflict(d)
            | ApiError::Gone(d)
            | ApiError::PreconditionFailed(d)
            | ApiError::UnsupportedMediaType(d) => d.clone(),
            ApiError::NotFound => "no such resource".into(),
            ApiError::MethodNotAllowed { allow } => format!("this resource allows {}", allow.join(", ")),
            ApiError::PayloadTooLarge { limit } => format!("the request body is larger than {limit} bytes"),
            ApiError::BodyTimeout => "the request body did not arrive whole in time; send it without pauses".into(),
            ApiError::PreconditionRequired => {
                "this change needs an If-Match header with the resource's current ETag".into()
            }
            ApiError::TooManyRequests { retry_after_seconds } => {
                format!("too many requests; retry in {retry_after_seconds} s")
            }
            ApiError::Unavailable(_) => "the service is temporarily unavailable".into(),
            ApiError::Internal(_) => "an internal error occurred; quote the request id when reporting it".into(),
        }
    }
}

/// The problem type of a status: the same for an `ApiError` and for an error that escaped the
/// handlers (a path that did not decode, say), so that every 404 is `not-found`.
fn slug(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad-request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        408 => "request-timeout",
        409 => "conflict",
        410 => "gone",
        412 => "precondition-failed",
        413 => "payload-too-large",
        415 => "unsupported-media-type",
        422 => "validation-failed",
        428 => "precondition-required",
        429 => "rate-limited",
        503 => "unavailable",
        500..=599 => "internal",
        _ => "request-refused",
    }
}

/// Renders an error that escaped every handler (a middleware's own) with its status's problem type.
pub fn escaped(status: StatusCode, detail: String) -> HttpResponse {
    let detail = if status.is_server_error() { ApiError::internal("").detail() } else { detail };
    problem_response(status, slug(status), detail, Vec::new())
}

/// An error and every source under it, outermost first: what the log line of a 500 says.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        out.push_str(": ");
        out.push_str(&e.to_string());
        source = e.source();
    }
    out
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::NotFound => ApiError::NotFound,
            Refusal::Forbidden(why) => ApiError::Forbidden(why),
            Refusal::Conflict(why) => ApiError::Conflict(why),
            Refusal::Invalid(violations) => ApiError::invalid("", violations),
            limit @ Refusal::LimitReached { .. } => {
                let message = limit.to_string();
                ApiError::Unprocessable {
                    detail: message.clone(),
                    errors: vec![FieldError::at_pointer("", ViolationCode::LimitReached, message)],
                }
            }
            stale @ Refusal::Stale { .. } => ApiError::PreconditionFailed(stale.to_string()),
        }
    }
}

impl From<shelf_workflows::Error> for ApiError {
    fn from(e: shelf_workflows::Error) -> Self {
        match e {
            shelf_workflows::Error::Refused(r) => r.into(),
            shelf_workflows::Error::Store(e) => e.into(),
        }
    }
}

/// Writes a problem response; the one place that renders errors.
pub fn problem_response(status: StatusCode, slug: &str, detail: String, errors: Vec<FieldError>) -> HttpResponse {
    let context = context::current();
    let problem = Problem {
        problem_type: format!("urn:shelf:problem:{slug}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        instance: context.as_ref().map(|c| c.path.clone()),
        request_id: context.filter(|_| status.is_server_error()).map(|c| c.id),
        errors,
    };
    HttpResponse::build(status).content_type("application/problem+json").json(problem)
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Gone(_) => StatusCode::GONE,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let id = || context::current().map(|c| c.id).unwrap_or_default();
        match self {
            ApiError::Internal(cause) => log::error!("request {}: {status}: {}", id(), chain(cause.as_ref())),
            ApiError::Unavailable(cause) => log::error!("request {}: {status}: {cause}", id()),
            _ => {}
        }
        let (slug, detail) = (slug(status), self.detail());
        let errors = match self {
            ApiError::BadRequest { errors, .. } | ApiError::Unprocessable { errors, .. } => errors.clone(),
            _ => Vec::new(),
        };
        let mut response = problem_response(status, slug, detail, errors);
        match self {
            ApiError::Unauthorized(_) => {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"shelf\", error=\"invalid_token\""),
                );
            }
            ApiError::MethodNotAllowed { allow } => {
                if let Ok(v) = HeaderValue::from_str(&allow.join(", ")) {
                    response.headers_mut().insert(header::ALLOW, v);
                }
            }
            ApiError::TooManyRequests { retry_after_seconds } => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_seconds));
            }
            // Busy or reconnecting: worth another try in a second.
            ApiError::Unavailable(_) => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            _ => {}
        }
        response
    }
}

impl From<shelf_persistence::Error> for ApiError {
    fn from(e: shelf_persistence::Error) -> Self {
        use shelf_persistence::Error as E;
        match e {
            E::NotFound => ApiError::NotFound,
            E::Conflict(detail) => ApiError::Conflict(detail),
            E::VersionMismatch => {
                ApiError::PreconditionFailed("the resource has changed since the ETag you sent; fetch it again".into())
            }
            E::Unavailable(cause) => ApiError::Unavailable(cause),
            other => ApiError::Internal(Box::new(other)),
        }
    }
}

impl From<diesel_result::Error> for ApiError {
    fn from(e: diesel_result::Error) -> Self {
        shelf_persistence::Error::from(e).into()
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::Internal(Box::new(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{RequestContext, scope_sync};

    fn body_of(response: HttpResponse) -> serde_json::Value {
        let bytes = actix_web::body::to_bytes(response.into_body());
        let bytes = futures_util::FutureExt::now_or_never(bytes).unwrap().unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn an_internal_error_answers_500_with_the_request_id_and_no_cause() {
        let context = RequestContext { id: "req-42".into(), path: "/v1/drafts".into() };
        let response = scope_sync(context, || ApiError::internal("disk on fire at /var/lib/secret").error_response());
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = body_of(response);
        assert_eq!(body["request_id"], "req-42");
        assert_eq!(body["instance"], "/v1/drafts");
        assert!(!body.to_string().contains("disk on fire"), "{body}");
    }

    #[test]
    fn a_busy_or_closed_database_is_503_with_retry_after() {
        use shelf_persistence::diesel_result::{DatabaseErrorKind as K, Error as D};
        for (kind, message) in
            [(K::Unknown, "database is locked"), (K::ClosedConnection, "server closed the connection unexpectedly")]
        {
            let error = ApiError::from(D::DatabaseError(kind, Box::new(message.to_owned())));
            let response = error.error_response();
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{message}");
            assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "1");
        }
        let other = ApiError::from(D::DatabaseError(K::Unknown, Box::new("no such table: x".to_owned())));
        assert_eq!(other.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn client_errors_do_not_carry_a_request_id_in_the_body() {
        let context = RequestContext { id: "req-43".into(), path: "/x".into() };
        let body = body_of(scope_sync(context, || ApiError::NotFound.error_response()));
        assert!(body.get("request_id").is_none());
        assert_eq!(body["type"], "urn:shelf:problem:not-found");
    }
}
