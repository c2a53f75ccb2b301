use actix_web::http::Method;
use serde_json::json;

use crate::helpers::{Body, TestApp, empty_draft};

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
        (
            json!({"content": {"delivery_method": "professional_service", "avg_delivery_days": "ten"}}),
            "/content/avg_delivery_days",
            "invalid_type",
        ),
        (
            json!({"content": {"delivery_method": "professional_service", "highlights": [1]}}),
            "/content/highlights/0",
            "invalid_type",
        ),
        (
            json!({"content": {"delivery_method": "professional_service", "after_sales": {"email": 5}}}),
            "/content/after_sales/email",
            "invalid_type",
        ),
        (json!({"content": {"delivery_method": "teleport"}}), "/content/delivery_method", "invalid_value"),
        (
            json!({"content": {"delivery_method": "professional_service", "avg_delivery_days": -1}}),
            "/content/avg_delivery_days",
            "invalid_value",
        ),
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
        (json!({"content": {"delivery_method": "professional_service", "nmae": "Typo"}}), "/content/nmae"),
        (json!({"contents": {}}), "/contents"),
        (
            json!({"content": {"delivery_method": "professional_service", "after_sales": {"mail": "a@b.c"}}}),
            "/content/after_sales/mail",
        ),
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
            Body::Raw("application/json; charset=utf-8", empty_draft().to_string().into_bytes()),
        )
        .await;
    res.assert_status(201);
}

#[actix_web::test]
async fn a_body_over_the_limit_is_413() {
    let app = TestApp::spawn_with(|c| c.json_body_bytes = 1024).await;
    let token = app.seller("seller-a");
    let big = json!({"content": {"delivery_method": "professional_service", "description": "x".repeat(2000)}});
    app.post("/v1/drafts", Some(&token), &big).await.problem(413);
    let small = json!({"content": {"delivery_method": "professional_service", "description": "x".repeat(500)}});
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

#[actix_web::test]
async fn writes_beyond_the_rate_limit_are_429_with_retry_after() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limit_per_minute = 3;
        c.anonymous_rate_limit_per_minute = 2;
    })
    .await;
    let (a, b) = (app.seller("seller-a"), app.seller("seller-b"));
    for _ in 0..3 {
        app.post("/v1/drafts", Some(&a), &empty_draft()).await.assert_status(201);
    }
    let limited = app.post("/v1/drafts", Some(&a), &empty_draft()).await;
    limited.problem(429);
    assert!(limited.header("retry-after").is_some_and(|s| s.parse::<u64>().is_ok_and(|s| s >= 1)));
    app.get("/v1/drafts", Some(&a)).await.assert_status(200);
    app.post("/v1/drafts", Some(&b), &empty_draft()).await.assert_status(201);
    let quote = json!({"specification": "x", "sku": "y", "period": "month"});
    for _ in 0..2 {
        app.post("/v1/catalog/products/none/quote", None, &quote).await.problem(404);
    }
    app.post("/v1/catalog/products/none/quote", None, &quote).await.problem(429);
}

