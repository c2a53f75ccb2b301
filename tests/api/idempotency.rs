use actix_web::http::Method;
use serde_json::json;
use shelf_persistence::idempotency;

use crate::helpers::{Body, TestApp, empty_draft};

async fn post_with_key(app: &TestApp, token: &str, key: &str, body: &serde_json::Value) -> crate::helpers::Response {
    let bytes = body.to_string().into_bytes();
    app.call(Method::POST, "/v1/drafts", Some(token), &[("Idempotency-Key", key)], Body::Raw("application/json", bytes))
        .await
}

async fn draft_count(app: &TestApp, token: &str) -> usize {
    app.get("/v1/drafts?limit=100", Some(token)).await.json()["items"].as_array().unwrap().len()
}

#[actix_web::test]
async fn a_retry_with_the_same_key_and_body_replays_the_first_response() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let body = json!({"content": {"delivery_method": "professional_service", "name": "Once"}});
    let first = post_with_key(&app, &token, "key-1", &body).await;
    first.assert_status(201);
    assert!(first.header("idempotent-replayed").is_none());
    let again = post_with_key(&app, &token, "key-1", &body).await;
    again.assert_status(201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json(), first.json());
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(draft_count(&app, &token).await, 1);
}

#[actix_web::test]
async fn the_same_key_with_another_body_is_422() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    post_with_key(
        &app,
        &token,
        "key-1",
        &json!({"content": {"delivery_method": "professional_service", "name": "One"}}),
    )
    .await
    .assert_status(201);
    let problem = post_with_key(
        &app,
        &token,
        "key-1",
        &json!({"content": {"delivery_method": "professional_service", "name": "Two"}}),
    )
    .await
    .problem(422);
    assert_eq!(problem["errors"][0]["parameter"], "Idempotency-Key");
    assert_eq!(draft_count(&app, &token).await, 1);
}

#[actix_web::test]
async fn keys_belong_to_one_account() {
    let app = TestApp::spawn().await;
    let (a, b) = (app.seller("seller-a"), app.seller("seller-b"));
    let body = json!({"content": {"delivery_method": "professional_service", "name": "Same"}});
    let first = post_with_key(&app, &a, "shared", &body).await.json();
    let other = post_with_key(&app, &b, "shared", &body).await;
    other.assert_status(201);
    assert!(other.header("idempotent-replayed").is_none());
    assert_ne!(other.json()["id"], first["id"]);
}

#[actix_web::test]
async fn a_retry_while_the_first_is_in_flight_is_409() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let body = json!({"content": {"delivery_method": "professional_service", "name": "Slow"}});
    // Claim the key exactly as the first of two identical requests does while it is being served.
    let fingerprint = shelf_http::idempotency::fingerprint(
        "POST",
        "/v1/drafts",
        "",
        b"application/json",
        body.to_string().as_bytes(),
    );
    app.db
        .read(|c| {
            idempotency::begin(
                c,
                "seller-a",
                "busy",
                &fingerprint,
                shelf_persistence::now(),
                chrono::Duration::hours(24),
            )
        })
        .unwrap();
    post_with_key(&app, &token, "busy", &body).await.problem(409);
}

#[actix_web::test]
async fn an_expired_key_acts_again() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let long_ago = shelf_persistence::now() - chrono::Duration::hours(25);
    app.db
        .read(|c| {
            idempotency::begin(c, "seller-a", "old", "fp", long_ago, chrono::Duration::hours(24))?;
            idempotency::complete(
                c,
                "seller-a",
                "old",
                &idempotency::StoredResponse { status: 201, headers: "{}".into(), body: b"{}".to_vec() },
            )
        })
        .unwrap();
    let res = post_with_key(&app, &token, "old", &empty_draft()).await;
    res.assert_status(201);
    assert!(res.header("idempotent-replayed").is_none());
    assert_eq!(app.db.read(|c| idempotency::purge_expired(c, shelf_persistence::now())).unwrap(), 0);
}

#[actix_web::test]
async fn a_key_over_255_characters_is_400() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let problem = post_with_key(&app, &token, &"k".repeat(256), &empty_draft()).await.problem(400);
    assert_eq!(problem["errors"][0]["parameter"], "Idempotency-Key");
    post_with_key(&app, &token, &"k".repeat(255), &empty_draft()).await.assert_status(201);
}

#[actix_web::test]
async fn validate_accepts_an_idempotency_key_too() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    let path = format!("/v1/drafts/{}/validate", draft["id"].as_str().unwrap());
    let headers = [("Idempotency-Key", "v-1")];
    let first = app.call(Method::POST, &path, Some(&token), &headers, Body::None).await;
    let again = app.call(Method::POST, &path, Some(&token), &headers, Body::None).await;
    first.assert_status(200);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json(), first.json());
}

#[actix_web::test]
async fn a_key_with_spaces_or_control_characters_is_400_as_documented() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    for key in ["two words", "tab\there"] {
        let problem = post_with_key(&app, &token, key, &empty_draft()).await.problem(400);
        assert_eq!(problem["errors"][0]["parameter"], "Idempotency-Key", "{key:?}");
    }
    post_with_key(&app, &token, "visible-ASCII_only.~!", &empty_draft()).await.assert_status(201);
}
