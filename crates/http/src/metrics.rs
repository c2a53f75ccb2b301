//! Prometheus metrics at `GET /metrics` (text exposition, through the `prometheus` crate): requests by
//! route template (never a raw path: no id becomes a label), method and status class, their latency,
//! requests in flight, and at each scrape the database pool (and the waits for it), the catalog
//! cache, the outbox backlog, the event follower's lag, the review queues and the process's memory
//! and open files.

use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::fallback::RouteTable;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// The process's own metrics; one per process, shared by every worker.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    in_flight: IntGauge,
    gauges: IntGaugeVec,
    /// The last event cursor the catalog cache's follower has applied (set by the server's worker).
    pub events_followed: std::sync::atomic::AtomicI64,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new_custom(Some("shelf".into()), None).expect("a valid prefix");
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "Requests answered, by route template, method and status class"),
            &["route", "method", "status"],
        )
        .expect("valid metric");
        let buckets = vec![0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "Time to answer, by route template and method")
                .buckets(buckets),
            &["route", "method"],
        )
        .expect("valid metric");
        let in_flight = IntGauge::new("http_requests_in_flight", "Requests being answered").expect("valid metric");
        let gauges = IntGaugeVec::new(Opts::new("state", "The service's state at the scrape (see `name`)"), &["name"])
            .expect("valid metric");
        for metric in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(in_flight.clone()),
            Box::new(gauges.clone()),
        ] {
            registry.register(metric).expect("registered once");
        }
        Metrics { registry, requests, latency, in_flight, gauges, events_followed: Default::default() }
    }

    fn set(&self, name: &str, value: i64) {
        self.gauges.with_label_values(&[name]).set(value);
    }

    /// The exposition of every metric.
    fn render(&self) -> Result<String, ApiError> {
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out).map_err(ApiError::internal)?;
        String::from_utf8(out).map_err(ApiError::internal)
    }
}

/// A status's class label, by its first digit (a status code is 100 to 999).
const STATUS_CLASSES: [&str; 10] = ["0xx", "1xx", "2xx", "3xx", "4xx", "5xx", "6xx", "7xx", "8xx", "9xx"];

/// Counts and times every request under its route template (`unmatched` for no route).
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else { return next.call(req).await };
    let metrics = &state.metrics;
    // A documented route's template from the route table (the handful of patterns under its first two
    // segments); actix's `match_pattern` before routing walks every resource of the app: 4,300
    // instructions of a cached catalog lookup's 51,000 (bench/HISTORY.md). The few undocumented routes
    // (`/metrics`, Swagger UI) still ask actix.
    let route = req
        .app_data::<web::Data<RouteTable>>()
        .and_then(|table| table.template(req.path()))
        .or_else(|| req.match_pattern().map(Arc::from))
        .unwrap_or_else(|| Arc::from("unmatched"));
    let method = req.method().clone();
    metrics.in_flight.inc();
    let started = Instant::now();
    let res = next.call(req).await;
    metrics.in_flight.dec();
    let status = match &res {
        Ok(res) => res.status(),
        Err(e) => e.as_response_error().status_code(),
    };
    let class = STATUS_CLASSES[usize::from(status.as_u16() / 100)];
    metrics.requests.with_label_values(&[&route, method.as_str(), class]).inc();
    metrics.latency.with_label_values(&[&route, method.as_str()]).observe(started.elapsed().as_secs_f64());
    res
}

/// `GET /metrics`: the text exposition, with the service's state read now.
pub async fn scrape(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let ((outbox, oldest), (queue, overdue), (assets, assets_overdue), last_event, webhooks) = blocking(move || {
        Ok(db.read(|c| -> shelf_persistence::Result<_> {
            let at = shelf_persistence::now();
            Ok((
                shelf_persistence::notifications::outbox_backlog(c)?,
                shelf_persistence::applications::queue_counts(c, at)?,
                shelf_persistence::assets::queue_counts(c, at)?,
                shelf_persistence::notifications::last_cursor(c)?,
                shelf_persistence::webhooks::backlog(c)?,
            ))
        })?)
    })
    .await?;
    state.metrics.set_process_gauges(&state);
    let m = &state.metrics;
    let followed = m.events_followed.load(std::sync::atomic::Ordering::Relaxed);
    m.set("event_follow_lag", (last_event - followed).max(0));
    m.set("webhook_deliveries_pending", webhooks);
    m.set("outbox_pending", outbox);
    let age = oldest.map_or(0, |t| (shelf_persistence::now() - t).num_seconds().max(0));
    m.set("outbox_oldest_pending_seconds", age);
    m.set("review_queue_pending", queue);
    m.set("review_queue_overdue", overdue);
    m.set("asset_review_queue_pending", assets);
    m.set("asset_review_queue_overdue", assets_overdue);
    Ok(HttpResponse::Ok().content_type(prometheus::TEXT_FORMAT).body(m.render()?))
}

impl Metrics {
    /// The gauges read from the process itself: the database pool, the catalog cache, memory and files.
    fn set_process_gauges(&self, state: &AppState) {
        let m = self;
        let (connections, idle) = state.db.pool_state();
        m.set("db_pool_connections", i64::from(connections));
        m.set("db_pool_idle", i64::from(idle));
        m.set("db_pool_max", i64::from(state.db.max_connections()));
        let waits = state.db.pool_waits();
        m.set("db_pool_waits", waits.count as i64);
        m.set("db_pool_wait_microseconds", waits.micros as i64);
        m.set("db_pool_wait_max_microseconds", waits.max_micros as i64);
        let cache = state.catalog_cache.stats();
        m.set("catalog_cache_hits", cache.hits as i64);
        m.set("catalog_cache_misses", cache.misses as i64);
        m.set("catalog_cache_entries", cache.entries as i64);
        m.set("catalog_cache_bytes", cache.bytes as i64);
        m.set("catalog_page_cache_hits", cache.page_hits as i64);
        m.set("catalog_page_cache_misses", cache.page_misses as i64);
        m.set("catalog_page_cache_pages", cache.pages as i64);
        m.set("catalog_page_cache_bytes", cache.page_bytes as i64);
        let (rss, files) = process();
        m.set("process_resident_bytes", rss);
        m.set("process_open_files", files);
    }
}

/// The process's resident memory (bytes) and open file descriptors, from `/proc` (0 elsewhere).
fn process() -> (i64, i64) {
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("VmRSS:").map(str::to_owned)))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<i64>().ok())
        .map_or(0, |kb| kb * 1024);
    let files = std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count() as i64);
    (rss, files)
}
