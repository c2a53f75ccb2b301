//! Request extractors that answer bad input with problem+json naming the field: JSON bodies
//! (media type, size limit, syntax, unknown fields, wrong types) and query strings.

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_path_to_error::{Path, Segment};

use shelf_domain::ViolationCode;

use crate::AppState;
use crate::problem::{ApiError, FieldError};

pub const JSON: &str = "application/json";
pub const MERGE_PATCH: &str = "application/merge-patch+json";

/// A JSON request body (`application/json`).
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

/// A JSON Merge Patch body (`application/merge-patch+json`, or plain `application/json`).
#[derive(Debug)]
pub struct MergePatchBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_body(req, payload, &[JSON]);
        Box::pin(async move { Ok(JsonBody(parse_json(&body.await?)?)) })
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for MergePatchBody<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_body(req, payload, &[MERGE_PATCH, JSON]);
        Box::pin(async move { Ok(MergePatchBody(parse_json(&body.await?)?)) })
    }
}

fn media_type(req: &HttpRequest) -> Option<String> {
    let ct = req.headers().get(CONTENT_TYPE)?.to_str().ok()?;
    Some(ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
}

/// Reads the whole body after checking its media type and size, without buffering past the limit.
fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
    accepted: &'static [&'static str],
) -> LocalBoxFuture<'static, Result<web::Bytes, ApiError>> {
    let limit = req.app_data::<web::Data<AppState>>().map_or(1 << 20, |s| s.limits.json_body_bytes);
    let media = media_type(req);
    let declared: Option<usize> =
        req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    let payload = payload.take();
    Box::pin(async move {
        match media.as_deref() {
            Some(m) if accepted.contains(&m) => {}
            Some(m) => {
                return Err(ApiError::UnsupportedMediaType(format!(
                    "the body must be {}, not {m}",
                    accepted.join(" or ")
                )));
            }
            None => {
                return Err(ApiError::UnsupportedMediaType(format!(
                    "a Content-Type header is needed: {}",
                    accepted.join(" or ")
                )));
            }
        }
        if declared.is_some_and(|n| n > limit) {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        read_limited(payload, limit).await
    })
}

/// Gives every request body a deadline (`Limits::body_timeout`): a client that sends its headers and
/// then stalls mid-body is answered 408 instead of holding a connection and a buffer indefinitely.
pub async fn body_deadline(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Some(state) = req.app_data::<web::Data<crate::AppState>>() {
        let timeout = state.limits.body_timeout;
        let payload = req.take_payload();
        let deadline =
            Deadline { inner: payload, sleep: Box::pin(actix_web::rt::time::sleep(timeout)), expired: false };
        req.set_payload(Payload::Stream { payload: Box::pin(deadline) });
    }
    next.call(req).await
}

struct Deadline {
    inner: Payload,
    sleep: std::pin::Pin<Box<actix_web::rt::time::Sleep>>,
    expired: bool,
}

/// What a body read past its deadline yields.
const BODY_TIMED_OUT: &str = "the request body did not arrive in time";

impl futures_util::Stream for Deadline {
    type Item = Result<web::Bytes, PayloadError>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::future::Future;
        use std::task::Poll;
        if self.expired {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = self.inner.poll_next_unpin(cx) {
            return Poll::Ready(item);
        }
        if self.sleep.as_mut().poll(cx).is_ready() {
            self.expired = true;
            let error = std::io::Error::new(std::io::ErrorKind::TimedOut, BODY_TIMED_OUT);
            return Poll::Ready(Some(Err(PayloadError::Io(error))));
        }
        Poll::Pending
    }
}

/// A body that could not be read: 408 when it ran past its deadline, else 400.
pub fn unreadable_body(e: &dyn std::fmt::Display) -> ApiError {
    if e.to_string().contains(BODY_TIMED_OUT) {
        ApiError::BodyTimeout
    } else {
        ApiError::BadRequest { detail: format!("the request body could not be read: {e}"), errors: Vec::new() }
    }
}

/// Reads a whole body, refusing it (413) as soon as it passes `limit` bytes.
pub async fn read_limited(payload: Payload, limit: usize) -> Result<web::Bytes, ApiError> {
    read_limited_into(payload, limit, 0).await
}

/// `read_limited` into a buffer of `capacity` bytes from the start (a body whose length is known,
/// such as an upload part: no reallocation doubles it on the way).
pub async fn read_limited_into(mut payload: Payload, limit: usize, capacity: usize) -> Result<web::Bytes, ApiError> {
    let mut body = web::BytesMut::with_capacity(capacity.min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| unreadable_body(&e))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Parses JSON into `T`: a syntax error is 400, a well-formed body that does not fit `T` is 422
/// with the pointer of the offending field.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let malformed = |message: String| ApiError::BadRequest {
        detail: message.clone(),
        errors: vec![FieldError::at_pointer("", ViolationCode::Malformed, message)],
    };
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        if e.is_eof() && body.iter().all(u8::is_ascii_whitespace) {
            malformed("the request body is empty; send a JSON object".to_owned())
        } else {
            malformed(format!("malformed JSON: {e}"))
        }
    })?;
    from_value(value, "")
}

