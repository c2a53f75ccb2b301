use serde_json::{Value, json};

use crate::helpers::{
    ContentBuilder, TestApp, complete_content, complete_content_of, empty_draft, professional_service,
};

fn etag(draft: &Value) -> String {
    format!("\"{}\"", draft["version"])
}

fn path(draft: &Value) -> String {
    format!("/v1/drafts/{}", draft["id"].as_str().unwrap())
}

// ---- create ----

#[actix_web::test]
async fn create_returns_201_with_location_etag_and_the_draft() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let content = json!({"delivery_method": "professional_service", "name": "Data Migration"});
    let res = app.post("/v1/drafts", Some(&token), &json!({"content": content})).await;
    res.assert_status(201);
    let draft = res.json();
    assert_eq!(res.header("location"), Some(path(&draft).as_str()));
    assert_eq!(res.header("etag"), Some("\"1\""));
    assert_eq!(draft["kind"], "release");
    assert_eq!(draft["state"], "editing");
    assert_eq!(draft["version"], 1);
    assert_eq!(draft["product_id"], Value::Null);
    assert_eq!(draft["content"], content);
    assert!(uuid::Uuid::parse_str(draft["id"].as_str().unwrap()).is_ok_and(|u| u.get_version_num() == 7));
}

#[actix_web::test]
async fn create_accepts_a_content_naming_only_its_delivery_method_and_the_complete_content() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    app.post("/v1/drafts", Some(&token), &empty_draft()).await.assert_status(201);
    let draft = app.create_draft(&token, complete_content()).await;
    let mut stored = draft["content"].clone();
    for sku in stored["specifications"][0]["skus"].as_array_mut().unwrap() {
        assert!(sku.as_object_mut().unwrap().remove("code").is_some_and(|c| c.is_string()), "every SKU gets a code");
    }
    assert_eq!(stored, complete_content());
}

#[actix_web::test]
async fn create_without_a_delivery_method_is_422_naming_it_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let p = app.post("/v1/drafts", Some(&token), &json!({"content": {"name": "Data Migration"}})).await.problem(422);
    assert_eq!(
        (p["errors"][0]["pointer"].as_str(), p["errors"][0]["code"].as_str()),
        (Some("/content/delivery_method"), Some("required"))
    );
    let p = app.post("/v1/drafts", Some(&token), &json!({})).await.problem(422);
    assert!(p["detail"].as_str().unwrap().contains("content"), "{p}");
    assert_eq!(app.get("/v1/drafts", Some(&token)).await.json()["items"], json!([]));
}

#[actix_web::test]
async fn a_member_of_another_delivery_method_is_422_at_save_and_the_method_is_fixed() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let body = json!({"content": {"delivery_method": "image", "name": "X", "saas": {"sales_type": "common"}}});
    let p = app.post("/v1/drafts", Some(&token), &body).await.problem(422);
    assert_eq!(
        (p["errors"][0]["pointer"].as_str(), p["errors"][0]["code"].as_str()),
        (Some("/content/saas"), Some("not_allowed"))
    );
    let draft = app.create_draft(&token, json!({"delivery_method": "image", "name": "X"})).await;
    let patch = json!({"content": {"delivery_method": "saas"}});
    let p = app.patch(&path(&draft), &token, Some("\"1\""), &patch).await.problem(422);
    assert_eq!(
        (p["errors"][0]["pointer"].as_str(), p["errors"][0]["code"].as_str()),
        (Some("/content/delivery_method"), Some("immutable"))
    );
    let p = app
        .patch(&path(&draft), &token, Some("\"1\""), &json!({"content": {"avg_delivery_days": 5}}))
        .await
        .problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/content/avg_delivery_days");
    let p = app
        .patch(&path(&draft), &token, Some("\"1\""), &json!({"content": {"delivery_method": null}}))
        .await
        .problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/content/delivery_method");
    assert_eq!(app.get(&path(&draft), Some(&token)).await.json()["version"], 1);
}

#[actix_web::test]
async fn create_without_a_token_is_401_and_as_a_reviewer_403() {
    let app = TestApp::spawn().await;
    app.post("/v1/drafts", None, &json!({})).await.problem(401);
    let reviewer = app.token("r", shelf_domain::Role::Reviewer);
    app.post("/v1/drafts", Some(&reviewer), &json!({})).await.problem(403);
}

// ---- get ----

