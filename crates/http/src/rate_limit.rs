//! Rate limits on writes and quotes: a token bucket per account (per client address when anonymous),
//! answered with 429 and `Retry-After`. Buckets live in the process: each instance limits on its own.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::AUTHORIZATION;
use actix_web::middleware::Next;
use actix_web::{Error, web};

use crate::AppState;
use crate::problem::ApiError;

/// Beyond this many tracked clients, idle buckets (full again) are dropped.
const MAX_TRACKED: usize = 100_000;

struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// A token bucket per key: `per_minute` requests a minute, in bursts of up to `per_minute`.
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        RateLimiter { per_minute: per_minute.max(1), buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes a token for `key`, or says how long until one is there.
    pub fn take(&self, key: &str) -> Result<(), Duration> {
        let capacity = f64::from(self.per_minute);
        let rate = capacity / 60.0;
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > MAX_TRACKED {
            buckets.retain(|_, b| b.tokens + now.duration_since(b.updated).as_secs_f64() * rate < capacity);
        }
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket { tokens: capacity, updated: now });
        bucket.tokens = (bucket.tokens + now.duration_since(bucket.updated).as_secs_f64() * rate).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate))
        }
    }
}

/// The limiters of the application.
pub struct RateLimits {
    /// Writes and quotes per authenticated account.
    pub accounts: RateLimiter,
    /// Writes and quotes per client address, for anonymous callers.
    pub addresses: RateLimiter,
    /// Catalog searches (`?q=`, the most expensive read) per client address.
    pub searches: RateLimiter,
}

impl RateLimits {
    pub fn new(account_per_minute: u32, address_per_minute: u32, search_per_minute: u32) -> Self {
        RateLimits {
            accounts: RateLimiter::new(account_per_minute),
            addresses: RateLimiter::new(address_per_minute),
            searches: RateLimiter::new(search_per_minute),
        }
    }
}

/// Whether the request is a catalog search: a list with a non-empty `q`.
fn is_search(req: &ServiceRequest) -> bool {
    req.path() == "/v1/catalog/products"
        && form_urlencoded::parse(req.query_string().as_bytes()).any(|(name, value)| name == "q" && !value.is_empty())
}

fn address_of(req: &ServiceRequest) -> String {
    req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default()
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let read = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let verdict = match state {
        None => Ok(()),
        Some(state) if read => match is_search(&req) {
            true => state.rate_limits.searches.take(&address_of(&req)),
            false => Ok(()),
        },
        Some(state) => match req.headers().get(AUTHORIZATION).map(|_| crate::auth::account_of(req.request())) {
            Some(Ok(account)) => state.rate_limits.accounts.take(&format!("{}:{}", account.role.as_str(), account.id)),
            // A bad token is refused before any handler; count it against the address.
            _ => state.rate_limits.addresses.take(&address_of(&req)),
        },
    };
    if let Err(wait) = verdict {
        // Rounded up: a client that waits this long finds a token.
        let retry_after_seconds = (wait.as_secs_f64().ceil() as u64).max(1);
        return Ok(req.error_response(ApiError::TooManyRequests { retry_after_seconds }));
    }
    next.call(req).await.map(ServiceResponse::map_into_boxed_body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_says_when_to_retry() {
        let limiter = RateLimiter::new(3);
        assert!(limiter.take("a").is_ok() && limiter.take("a").is_ok() && limiter.take("a").is_ok());
        let wait = limiter.take("a").unwrap_err();
        assert!(wait > Duration::from_secs(10) && wait <= Duration::from_secs(20), "{wait:?}");
        assert!(limiter.take("b").is_ok(), "keys are independent");
    }
}