#[actix_web::test]
async fn a_seller_keeps_a_bounded_number_of_drafts_templates_and_attributes() {
    use shelf_domain::limits::{MAX_ATTRIBUTES, MAX_OPEN_DRAFTS, MAX_PRICING_TEMPLATES};
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    app.db
        .write(|c| {
            let content = shelf_domain::DraftContent::default();
            for _ in 1..MAX_OPEN_DRAFTS {
                let new = shelf_persistence::drafts::NewDraft {
                    seller_id: "seller-a",
                    kind: shelf_domain::DraftKind::Release,
                    product_id: None,
                    content: &content,
                };
                shelf_persistence::drafts::insert(c, new)?;
            }
            let definition = |i: i64| shelf_domain::attribute::CatalogueAttribute {
                code: format!("a{i}"),
                name: format!("A{i}"),
                description: None,
                attribute_type: shelf_domain::content::specification::AttributeType::Enumeration,
                unit: None,
            };
            for i in 1..MAX_ATTRIBUTES {
                shelf_persistence::attributes::insert(c, "seller-a", &definition(i))?;
            }
            let body: shelf_domain::pricing::template::PricingTemplateBody = serde_json::from_value(
                json!({"name": "T", "currency": "USD", "model": "flat", "amounts": {"month": 1}}),
            )
            .unwrap();
            for _ in 1..MAX_PRICING_TEMPLATES {
                shelf_persistence::pricing_templates::insert(c, "seller-a", &body)?;
            }
            Ok::<_, shelf_persistence::Error>(())
        })
        .unwrap();
    let template = json!({"name": "T", "currency": "USD", "model": "flat", "amounts": {"month": 1}});
    for (path, body) in [
        ("/v1/drafts", empty_draft()),
        ("/v1/attributes", json!({"code": "last", "name": "Last", "type": "enumeration"})),
        ("/v1/pricing-templates", template),
    ] {
        app.post(path, Some(&token), &body).await.assert_status(201);
        let mut again = body.clone();
        if path == "/v1/attributes" {
            again["code"] = json!("beyond");
        }
        let problem = app.post(path, Some(&token), &again).await.problem(422);
        assert_eq!(problem["errors"][0]["code"], "limit_reached", "{path}");
    }
    app.post("/v1/drafts", Some(&app.seller("seller-b")), &empty_draft()).await.assert_status(201);
}

#[actix_web::test]
async fn an_average_delivery_period_outside_1_to_365_days_is_refused_at_save() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    for days in [0, 366] {
        let body = json!({"content": {"delivery_method": "professional_service", "avg_delivery_days": days}});
        let problem = app.post("/v1/drafts", Some(&token), &body).await.problem(422);
        assert_eq!(problem["errors"][0]["pointer"], "/content/avg_delivery_days", "{days}");
        assert_eq!(problem["errors"][0]["code"], "invalid_value", "{days}");
    }
    for days in [1, 365] {
        app.post(
            "/v1/drafts",
            Some(&token),
            &json!({"content": {"delivery_method": "professional_service", "avg_delivery_days": days}}),
        )
        .await
        .assert_status(201);
    }
}

#[actix_web::test]
async fn a_patch_no_version_could_take_is_422_even_with_a_stale_if_match() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({"name": "Draft"})).await;
    let path = format!("/v1/drafts/{}", draft["id"].as_str().unwrap());
    let problem = app
        .patch(
            &path,
            &token,
            Some("\"9\""),
            &json!({"content": {"delivery_method": "professional_service", "public_sales": "yes"}}),
        )
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["pointer"], "/content/public_sales");
    let problem = app.patch(&path, &token, Some("\"9\""), &json!({"content": null})).await.problem(422);
    assert_eq!(problem["errors"][0]["pointer"], "/content", "the content itself cannot be removed");
    app.patch(
        &path,
        &token,
        Some("\"9\""),
        &json!({"content": {"delivery_method": "professional_service", "public_sales": true}}),
    )
    .await
    .problem(412);
    let attribute = app
        .create("/v1/attributes", &token, json!({"code": "edition", "name": "Edition", "type": "enumeration"}))
        .await;
    let path = format!("/v1/attributes/{}", attribute["id"].as_str().unwrap());
    app.patch(&path, &token, Some("\"9\""), &json!({"type": "colour"})).await.problem(422);
    app.patch(&path, &token, Some("\"9\""), &json!({"code": "1-not-a-code"})).await.problem(422);
    app.patch(&path, &token, Some("\"9\""), &json!({"name": "Tier"})).await.problem(412);
}

#[actix_web::test]
async fn a_body_that_stalls_after_its_headers_is_408_within_the_body_timeout() {
    use std::io::{Read, Write};
    let app = TestApp::spawn_with(|c| c.body_timeout_seconds = 1).await;
    let token = app.seller("seller-a");
    let addr = app.addr();
    let response = actix_web::rt::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        let head = format!(
            "POST /v1/drafts HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"content\""
        );
        stream.write_all(head.as_bytes()).unwrap();
        let mut response = vec![0u8; 4096];
        let n = stream.read(&mut response).unwrap_or(0);
        String::from_utf8_lossy(&response[..n]).into_owned()
    })
    .await
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(response.contains("request-timeout"), "{response}");
}
