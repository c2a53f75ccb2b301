use actix_web::http::Method;

use crate::helpers::{Body, TestApp};

const ORIGIN: &str = "https://console.example";

async fn preflight(app: &TestApp, origin: &str) -> crate::helpers::Response {
    let headers = [
        ("Origin", origin),
        ("Access-Control-Request-Method", "PATCH"),
        ("Access-Control-Request-Headers", "authorization, if-match, content-type"),
    ];
    app.call(Method::OPTIONS, "/v1/drafts/x", None, &headers, Body::None).await
}

#[actix_web::test]
async fn an_allowed_origin_gets_preflight_answers_and_exposed_headers() {
    let app = TestApp::spawn_with(|c| c.cors_origins = vec![ORIGIN.into()]).await;
    let res = preflight(&app, ORIGIN).await;
    res.assert_status(200);
    assert_eq!(res.header("access-control-allow-origin"), Some(ORIGIN));
    let token = app.seller("seller-a");
    let res = app.call(Method::GET, "/v1/drafts", Some(&token), &[("Origin", ORIGIN)], Body::None).await;
    res.assert_status(200);
    assert_eq!(res.header("access-control-allow-origin"), Some(ORIGIN));
    let exposed = res.header("access-control-expose-headers").unwrap().to_ascii_lowercase();
    for h in ["etag", "location", "x-request-id", "idempotent-replayed"] {
        assert!(exposed.contains(h), "{h} not exposed: {exposed}");
    }
}

#[actix_web::test]
async fn an_origin_outside_the_allow_list_gets_no_cors_headers() {
    let app = TestApp::spawn_with(|c| c.cors_origins = vec![ORIGIN.into()]).await;
    let res = preflight(&app, "https://evil.example").await;
    assert!(res.header("access-control-allow-origin").is_none());
}

#[actix_web::test]
async fn without_an_allow_list_no_origin_is_allowed() {
    let app = TestApp::spawn().await;
    let res = preflight(&app, ORIGIN).await;
    assert!(res.header("access-control-allow-origin").is_none());
    let res = app.call(Method::GET, "/healthz", None, &[("Origin", ORIGIN)], Body::None).await;
    res.assert_status(200);
    assert!(res.header("access-control-allow-origin").is_none());
}