#[actix_web::test]
async fn get_returns_the_draft_with_its_etag() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({"name": "X Supporting Service"})).await;
    let res = app.get(&path(&draft), Some(&token)).await;
    res.assert_status(200);
    assert_eq!(res.header("etag"), Some("\"1\""));
    assert_eq!(res.json(), draft);
}

#[actix_web::test]
async fn another_sellers_draft_is_404_on_every_route() {
    let app = TestApp::spawn().await;
    let (a, b) = (app.seller("seller-a"), app.seller("seller-b"));
    let draft = app.create_draft(&a, json!({"name": "Mine"})).await;
    let p = path(&draft);
    app.get(&p, Some(&b)).await.problem(404);
    app.patch(&p, &b, Some("\"1\""), &json!({"content": {"name": "Theirs"}})).await.problem(404);
    app.delete(&p, &b, Some("\"1\"")).await.problem(404);
    app.post(&format!("{p}/validate"), Some(&b), &json!({})).await.problem(404);
    assert_eq!(app.get("/v1/drafts", Some(&b)).await.json()["items"], json!([]));
    // Untouched for its owner.
    assert_eq!(app.get(&p, Some(&a)).await.json()["content"]["name"], "Mine");
}

#[actix_web::test]
async fn an_unknown_draft_is_404() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    app.get("/v1/drafts/01936b3e-0000-7000-8000-000000000000", Some(&token)).await.problem(404);
}

// ---- patch ----

#[actix_web::test]
async fn patch_merges_the_content_and_bumps_the_version() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft =
        app.create_draft(&token, json!({"name": "Old", "version": "V1.0", "after_sales": {"email": "a@b.io"}})).await;
    let patch = json!({"content": {"name": "New", "after_sales": {"hotline": "+1 555 0100"}, "version": null}});
    let res = app.patch(&path(&draft), &token, Some(&etag(&draft)), &patch).await;
    res.assert_status(200);
    assert_eq!(res.header("etag"), Some("\"2\""));
    let updated = res.json();
    assert_eq!(updated["version"], 2);
    assert_eq!(
        updated["content"],
        json!({"delivery_method": "professional_service", "name": "New",
               "after_sales": {"email": "a@b.io", "hotline": "+1 555 0100"}})
    );
    assert_eq!(app.get(&path(&draft), Some(&token)).await.json(), updated);
}

#[actix_web::test]
async fn patch_accepts_plain_application_json_too() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    let body = json!({"content": {"summary": "Short"}}).to_string().into_bytes();
    let res = app
        .call(
            actix_web::http::Method::PATCH,
            &path(&draft),
            Some(&token),
            &[("If-Match", "\"1\"")],
            crate::helpers::Body::Raw("application/json", body),
        )
        .await;
    res.assert_status(200);
}

#[actix_web::test]
async fn patch_without_if_match_is_428() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    app.patch(&path(&draft), &token, None, &json!({"content": {"name": "X"}})).await.problem(428);
}

#[actix_web::test]
async fn patch_with_stale_if_match_is_412_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({"name": "First"})).await;
    app.patch(&path(&draft), &token, Some("\"1\""), &json!({"content": {"name": "Second"}})).await.assert_status(200);
    app.patch(&path(&draft), &token, Some("\"1\""), &json!({"content": {"name": "Lost update"}})).await.problem(412);
    assert_eq!(app.get(&path(&draft), Some(&token)).await.json()["content"]["name"], "Second");
}

#[actix_web::test]
async fn patch_with_a_wrong_type_is_422_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({"name": "Kept"})).await;
    for patch in [
        json!({"content": {"public_sales": "yes"}}),
        json!({"content": {"nmae": "x"}}),
        json!({"other": 1}),
        json!([1]),
    ] {
        app.patch(&path(&draft), &token, Some("\"1\""), &patch).await.problem(422);
    }
    let now = app.get(&path(&draft), Some(&token)).await.json();
    assert_eq!(
        (now["version"].clone(), now["content"].clone()),
        (json!(1), json!({"delivery_method": "professional_service", "name": "Kept"}))
    );
}

#[actix_web::test]
async fn a_patch_over_a_save_cap_is_422_even_with_a_stale_if_match() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({"name": "Kept"})).await;
    let highlights: Vec<String> = (0..21).map(|i| format!("Highlight {i}")).collect();
    let patch = json!({"content": {"highlights": highlights}});
    // No version of the draft could take 21 highlights: the If-Match does not matter.
    let p = app.patch(&path(&draft), &token, Some("W/\"stale\""), &patch).await.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/content/highlights", "{p}");
    assert_eq!(app.get(&path(&draft), Some(&token)).await.json()["version"], 1);
}

