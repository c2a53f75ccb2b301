//! Optimistic concurrency: `ETag` from a resource's version, and the `If-Match` every change needs.

use actix_web::dev::Payload;
use actix_web::http::header::{ETAG, IF_MATCH};
use actix_web::{FromRequest, HttpRequest, HttpResponseBuilder};

use crate::problem::ApiError;

/// The entity tag of a resource version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// Whether the client's copy is current: `If-None-Match` lists `etag` (or is `*`).
pub fn is_fresh(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(actix_web::http::header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

pub fn set_etag(builder: &mut HttpResponseBuilder, version: i64) {
    builder.insert_header((ETAG, etag(version)));
}

/// The `If-Match` precondition: `*`, or a list of strong entity tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    Any,
    Tags(Vec<String>),
}

impl IfMatch {
    /// The version the change is conditional on, when the precondition holds for `current`.
    pub fn check(&self, current: i64) -> Result<i64, ApiError> {
        let matches = match self {
            IfMatch::Any => true,
            IfMatch::Tags(tags) => tags.iter().any(|t| *t == etag(current)),
        };
        if matches {
            Ok(current)
        } else {
            Err(ApiError::PreconditionFailed(format!(
                "If-Match does not match the current ETag {}; fetch the resource again",
                etag(current)
            )))
        }
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let values: Vec<&str> = req.headers().get_all(IF_MATCH).filter_map(|v| v.to_str().ok()).collect();
        std::future::ready(if values.is_empty() {
            Err(ApiError::PreconditionRequired)
        } else if values.iter().any(|v| v.trim() == "*") {
            Ok(IfMatch::Any)
        } else {
            // Weak tags (W/"…") never match: If-Match uses the strong comparison.
            Ok(IfMatch::Tags(values.iter().flat_map(|v| v.split(',')).map(|t| t.trim().to_owned()).collect()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strong_tags_match_their_version_only() {
        let m = IfMatch::Tags(vec!["\"2\"".into(), "\"3\"".into()]);
        assert_eq!(m.check(3).unwrap(), 3);
        assert!(m.check(4).is_err());
        assert!(IfMatch::Tags(vec!["W/\"3\"".into()]).check(3).is_err());
        assert_eq!(IfMatch::Any.check(7).unwrap(), 7);
    }
}
