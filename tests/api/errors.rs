use actix_web::http::Method;
use serde_json::json;

use crate::helpers::{Body, TestApp};

#[actix_web::test]
async fn an_unknown_route_is_404_problem() {
    let app = TestApp::spawn().await;
    let problem = app.get("/v1/nothing-here", None).await.problem(404);
    assert_eq!(problem["instance"], "/v1/nothing-here");
}

#[actix_web::test]
async fn a_wrong_method_is_405_with_allow() {
    let app = TestApp::spawn().await;
    let res = app.call(Method::PUT, "/v1/drafts", None, &[], Body::None).await;
    res.problem(405);
    assert_eq!(res.header("allow"), Some("GET, POST"));
    let res = app.call(Method::POST, "/v1/drafts/some-id", None, &[], Body::None).await;
    res.problem(405);
    assert_eq!(res.header("allow"), Some("GET, DELETE, PATCH"));
}

#[actix_web::test]
async fn malformed_json_is_400() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    for body in ["{\"content\": ", "not json", "", "{} trailing"] {
        let res =
            app.call(Method::POST, "/v1/drafts", Some(&token), &[], Body::Raw("application/json", body.into())).await;
        res.problem(400);
    }
}

#[actix_web::test]
async fn a_field_of_the_wrong_type_is_422_naming_it() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let cases = [
        (json!({"content": {"avg_delivery_days": "ten"}}), "/content/avg_delivery_days", "invalid_type"),
        (json!({"content": {"highlights": [1]}}), "/content/highlights/0", "invalid_type"),
        (json!({"content": {"after_sales": {"email": 5}}}), "/content/after_sales/email", "invalid_type"),
        (json!({"content": {"delivery_method": "teleport"}}), "/content/delivery_method", "invalid_value"),
        (json!({"content": {"avg_delivery_days": -1}}), "/content/avg_delivery_days", "invalid_value"),
        (json!({"content": []}), "/content", "invalid_type"),
    ];
    for (body, pointer, code) in cases {
        let problem = app.post("/v1/drafts", Some(&token), &body).await.problem(422);
        assert_eq!(problem["errors"][0]["pointer"], pointer, "{body}");
        assert_eq!(problem["errors"][0]["code"], code, "{body}");
    }
}

#[actix_web::test]
async fn an_unknown_field_is_422_unknown_field() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    for (body, pointer) in [
        (json!({"content": {"nmae": "Typo"}}), "/content/nmae"),
        (json!({"contents": {}}), "/contents"),
        (json!({"content": {"after_sales": {"mail": "a@b.c"}}}), "/content/after_sales/mail"),
    ] {
        let problem = app.post("/v1/drafts", Some(&token), &body).await.problem(422);
        assert_eq!(problem["errors"][0]["code"], "unknown_field");
        assert_eq!(problem["errors"][0]["pointer"], pointer);
    }
}

#[actix_web::test]
async fn a_wrong_or_missing_media_type_is_415() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    for content_type in ["text/plain", "application/xml", ""] {
        let res =
            app.call(Method::POST, "/v1/drafts", Some(&token), &[], Body::Raw(content_type, b"{}".to_vec())).await;
        res.problem(415);
    }
    let res = app
        .call(
            Method::POST,
            "/v1/drafts",
            Some(&token),
            &[],
            Body::Raw("application/json; charset=utf-8", b"{}".to_vec()),
        )
        .await;
    res.assert_status(201);
}

#[actix_web::test]
async fn a_body_over_the_limit_is_413() {
    let app = TestApp::spawn_with(|c| c.json_body_bytes = 1024).await;
    let token = app.seller("seller-a");
    let big = json!({"content": {"description": "x".repeat(2000)}});
    app.post("/v1/drafts", Some(&token), &big).await.problem(413);
    let small = json!({"content": {"description": "x".repeat(500)}});
    app.post("/v1/drafts", Some(&token), &small).await.assert_status(201);
}

#[actix_web::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    for res in [
        app.get("/healthz", None).await,
        app.get("/v1/drafts", None).await,
        app.get("/v1/missing", None).await,
        app.call(Method::PUT, "/healthz", None, &[], Body::None).await,
    ] {
        assert!(res.header("x-request-id").is_some_and(|id| !id.is_empty()));
    }
}

#[actix_web::test]
async fn a_plain_incoming_request_id_is_kept_and_a_strange_one_replaced() {
    let app = TestApp::spawn().await;
    let res = app.call(Method::GET, "/healthz", None, &[("X-Request-Id", "trace-123")], Body::None).await;
    assert_eq!(res.header("x-request-id"), Some("trace-123"));
    let res = app.call(Method::GET, "/healthz", None, &[("X-Request-Id", "bad id with spaces")], Body::None).await;
    assert_ne!(res.header("x-request-id"), Some("bad id with spaces"));
}

#[actix_web::test]
async fn bad_list_parameters_are_400_naming_the_parameter() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    for (query, parameter) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("page_token=garbage", "page_token"),
        ("state=open", "state"),
        ("kind=other", "kind"),
        ("order=sideways", "order"),
        ("colour=red", "colour"),
    ] {
        let problem = app.get(&format!("/v1/drafts?{query}"), Some(&token)).await.problem(400);
        assert_eq!(problem["errors"][0]["parameter"], parameter, "{query}");
    }
}

#[actix_web::test]
async fn responses_carry_nosniff() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/healthz", None).await.header("x-content-type-options"), Some("nosniff"));
}

#[actix_web::test]
async fn authenticated_responses_are_not_cached() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    assert_eq!(app.get("/v1/drafts", Some(&token)).await.header("cache-control"), Some("no-store"));
    assert_eq!(app.get("/v1/drafts/missing", Some(&token)).await.header("cache-control"), Some("no-store"));
    assert_eq!(app.get("/v1/catalog/products", None).await.header("cache-control"), Some("public, max-age=30"));
}
