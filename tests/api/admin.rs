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
