//! Versions on the wire: `ETag` from a resource's version, the `If-Match` every change needs (a
//! domain `Precondition`), the `If-None-Match` a cached read may send, and responding with them.

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{ETAG, IF_MATCH, IF_NONE_MATCH, LOCATION};
use actix_web::{FromRequest, HttpRequest, HttpResponse, HttpResponseBuilder};
use serde::Serialize;
use shelf_domain::Precondition;

use crate::problem::ApiError;

/// The entity tag of a resource version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

pub fn set_etag(builder: &mut HttpResponseBuilder, version: i64) {
    builder.insert_header((ETAG, etag(version)));
}

/// A versioned resource the API answers with: its response form and its URL.
pub trait Versioned: Sized {
    type Response: Serialize + From<Self>;
    fn version(&self) -> i64;
    /// Its URL (the `Location` of a 201).
    fn location(&self) -> String;
}

/// `Versioned` for a stored resource with `id` and `version` fields, answered as `$response`, found
/// under `$collection` (`/v1/drafts`).
macro_rules! versioned {
    ($ty:ty => $response:ty, $collection:literal) => {
        impl $crate::etag::Versioned for $ty {
            type Response = $response;
            fn version(&self) -> i64 {
                self.version
            }
            fn location(&self) -> String {
                format!(concat!($collection, "/{}"), self.id)
            }
        }
    };
}
pub(crate) use versioned;

/// A versioned resource as a response: its ETag, and its `Location` when it was just created (201).
pub fn respond<T: Versioned>(status: StatusCode, item: T) -> HttpResponse {
    let (version, location) = (item.version(), item.location());
    respond_versioned(status, version, || location, T::Response::from(item))
}

/// A versioned document as a response: its ETag, and its `Location` when it was just created (201).
pub fn respond_versioned(
    status: StatusCode,
    version: i64,
    location: impl FnOnce() -> String,
    body: impl Serialize,
) -> HttpResponse {
    let mut builder = HttpResponse::build(status);
    set_etag(&mut builder, version);
    if status == StatusCode::CREATED {
        builder.insert_header((LOCATION, location()));
    }
    builder.json(body)
}

/// The `If-Match` precondition: `*`, or a list of strong entity tags (a weak or foreign tag never
/// matches). Missing: 428.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfMatch(pub Precondition);

impl IfMatch {
    fn parse(values: &[&str]) -> IfMatch {
        if values.iter().any(|v| v.trim() == "*") {
            return IfMatch(Precondition::Any);
        }
        let versions = values
            .iter()
            .flat_map(|v| v.split(','))
            .filter_map(|t| t.trim().strip_prefix('"')?.strip_suffix('"')?.parse::<i64>().ok())
            .collect();
        IfMatch(Precondition::OneOf(versions))
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let values: Vec<&str> = req.headers().get_all(IF_MATCH).filter_map(|v| v.to_str().ok()).collect();
        std::future::ready(if values.is_empty() {
            Err(ApiError::PreconditionRequired)
        } else {
            Ok(IfMatch::parse(&values))
        })
    }
}

/// The `If-None-Match` of a read: the tags the client holds (empty when it sent none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IfNoneMatch(Vec<String>);

impl IfNoneMatch {
    /// Whether the client's copy is current: it lists `etag`, or `*`. Compared weakly, as RFC 9110
    /// has it for `If-None-Match`: `W/"3"` and `"3"` are the same version.
    pub fn matches(&self, etag: &str) -> bool {
        fn opaque(tag: &str) -> &str {
            tag.strip_prefix("W/").unwrap_or(tag)
        }
        self.0.iter().any(|t| t == "*" || opaque(t) == opaque(etag))
    }
}

impl FromRequest for IfNoneMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let tags = req
            .headers()
            .get_all(IF_NONE_MATCH)
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|t| t.trim().to_owned())
            .collect();
        std::future::ready(Ok(IfNoneMatch(tags)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strong_tags_match_their_version_only() {
        let m = IfMatch::parse(&["\"2\", \"3\""]).0;
        assert_eq!(m.check(3), Ok(3));
        assert!(m.check(4).is_err());
        assert!(IfMatch::parse(&["W/\"3\""]).0.check(3).is_err());
        assert_eq!(IfMatch::parse(&["\"1\"", "*"]).0.check(7), Ok(7));
    }

    #[test]
    fn if_none_match_matches_listed_tags_weakly_and_the_wildcard() {
        let m = IfNoneMatch(vec!["W/\"a\"".into(), "\"b\"".into()]);
        assert!(m.matches("\"b\"") && m.matches("W/\"a\"") && !m.matches("\"c\""));
        assert!(m.matches("\"a\"") && m.matches("W/\"b\""), "compared weakly");
        assert!(IfNoneMatch(vec!["*".into()]).matches("\"x\""));
        assert!(!IfNoneMatch::default().matches("\"x\""));
    }
}
