//! Request ids: every response carries `X-Request-Id`, every log line about a request names it,
//! and one access-log line per request (method, path, status, duration; never headers or bodies).

use std::time::Instant;

use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

use crate::context::{CONTEXT, RequestContext};
use crate::problem::escaped;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// A caller's id is kept when it is short and plain; otherwise a new one is made.
fn accept_or_new(req: &ServiceRequest) -> String {
    req.headers()
        .get(&HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| (1..=128).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let id = accept_or_new(&req);
    let method = req.method().clone();
    let path = req.path().to_owned();
    let context = RequestContext { id: id.clone(), path: path.clone() };
    let outcome = CONTEXT.scope(context.clone(), next.call(req)).await;
    let header = HeaderValue::from_str(&id).ok();
    match outcome {
        Ok(res) => {
            let mut res = res.map_into_boxed_body();
            if let Some(value) = header {
                res.headers_mut().insert(HEADER, value);
            }
            log::info!("{method} {path} {} {:.1}ms request_id={id}", res.status().as_u16(), ms(started));
            Ok(res)
        }
        // An error that escaped every handler (a middleware's own): answer it as a problem.
        Err(err) => {
            let status = err.as_response_error().status_code();
            let mut response = CONTEXT.sync_scope(context, || escaped(status, err.to_string()));
            if let Some(value) = header {
                response.headers_mut().insert(HEADER, value);
            }
            log::info!("{method} {path} {} {:.1}ms request_id={id}", status.as_u16(), ms(started));
            Err(InternalError::from_response(err.to_string(), response).into())
        }
    }
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}
