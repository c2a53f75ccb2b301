use serde_json::{Value, json};

use crate::helpers::ContentBuilder;
use crate::helpers::{TestApp, complete_content};

fn path(template: &Value) -> String {
    format!("/v1/pricing-templates/{}", template["id"].as_str().unwrap())
}

fn seats() -> Value {
    json!({"name": "Seats", "currency": "USD", "model": "tiered", "mode": "graduated", "tiers": [
        {"up_to": 10, "unit_amounts": {"month": 900}, "flat_amounts": {"month": 500}},
        {"up_to": null, "unit_amounts": {"month": 700}}
    ]})
}

async fn quote(app: &TestApp, token: &str, template: &Value, body: Value) -> crate::helpers::Response {
    app.post(&format!("{}/quote", path(template)), Some(token), &body).await
}

#[actix_web::test]
async fn create_get_list_patch_and_delete_a_template() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let res = app.post("/v1/pricing-templates", Some(&token), &seats()).await;
    res.assert_status(201);
    let created = res.json();
    assert_eq!(res.header("location"), Some(path(&created).as_str()));
    assert_eq!(
        (created["name"].clone(), created["model"].clone(), created["mode"].clone()),
        (json!("Seats"), json!("tiered"), json!("graduated"))
    );
    assert_eq!(app.get(&path(&created), Some(&token)).await.json(), created);
    let flat = app
        .create(
            "/v1/pricing-templates",
            &token,
            json!({"name": "Setup", "currency": "USD", "model": "flat", "amounts": {"one_time": 10000}}),
        )
        .await;
    let page = app.get("/v1/pricing-templates?limit=1", Some(&token)).await.json();
    assert_eq!(page["items"][0]["id"], flat["id"]);
    assert!(page["next_page_token"].is_string());
    let patch = json!({"model": "linear", "mode": null, "tiers": null, "unit_amounts": {"month": 300}});
    let patched = app.patch(&path(&created), &token, Some("\"1\""), &patch).await;
    patched.assert_status(200);
    assert_eq!(patched.json()["unit_amounts"], json!({"month": 300}));
    assert_eq!(patched.header("etag"), Some("\"2\""));
    app.delete(&path(&created), &token, Some("\"2\"")).await.assert_status(204);
    app.get(&path(&created), Some(&token)).await.problem(404);
}

#[actix_web::test]
async fn invalid_templates_are_422_at_their_pointers() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let mut ragged = seats();
    ragged["tiers"][1]["up_to"] = json!(5);
    for (body, pointer, code) in [
        (
            json!({"name": "x", "currency": "XYZ", "model": "flat", "amounts": {"month": 1}}),
            "/currency",
            "unknown_currency",
        ),
        (json!({"name": "", "currency": "USD", "model": "flat", "amounts": {"month": 1}}), "/name", "too_short"),
        (json!({"name": "x", "currency": "USD", "model": "flat", "amounts": {}}), "", "price_missing"),
        (json!({"name": "x", "currency": "USD", "model": "flat", "amounts": {"month": -5}}), "", "invalid_value"),
        (json!({"name": "x", "currency": "USD", "model": "bespoke"}), "", "invalid_value"),
        (
            json!({"name": "x", "currency": "USD", "model": "flat", "amounts": {"month": 1}, "extra": true}),
            "/extra",
            "unknown_field",
        ),
        (ragged, "/tiers/1/up_to", "last_tier_not_open"),
    ] {
        let problem = app.post("/v1/pricing-templates", Some(&token), &body).await.problem(422);
        let first = &problem["errors"][0];
        assert_eq!(
            (first["pointer"].clone(), first["code"].clone()),
            (json!(pointer), json!(code)),
            "{body}: {problem}"
        );
    }
}

#[actix_web::test]
async fn a_graduated_quote_lists_each_band_and_fee_and_adds_up() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let template = app.create("/v1/pricing-templates", &token, seats()).await;
    let res = quote(&app, &token, &template, json!({"quantity": 12, "period": "month", "periods": 3})).await;
    res.assert_status(200);
    let q = res.json();
    assert_eq!(q["total"], json!({"amount": 3 * (10 * 900 + 500 + 2 * 700), "currency": "USD"}));
    let lines = q["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines.iter().map(|l| l["amount"]["amount"].as_i64().unwrap()).sum::<i64>(),
        q["total"]["amount"].as_i64().unwrap()
    );
    assert_eq!((lines[0]["quantity"].clone(), lines[0]["unit_amount"]["amount"].clone()), (json!(10), json!(900)));
}

#[actix_web::test]
async fn a_volume_and_a_flat_quote() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let mut volume = seats();
    volume["mode"] = json!("volume");
    let template = app.create("/v1/pricing-templates", &token, volume).await;
    let q = quote(&app, &token, &template, json!({"quantity": 12, "period": "month"})).await.json();
    assert_eq!(q["total"]["amount"], 12 * 700);
    let flat = app
        .create(
            "/v1/pricing-templates",
            &token,
            json!({"name": "Setup", "currency": "EUR", "model": "flat", "amounts": {"one_time": 10000}}),
        )
        .await;
    let q = quote(&app, &token, &flat, json!({"period": "one_time"})).await.json();
    assert_eq!(q["total"], json!({"amount": 10000, "currency": "EUR"}));
}

