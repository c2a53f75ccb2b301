use serde_json::json;
use shelf_domain::Role;

use crate::helpers::TestApp;

#[actix_web::test]
async fn admins_read_and_replace_the_holiday_calendar() {
    let app = TestApp::spawn().await;
    let admin = app.token("ops", Role::Admin);
    let res = app.get("/v1/admin/holidays", Some(&admin)).await;
    res.assert_status(200);
    assert_eq!((res.json(), res.header("etag")), (json!({"dates": []}), Some("\"0\"")));
    let body = json!({"dates": ["2026-10-02", "2026-10-01", "2026-10-01"]}).to_string().into_bytes();
    let res = app
        .call(
            actix_web::http::Method::PUT,
            "/v1/admin/holidays",
            Some(&admin),
            &[("If-Match", "\"0\"")],
            crate::helpers::Body::Raw("application/json", body.clone()),
        )
        .await;
    res.assert_status(200);
    assert_eq!(res.json(), json!({"dates": ["2026-10-01", "2026-10-02"]}));
    assert_eq!(res.header("etag"), Some("\"1\""));
    let stale = app
        .call(
            actix_web::http::Method::PUT,
            "/v1/admin/holidays",
            Some(&admin),
            &[("If-Match", "\"0\"")],
            crate::helpers::Body::Raw("application/json", body.clone()),
        )
        .await;
    stale.problem(412);
    let missing = app
        .call(
            actix_web::http::Method::PUT,
            "/v1/admin/holidays",
            Some(&admin),
            &[],
            crate::helpers::Body::Raw("application/json", body),
        )
        .await;
    missing.problem(428);
}

#[actix_web::test]
async fn a_malformed_holiday_is_422_naming_it() {
    let app = TestApp::spawn().await;
    let admin = app.token("ops", Role::Admin);
    let body = json!({"dates": ["2026-10-01", "2026-13-01", "1 Oct"]}).to_string().into_bytes();
    let res = app
        .call(
            actix_web::http::Method::PUT,
            "/v1/admin/holidays",
            Some(&admin),
            &[("If-Match", "\"0\"")],
            crate::helpers::Body::Raw("application/json", body),
        )
        .await;
    let problem = res.problem(422);
    let pointers: Vec<_> = problem["errors"].as_array().unwrap().iter().map(|e| e["pointer"].clone()).collect();
    assert_eq!(pointers, [json!("/dates/1"), json!("/dates/2")]);
}

#[actix_web::test]
async fn holidays_are_for_admins() {
    let app = TestApp::spawn().await;
    app.get("/v1/admin/holidays", None).await.problem(401);
    for role in [Role::Seller, Role::Reviewer] {
        app.get("/v1/admin/holidays", Some(&app.token("x", role))).await.problem(403);
    }
}

async fn put_capabilities(
    app: &TestApp,
    token: &str,
    seller: &str,
    if_match: Option<&str>,
    body: serde_json::Value,
) -> crate::helpers::Response {
    let headers: Vec<(&str, &str)> = if_match.map(|m| ("If-Match", m)).into_iter().collect();
    let body = crate::helpers::Body::Raw("application/json", body.to_string().into_bytes());
    let path = format!("/v1/admin/sellers/{seller}/capabilities");
    app.call(actix_web::http::Method::PUT, &path, Some(token), &headers, body).await
}

#[actix_web::test]
async fn admins_grant_a_sellers_capabilities_under_their_etag() {
    let app = TestApp::spawn().await;
    let admin = app.token("ops", Role::Admin);
    let path = "/v1/admin/sellers/seller-a/capabilities";
    let res = app.get(path, Some(&admin)).await;
    assert_eq!(
        (res.json(), res.header("etag")),
        (json!({"hardware": false, "joint_operations": false}), Some("\"0\""))
    );
    let granted =
        put_capabilities(&app, &admin, "seller-a", Some("\"0\""), json!({"hardware": true, "joint_operations": false}))
            .await;
    granted.assert_status(200);
    assert_eq!((granted.json()["hardware"].as_bool(), granted.header("etag")), (Some(true), Some("\"1\"")));
    put_capabilities(&app, &admin, "seller-a", Some("\"0\""), json!({"hardware": false, "joint_operations": false}))
        .await
        .problem(412);
    put_capabilities(&app, &admin, "seller-a", None, json!({"hardware": false, "joint_operations": false}))
        .await
        .problem(428);
    let p = put_capabilities(&app, &admin, "seller-a", Some("*"), json!({"hardware": true})).await.problem(422);
    assert!(p["detail"].as_str().unwrap().contains("joint_operations"), "{p}");
    assert_eq!(app.get(path, Some(&admin)).await.json()["hardware"], true);
    // Another seller's are their own, and only admins read or set them.
    assert_eq!(app.get("/v1/admin/sellers/seller-b/capabilities", Some(&admin)).await.json()["hardware"], false);
    app.get(path, Some(&app.seller("seller-a"))).await.problem(403);
    put_capabilities(
        &app,
        &app.seller("seller-a"),
        "seller-a",
        Some("*"),
        json!({"hardware": true, "joint_operations": true}),
    )
    .await
    .problem(403);
}

#[actix_web::test]
async fn a_hardware_release_needs_the_whitelist_an_admin_grants() {
    use crate::helpers::complete_content_of;
    let app = TestApp::spawn().await;
    let seller = app.seller("seller-a");
    let admin = app.token("ops", Role::Admin);
    let draft = app.ready_draft_with(&seller, complete_content_of("hardware")).await;
    let path = format!("/v1/drafts/{}", draft["id"].as_str().unwrap());
    let needs = |report: &serde_json::Value| {
        report["violations"].as_array().unwrap().iter().any(|v| {
            v["pointer"] == "/delivery_method"
                && v["code"] == "not_allowed"
                && v["message"].as_str().unwrap().contains("`hardware`")
        })
    };
    let report = app.post(&format!("{path}/validate"), Some(&seller), &json!({})).await.json();
    assert!(needs(&report), "{report}");
    let p = app.post(&format!("{path}/submit"), Some(&seller), &json!({})).await.problem(422);
    assert!(p["errors"].as_array().unwrap().iter().any(|e| e["pointer"] == "/delivery_method"), "{p}");
    put_capabilities(&app, &admin, "seller-a", Some("\"0\""), json!({"hardware": true, "joint_operations": false}))
        .await
        .assert_status(200);
    let report = app.post(&format!("{path}/validate"), Some(&seller), &json!({})).await.json();
    assert!(!needs(&report), "{report}");
}
