//! `GET /metrics`: the Prometheus exposition, read with a real Prometheus text parser.

use openmetrics_parser::{MetricsExposition, PrometheusType, PrometheusValue};
use serde_json::json;

use crate::helpers::TestApp;

type Exposition = MetricsExposition<PrometheusType, PrometheusValue>;

fn scrape(body: &[u8]) -> Exposition {
    openmetrics_parser::prometheus::parse_prometheus(std::str::from_utf8(body).unwrap()).expect("a valid exposition")
}

/// The value of the sample of `family` with these labels (a histogram: its count).
fn value_of(exposition: &Exposition, family: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let family = exposition.families.get(family)?;
    let values: Vec<String> = family
        .get_label_names()
        .iter()
        .map(|name| labels.iter().find(|(k, _)| k == name).map(|(_, v)| (*v).to_owned()))
        .collect::<Option<_>>()?;
    let sample = family.get_sample_by_label_values(&values)?;
    Some(match &sample.value {
        PrometheusValue::Gauge(n) | PrometheusValue::Unknown(n) => n.as_f64(),
        PrometheusValue::Counter(c) => c.value.as_f64(),
        PrometheusValue::Histogram(h) => h.count.unwrap_or(0) as f64,
        PrometheusValue::Summary(_) => f64::NAN,
    })
}

#[actix_web::test]
async fn metrics_count_requests_by_route_template_and_report_the_service_state() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({"name": "Metered"})).await;
    let id = draft["id"].as_str().unwrap();
    app.get(&format!("/v1/drafts/{id}"), Some(&token)).await.assert_status(200);
    app.get("/v1/drafts/01936b3e-0000-7000-8000-000000000000", Some(&token)).await.problem(404);
    let res = app.get("/metrics", None).await;
    res.assert_status(200);
    assert!(res.header("content-type").unwrap().starts_with("text/plain; version=0.0.4"));
    let body = String::from_utf8(res.body.clone()).unwrap();
    assert!(!body.contains(id), "a raw id became a label");
    let s = scrape(&res.body);
    let route = [("route", "/v1/drafts/{id}"), ("method", "GET")];
    let ok = [route[0], route[1], ("status", "2xx")];
    let missing = [route[0], route[1], ("status", "4xx")];
    assert_eq!(value_of(&s, "shelf_http_requests_total", &ok), Some(1.0));
    assert_eq!(value_of(&s, "shelf_http_requests_total", &missing), Some(1.0));
    assert_eq!(value_of(&s, "shelf_http_request_duration_seconds", &route), Some(2.0), "two timed, one histogram");
    assert!(value_of(&s, "shelf_http_requests_in_flight", &[]).is_some());
    for name in [
        "db_pool_connections",
        "db_pool_idle",
        "catalog_cache_hits",
        "catalog_cache_misses",
        "catalog_cache_bytes",
        "outbox_pending",
        "outbox_oldest_pending_seconds",
        "review_queue_pending",
        "review_queue_overdue",
        "asset_review_queue_pending",
        "asset_review_queue_overdue",
        "db_pool_wait_microseconds",
        "db_pool_wait_max_microseconds",
        "webhook_deliveries_pending",
        "process_open_files",
    ] {
        assert!(value_of(&s, "shelf_state", &[("name", name)]).is_some(), "no {name}");
    }
    assert!(value_of(&s, "shelf_state", &[("name", "process_resident_bytes")]).unwrap() > 1e6);
    assert!(
        value_of(&s, "shelf_state", &[("name", "db_pool_waits")]).unwrap() >= 3.0,
        "each request took a connection"
    );
}

#[actix_web::test]
async fn the_event_follow_lag_counts_the_events_the_catalog_follower_has_not_applied() {
    // The test app runs no follower: every event in the feed is lag.
    let app = TestApp::spawn().await;
    let lag = |body: &[u8]| value_of(&scrape(body), "shelf_state", &[("name", "event_follow_lag")]);
    assert_eq!(lag(&app.get("/metrics", None).await.body), Some(0.0));
    let token = app.seller("seller-a");
    app.in_review_draft(&token).await;
    // PostgreSQL numbers committed events a moment later (the server's follower runs the sequencer).
    shelf_persistence::notifications::sequence_committed_events(&app.db).unwrap();
    assert_eq!(lag(&app.get("/metrics", None).await.body), Some(1.0), "application.submitted");
}