#[actix_web::test]
async fn bad_quotes_are_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let template = app.create("/v1/pricing-templates", &token, seats()).await;
    let huge = app.create("/v1/pricing-templates", &token, json!({"name": "Huge", "currency": "USD", "model": "linear", "unit_amounts": {"month": 76_000_000_000_000_000_i64}})).await;
    for (t, body, pointer, code) in [
        (&template, json!({"quantity": 0, "period": "month"}), "/quantity", "out_of_range"),
        (&template, json!({"period": "month"}), "/quantity", "required"),
        (&template, json!({"quantity": 1, "period": "year"}), "/period", "price_missing"),
        (&template, json!({"quantity": 1, "period": "month", "periods": 0}), "/periods", "out_of_range"),
        (&template, json!({"quantity": 1, "period": "month", "periods": 121}), "/periods", "out_of_range"),
        (&template, json!({"quantity": 1, "period": "weekly"}), "/period", "invalid_value"),
        (&template, json!({"quantity": -1, "period": "month"}), "/quantity", "invalid_value"),
        (
            &template,
            json!({"quantity": 18_446_744_073_709_551_615_u64, "period": "month"}),
            "/quantity",
            "amount_overflow",
        ),
        (&huge, json!({"quantity": 1000, "period": "month"}), "/quantity", "amount_overflow"),
    ] {
        let problem = quote(&app, &token, t, body.clone()).await.problem(422);
        let first = &problem["errors"][0];
        assert_eq!(
            (first["pointer"].clone(), first["code"].clone()),
            (json!(pointer), json!(code)),
            "{body}: {problem}"
        );
    }
}

#[actix_web::test]
async fn another_sellers_template_is_404_everywhere() {
    let app = TestApp::spawn().await;
    let (a, b) = (app.seller("seller-a"), app.seller("seller-b"));
    let template = app.create("/v1/pricing-templates", &a, seats()).await;
    app.get(&path(&template), Some(&b)).await.problem(404);
    app.patch(&path(&template), &b, Some("\"1\""), &json!({"name": "Mine"})).await.problem(404);
    app.delete(&path(&template), &b, Some("\"1\"")).await.problem(404);
    quote(&app, &b, &template, json!({"quantity": 1, "period": "month"})).await.problem(404);
    assert_eq!(app.get("/v1/pricing-templates", Some(&b)).await.json()["items"], json!([]));
}

#[actix_web::test]
async fn changes_need_a_current_if_match_and_routes_are_for_sellers() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let template = app.create("/v1/pricing-templates", &token, seats()).await;
    app.patch(&path(&template), &token, None, &json!({"name": "X"})).await.problem(428);
    app.patch(&path(&template), &token, Some("\"5\""), &json!({"name": "X"})).await.problem(412);
    app.delete(&path(&template), &token, Some("\"5\"")).await.problem(412);
    app.get("/v1/pricing-templates", None).await.problem(401);
    let reviewer = app.token("r", shelf_domain::Role::Reviewer);
    app.post("/v1/pricing-templates", Some(&reviewer), &seats()).await.problem(403);
}

#[actix_web::test]
async fn validation_checks_a_skus_template_exists_is_yours_and_fits() {
    let app = TestApp::spawn().await;
    let (a, b) = (app.seller("seller-a"), app.seller("seller-b"));
    let one_time = |currency: &str| json!({"name": "T", "currency": currency, "model": "linear", "unit_amounts": {"one_time": 70000}});
    let mine = app.create("/v1/pricing-templates", &a, one_time("USD")).await;
    let euros = app.create("/v1/pricing-templates", &a, one_time("EUR")).await;
    let monthly = app.create("/v1/pricing-templates", &a, seats()).await;
    let theirs = app.create("/v1/pricing-templates", &b, one_time("USD")).await;
    let report = |template: Value| {
        let content = complete_content()
            .with_sku(1, json!({"attributes": {"edition": "enterprise"}, "price_template_id": template["id"]}));
        let (app, a) = (&app, a.clone());
        async move {
            let draft = app.create_draft(&a, content).await;
            let url = format!("/v1/drafts/{}/validate", draft["id"].as_str().unwrap());
            let v = app.post(&url, Some(&a), &json!({})).await.json();
            v["violations"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|v| v["pointer"].as_str().unwrap().starts_with("/specifications"))
                .map(|v| (v["pointer"].as_str().unwrap().to_owned(), v["code"].as_str().unwrap().to_owned()))
                .collect::<Vec<_>>()
        }
    };
    let at = "/specifications/0/skus/1/price_template_id".to_owned();
    assert_eq!(report(mine).await, vec![]);
    assert_eq!(report(theirs).await, vec![(at.clone(), "not_found".to_owned())]);
    assert_eq!(report(euros).await, vec![(at.clone(), "currency_mismatch".to_owned())]);
    let got = report(monthly).await;
    assert!(got.contains(&(format!("{at}/tiers/0/unit_amounts/month"), "period_not_allowed".to_owned())), "{got:?}");
}