#[actix_web::test]
async fn a_draft_in_review_is_read_only_409() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.in_review_draft(&token).await;
    let current = app.get(&path(&draft), Some(&token)).await.json();
    app.patch(&path(&draft), &token, Some(&etag(&current)), &json!({"content": {"name": "X"}})).await.problem(409);
    app.delete(&path(&draft), &token, Some(&etag(&current))).await.problem(409);
}

#[actix_web::test]
async fn a_rejected_draft_can_be_changed() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.rejected_draft_with(&token, complete_content()).await;
    let current = app.get(&path(&draft), Some(&token)).await.json();
    assert_eq!(current["state"], "rejected");
    app.patch(&path(&draft), &token, Some(&etag(&current)), &json!({"content": {"name": "Fixed"}}))
        .await
        .assert_status(200);
}

// ---- delete ----

#[actix_web::test]
async fn delete_is_204_and_the_draft_is_gone() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    app.delete(&path(&draft), &token, Some("\"1\"")).await.assert_status(204);
    app.get(&path(&draft), Some(&token)).await.problem(404);
}

#[actix_web::test]
async fn delete_without_if_match_is_428_and_stale_is_412() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    app.delete(&path(&draft), &token, None).await.problem(428);
    app.delete(&path(&draft), &token, Some("\"7\"")).await.problem(412);
    app.get(&path(&draft), Some(&token)).await.assert_status(200);
}

// ---- list ----

#[actix_web::test]
async fn list_pages_newest_first_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let mut created = Vec::new();
    for i in 0..7 {
        created.push(app.create_draft(&token, json!({"name": format!("Draft {i}")})).await["id"].clone());
    }
    let mut seen = Vec::new();
    let mut url = "/v1/drafts?limit=3".to_owned();
    loop {
        let page = app.get(&url, Some(&token)).await.json();
        seen.extend(page["items"].as_array().unwrap().iter().map(|d| d["id"].clone()));
        match page["next_page_token"].as_str() {
            Some(t) => url = format!("/v1/drafts?limit=3&page_token={t}"),
            None => break,
        }
    }
    created.reverse();
    assert_eq!(seen, created);
}

#[actix_web::test]
async fn list_pages_stay_stable_when_drafts_are_added_between_pages() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    for i in 0..4 {
        app.create_draft(&token, json!({"name": format!("Draft {i}")})).await;
    }
    let first = app.get("/v1/drafts?limit=2", Some(&token)).await.json();
    app.create_draft(&token, json!({"name": "Newcomer"})).await;
    let t = first["next_page_token"].as_str().unwrap();
    let second = app.get(&format!("/v1/drafts?limit=2&page_token={t}"), Some(&token)).await.json();
    let names: Vec<_> = second["items"].as_array().unwrap().iter().map(|d| d["content"]["name"].clone()).collect();
    assert_eq!(names, ["Draft 1", "Draft 0"]);
}

#[actix_web::test]
async fn list_order_asc_is_oldest_first() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    for i in 0..3 {
        app.create_draft(&token, json!({"name": format!("Draft {i}")})).await;
    }
    let page = app.get("/v1/drafts?order=asc&limit=2", Some(&token)).await.json();
    assert_eq!(page["items"][0]["content"]["name"], "Draft 0");
    let t = page["next_page_token"].as_str().unwrap();
    let next = app.get(&format!("/v1/drafts?order=asc&limit=2&page_token={t}"), Some(&token)).await.json();
    assert_eq!(next["items"][0]["content"]["name"], "Draft 2");
    // A token is bound to its order.
    app.get(&format!("/v1/drafts?order=desc&page_token={t}"), Some(&token)).await.problem(400);
}