/// Converts an already-parsed JSON value into `T`, with the same errors as `parse_json`;
/// pointers are prefixed with `prefix`.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value, prefix: &str) -> Result<T, ApiError> {
    refuse_bad_shapes(&value, &mut prefix.to_owned()).map_err(unprocessable)?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().clone();
        unprocessable(field_error(prefix, &path, &strip_position(&e.into_inner().to_string())))
    })
}

/// Members that hold arrays in some request body. serde reads a struct from an array by position,
/// so an array anywhere else is refused here rather than silently taken apart.
const ARRAY_MEMBERS: &[&str] = &[
    "highlights",
    "specifications",
    "attributes",
    "values",
    "skus",
    "tiers",
    "dates",
    "emails",
    "phones",
    "regions",
    "event_types",
    "extension_parameters",
    "upgrade_rules",
];

/// Refuses what a body's types would take apart silently or no store can keep: arrays outside
/// `ARRAY_MEMBERS`, and NUL characters in strings and member names.
fn refuse_bad_shapes(value: &serde_json::Value, pointer: &mut String) -> Result<(), FieldError> {
    use serde_json::Value;
    let misplaced = |pointer: &str| {
        FieldError::at_pointer(
            pointer,
            ViolationCode::InvalidType,
            "invalid type: sequence, expected an object or a value",
        )
    };
    match value {
        Value::Array(_) if pointer.is_empty() => Err(misplaced(pointer)),
        Value::String(text) if text.contains('\0') => Err(nul(pointer)),
        Value::Object(members) => {
            for (key, member) in members {
                if key.contains('\0') {
                    return Err(nul(pointer));
                }
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                match member {
                    Value::Array(items) if ARRAY_MEMBERS.contains(&key.as_str()) => {
                        for (i, item) in items.iter().enumerate() {
                            let len = pointer.len();
                            pointer.push_str(&format!("/{i}"));
                            if item.is_array() {
                                return Err(misplaced(pointer));
                            }
                            refuse_bad_shapes(item, pointer)?;
                            pointer.truncate(len);
                        }
                    }
                    Value::Array(_) => return Err(misplaced(pointer)),
                    _ => refuse_bad_shapes(member, pointer)?,
                }
                pointer.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// No store keeps U+0000 in text (PostgreSQL refuses it), and no field has a use for it.
fn nul(pointer: &str) -> FieldError {
    FieldError::at_pointer(pointer, ViolationCode::InvalidValue, "must not contain the NUL character (U+0000)")
}

fn unprocessable(error: FieldError) -> ApiError {
    let at = error.pointer.clone().filter(|p| !p.is_empty()).unwrap_or_else(|| "the body".into());
    ApiError::Unprocessable { detail: format!("{at}: {}", error.message), errors: vec![error] }
}

/// serde_json adds " at line L column C"; the pointer says where more usefully.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn pointer_of(prefix: &str, path: &Path) -> String {
    let mut pointer = prefix.to_owned();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => pointer.push_str(&format!("/{}", key.replace('~', "~0").replace('/', "~1"))),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

/// The code a serde message stands for, and the pointer of the field it is about.
fn field_error(prefix: &str, path: &Path, message: &str) -> FieldError {
    let mut pointer = pointer_of(prefix, path);
    let code = if message.starts_with("unknown field") {
        // The path stops at the object; name the field itself.
        if let Some(field) = message.split('`').nth(1)
            && !pointer.ends_with(&format!("/{field}"))
        {
            pointer.push_str(&format!("/{field}"));
        }
        ViolationCode::UnknownField
    } else if message.starts_with("missing field") {
        if let Some(field) = message.split('`').nth(1) {
            pointer.push_str(&format!("/{field}"));
        }
        ViolationCode::Required
    } else if message.starts_with("invalid type") {
        ViolationCode::InvalidType
    } else {
        ViolationCode::InvalidValue
    };
    FieldError::at_pointer(pointer, code, message)
}

/// Query parameters parsed into `T`; a bad or unknown parameter is 400 naming it.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let pairs = form_urlencoded::parse(req.query_string().as_bytes());
        if let Some((name, _)) = pairs.clone().find(|(_, value)| value.chars().any(char::is_control)) {
            let message = "must not contain control characters";
            return std::future::ready(Err(ApiError::bad_parameter(&name, ViolationCode::InvalidValue, message)));
        }
        let de = serde_urlencoded::Deserializer::new(pairs);
        std::future::ready(serde_path_to_error::deserialize(de).map(Query).map_err(|e| {
            let path = e.path().to_string();
            let message = e.into_inner().to_string();
            let parameter = if message.starts_with("unknown field") {
                message.split('`').nth(1).unwrap_or(&path).to_owned()
            } else {
                path
            };
            let code = if message.starts_with("unknown field") {
                ViolationCode::UnknownField
            } else {
                ViolationCode::InvalidValue
            };
            ApiError::bad_parameter(&parameter, code, message)
        }))
    }
}