#[actix_web::test]
async fn list_filters_by_state_kind_and_name_case_insensitively() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    app.create_draft(&token, json!({"name": "Database MIGRATION Service"})).await;
    app.create_draft(&token, json!({"name": "Security audit"})).await;
    app.rejected_draft_with(&token, complete_content().with("/name", json!("50% off migration"))).await;
    let names = |v: Value| -> Vec<Value> {
        v["items"].as_array().unwrap().iter().map(|d| d["content"]["name"].clone()).collect()
    };
    assert_eq!(
        names(app.get("/v1/drafts?q=migration", Some(&token)).await.json()),
        ["50% off migration", "Database MIGRATION Service"]
    );
    assert_eq!(names(app.get("/v1/drafts?q=50%25", Some(&token)).await.json()), ["50% off migration"]);
    assert_eq!(names(app.get("/v1/drafts?q=_", Some(&token)).await.json()), Vec::<Value>::new());
    assert_eq!(names(app.get("/v1/drafts?state=rejected", Some(&token)).await.json()), ["50% off migration"]);
    assert_eq!(names(app.get("/v1/drafts?state=editing&q=audit", Some(&token)).await.json()), ["Security audit"]);
    assert_eq!(app.get("/v1/drafts?kind=modification", Some(&token)).await.json()["items"], json!([]));
    assert_eq!(app.get("/v1/drafts?kind=release", Some(&token)).await.json()["items"].as_array().unwrap().len(), 3);
}

// ---- validate ----

#[actix_web::test]
async fn validate_an_empty_draft_reports_every_required_field() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    let res = app.post(&format!("{}/validate", path(&draft)), Some(&token), &json!({})).await;
    res.assert_status(200);
    let report = res.json();
    assert_eq!(report["ready"], false);
    let pointers: Vec<_> =
        report["violations"].as_array().unwrap().iter().map(|v| v["pointer"].as_str().unwrap().to_owned()).collect();
    // A draft names its delivery method from creation: the professional service's rules apply.
    for p in [
        "/service_flow_template",
        "/name",
        "/version",
        "/description",
        "/after_sales",
        "/specifications",
        "/logo",
        "/request_templates",
    ] {
        assert!(pointers.iter().any(|x| x == p), "{p} missing from {pointers:?}");
    }
    assert!(
        report["violations"].as_array().unwrap().iter().all(|v| v["code"] == "required" && v["severity"] == "error")
    );
}

#[actix_web::test]
async fn validate_complete_content_reports_only_the_missing_files() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, complete_content()).await;
    let report = app.post(&format!("{}/validate", path(&draft)), Some(&token), &json!({})).await.json();
    let got: Vec<_> =
        report["violations"].as_array().unwrap().iter().map(|v| (v["pointer"].clone(), v["code"].clone())).collect();
    assert_eq!(got, [(json!("/logo"), json!("required")), (json!("/request_templates"), json!("required"))]);
}

#[actix_web::test]
async fn validate_reports_rule_breaks_with_codes_and_warnings() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let content = complete_content()
        .with("/name", json!("Huawei Cloud Migration V2.0"))
        .with("/version", json!("v0.1"))
        .with("/avg_delivery_days", json!(200))
        .with("/after_sales/hotline", Value::Null)
        .with("/after_sales/hours", json!("09:00-12:00"))
        .with("/currency", json!("XXX"));
    let draft = app.create_draft(&token, content).await;
    let report = app.post(&format!("{}/validate", path(&draft)), Some(&token), &json!({})).await.json();
    let got: Vec<_> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["pointer"].as_str().unwrap().to_owned(),
                v["code"].as_str().unwrap().to_owned(),
                v["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect = |p: &str, c: &str, s: &str| {
        assert!(got.contains(&(p.into(), c.into(), s.into())), "{p} {c} {s} not in {got:?}")
    };
    expect("/name", "name_imitates_operator", "error");
    expect("/name", "name_contains_version", "error");
    expect("/version", "invalid_format", "error");
    expect("/currency", "unknown_currency", "error");
    expect("/avg_delivery_days", "delivery_days_unusual", "warning");
    expect("/after_sales/hotline", "hotline_missing", "warning");
    expect("/after_sales/hours", "coverage_insufficient", "error");
    assert_eq!(report["ready"], false);
}

// ---- specifications and SKUs ----

#[actix_web::test]
async fn skus_get_stable_codes_on_save_whatever_the_client_sends() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let content = complete_content().with("/specifications/0/skus/0/code", json!("client-made"));
    let first = app.create_draft(&token, content).await;
    let second = app.create_draft(&token, complete_content()).await;
    let codes = |d: &Value| -> Vec<Value> {
        d["content"]["specifications"][0]["skus"].as_array().unwrap().iter().map(|s| s["code"].clone()).collect()
    };
    assert_eq!(codes(&first), codes(&second));
    assert_ne!(codes(&first)[0], json!("client-made"));
    assert_ne!(codes(&first)[0], codes(&first)[1]);
}

#[actix_web::test]
async fn validation_reports_sku_and_price_rules_at_their_pointers() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let content = complete_content().with_skus(json!([
        {"attributes": {"edition": "basic"}, "price": {"model": "linear", "unit_amounts": {"one_time": 50000, "month": 5}}},
        {"attributes": {"edition": "gold"}, "price": {"model": "tiered", "tiers": [{"up_to": 5, "unit_amounts": {"one_time": 1}}]}}
    ]));
    let draft = app.create_draft(&token, content).await;
    let report = app.post(&format!("{}/validate", path(&draft)), Some(&token), &json!({})).await.json();
    let got: Vec<(String, String)> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["pointer"].as_str().unwrap().to_owned(), v["code"].as_str().unwrap().to_owned()))
        .collect();
    for (p, c) in [
        ("/specifications/0/skus/1/attributes", "sku_unknown"),
        ("/specifications/0/skus", "sku_missing"),
        ("/specifications/0/skus/0/price/unit_amounts/month", "period_not_allowed"),
        ("/specifications/0/skus/1/price/tiers/0/up_to", "last_tier_not_open"),
    ] {
        assert!(got.contains(&(p.to_owned(), c.to_owned())), "{p} {c} not in {got:?}");
    }
    let missing = report["violations"].as_array().unwrap().iter().find(|v| v["code"] == "sku_missing").unwrap();
    assert!(missing["message"].as_str().unwrap().contains("edition=enterprise"));
}

#[actix_web::test]
async fn a_one_sku_delivery_method_refuses_multi_sku_specifications() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let content = complete_content_of("image").with("/specifications", complete_content()["specifications"].clone());
    let draft = app.create_draft(&token, content).await;
    let report = app.post(&format!("{}/validate", path(&draft)), Some(&token), &json!({})).await.json();
    assert!(
        report["violations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["code"] == "multi_sku_not_allowed" && v["pointer"] == "/specifications/0/attributes")
    );
}

#[actix_web::test]
async fn arrays_over_their_hard_caps_are_refused_at_save_naming_the_array() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let many = |n: usize| (0..n).map(|i| format!("item {i}")).collect::<Vec<_>>();
    let spec = |extra: Value| {
        let mut s = json!({"key": "k", "name": "K", "billing_mode": "one_time"});
        s.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        s
    };
    let tiers: Vec<Value> = (0..51).map(|i| json!({"up_to": i + 1, "unit_amounts": {"one_time": 1}})).collect();
    let cases = [
        (json!({"highlights": many(21)}), "/content/highlights"),
        (json!({"specifications": vec![json!({}); 51]}), "/content/specifications"),
        (
            json!({"specifications": [spec(json!({"attributes": vec![json!({}); 21]}))]}),
            "/content/specifications/0/attributes",
        ),
        (
            json!({"specifications": [spec(json!({"attributes": [{"code": "e", "values": many(51)}]}))]}),
            "/content/specifications/0/attributes/0/values",
        ),
        (json!({"specifications": [spec(json!({"skus": vec![json!({}); 401]}))]}), "/content/specifications/0/skus"),
        (
            json!({"specifications": [spec(json!({"price": {"model": "tiered", "tiers": tiers}}))]}),
            "/content/specifications/0/price/tiers",
        ),
    ];
    for (content, pointer) in cases {
        let body = json!({"content": professional_service(content)});
        let problem = app.post("/v1/drafts", Some(&token), &body).await.problem(422);
        assert_eq!(problem["errors"][0]["pointer"], pointer);
        assert_eq!(problem["errors"][0]["code"], "too_many", "{pointer}");
    }
    let draft = app.create_draft(&token, json!({"highlights": many(20)})).await;
    let res =
        app.patch(&path(&draft), &token, Some(&etag(&draft)), &json!({"content": {"highlights": many(21)}})).await;
    assert_eq!(res.problem(422)["errors"][0]["pointer"], "/content/highlights");
}

#[actix_web::test]
async fn a_report_lists_the_first_hundred_violations_and_counts_them_all() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({"specifications": vec![json!({}); 50]})).await;
    let report = app.post(&format!("{}/validate", path(&draft)), Some(&token), &json!({})).await.json();
    assert_eq!(report["violations"].as_array().unwrap().len(), 100);
    assert!(report["violation_count"].as_u64().unwrap() > 100, "{}", report["violation_count"]);
    let problem = app.post(&format!("{}/submit", path(&draft)), Some(&token), &json!({})).await.problem(422);
    assert_eq!(problem["errors"].as_array().unwrap().len(), 100);
    assert!(problem["detail"].as_str().unwrap().contains("the first 100"));
}
