//! Each delivery method from draft to catalog, through the API, with the rules of its own (domain.md
//! "Rules per delivery method"): SaaS, license, image, consulting and hardware (professional services
//! are the rest of the suite).

use serde_json::{Value, json};
use shelf_domain::Role;

use crate::assets::{approved_package, image};
use crate::helpers::{ContentBuilder, TestApp, complete_content_of};
use crate::saas::{Backend, registered, verify};

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

fn pointers_and_codes(report: &Value) -> Vec<(String, String)> {
    report["violations"]
        .as_array()
        .or(report["errors"].as_array())
        .unwrap()
        .iter()
        .map(|v| (v["pointer"].as_str().unwrap().to_owned(), v["code"].as_str().unwrap().to_owned()))
        .collect()
}

async fn validate(app: &TestApp, token: &str, draft: &Value) -> Value {
    let res = app.post(&format!("/v1/drafts/{}/validate", id(draft)), Some(token), &json!({})).await;
    res.assert_status(200);
    res.json()
}

/// The catalog's entry of a released product.
async fn listed(app: &TestApp, application: &Value) -> Value {
    let path = format!("/v1/catalog/products/{}", application["product_id"].as_str().unwrap());
    let res = app.get(&path, None).await;
    res.assert_status(200);
    res.json()
}

async fn grant(app: &TestApp, seller: &str, capabilities: Value) {
    let admin = app.token("ops", Role::Admin);
    let path = format!("/v1/admin/sellers/{seller}/capabilities");
    let etag = app.get(&path, Some(&admin)).await.header("etag").unwrap().to_owned();
    let res = app.put_json(&path, &admin, Some(&etag), &capabilities).await;
    res.assert_status(200);
}

/// An approved image asset of the seller's.
async fn approved_image(app: &TestApp, token: &str) -> Value {
    let body = json!({"kind": "image", "name": "Analytics image", "version": "1", "image": image()});
    let asset = app.create("/v1/assets", token, body).await;
    let reviewer = app.token("reviewer-1", Role::Reviewer);
    let res = app.post(&format!("/v1/assets/{}/approve", id(&asset)), Some(&reviewer), &json!({})).await;
    res.assert_status(200);
    asset
}

#[actix_web::test]
async fn a_license_with_an_approved_package_per_specification_is_released_and_listed() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.ready_draft_with(&token, complete_content_of("license")).await;
    assert_eq!(
        pointers_and_codes(&validate(&app, &token, &draft).await),
        [("/specifications/0/package_asset_id".to_owned(), "required".to_owned())]
    );
    let package = approved_package(&app, &token, "1.0").await;
    let content = complete_content_of("license").with("/specifications/0/package_asset_id", json!(id(&package)));
    let draft = app.ready_draft_with(&token, content).await;
    let entry = listed(&app, &app.approve_draft(&token, &draft).await).await;
    assert_eq!(entry["content"]["delivery_method"], "license");
    assert_eq!(entry["content"]["service_flow_template"], "license_delivery");
    assert_eq!(entry["billing_modes"], json!(["one_time"]));
}

#[actix_web::test]
async fn a_license_on_another_service_flow_or_a_package_on_another_method_is_an_error() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let package = approved_package(&app, &token, "1.0").await;
    let content = complete_content_of("license")
        .with("/service_flow_template", json!("standard"))
        .with("/specifications/0/package_asset_id", json!(id(&package)));
    let draft = app.ready_draft_with(&token, content).await;
    assert_eq!(
        pointers_and_codes(&validate(&app, &token, &draft).await),
        [("/service_flow_template".to_owned(), "invalid_value".to_owned())]
    );
    let content = complete_content_of("hardware").with("/specifications/0/package_asset_id", json!(id(&package)));
    let draft = app.ready_draft_with(&token, content).await;
    let report = validate(&app, &token, &draft).await;
    assert!(pointers_and_codes(&report).contains(&("/specifications/0/package_asset_id".into(), "not_allowed".into())));
}

#[actix_web::test]
async fn an_image_is_listed_with_what_its_image_runs_and_a_free_quote_is_zero() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let asset = approved_image(&app, &token).await;
    let free = json!([{"key": "free", "name": "Community", "billing_mode": "free", "attributes": [], "skus": [{"attributes": {}}]}]);
    let content =
        complete_content_of("image").with("/image", json!({"asset_id": id(&asset)})).with("/specifications", free);
    let draft = app.ready_draft_with(&token, content).await;
    assert_eq!(validate(&app, &token, &draft).await["ready"], true);
    let entry = listed(&app, &app.approve_draft(&token, &draft).await).await;
    assert_eq!(
        entry["image"],
        json!({"os_family": "linux", "os_name": "Ubuntu 24.04", "architecture": "x86_64", "min_vcpu": 2, "min_memory_gib": 4})
    );
    assert_eq!(entry["billing_modes"], json!(["free"]));
    let sku = entry["content"]["specifications"][0]["skus"][0]["code"].clone();
    for period in ["month", "year", "usage"] {
        let quote = json!({"specification": "free", "sku": sku, "period": period, "periods": 12});
        let res = app.post(&format!("/v1/catalog/products/{}/quote", id(&entry)), None, &quote).await;
        res.assert_status(200);
        assert_eq!(res.json()["total"]["amount"], 0, "{period}");
    }
}

#[actix_web::test]
async fn an_image_needs_an_approved_image_asset_of_its_seller_and_a_free_one_has_no_price() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let reviewer = app.token("reviewer-1", Role::Reviewer);
    let body = json!({"kind": "image", "name": "Rejected image", "version": "1", "image": image()});
    let rejected = app.create("/v1/assets", &token, body).await;
    let reason = json!({"reason": "The image does not boot in CN."});
    app.post(&format!("/v1/assets/{}/reject", id(&rejected)), Some(&reviewer), &reason).await.assert_status(200);
    let body = json!({"kind": "image", "name": "Pending image", "version": "1", "image": image()});
    let pending = app.create("/v1/assets", &token, body).await;
    let package = approved_package(&app, &token, "1.0").await;
    for asset in [&rejected, &pending, &package] {
        let content = complete_content_of("image").with("/image", json!({"asset_id": id(asset)}));
        let draft = app.ready_draft_with(&token, content).await;
        let report = validate(&app, &token, &draft).await;
        assert_eq!(pointers_and_codes(&report)[0].0, "/image/asset_id", "{report}");
        let p = app.post(&format!("/v1/drafts/{}/submit", id(&draft)), Some(&token), &json!({})).await.problem(422);
        assert_eq!(p["errors"][0]["pointer"], "/image/asset_id");
    }
    let asset = approved_image(&app, &token).await;
    let priced_free = complete_content_of("image")
        .with("/image", json!({"asset_id": id(&asset)}))
        .with("/specifications/0/billing_mode", json!("free"));
    let draft = app.ready_draft_with(&token, priced_free).await;
    assert_eq!(
        pointers_and_codes(&validate(&app, &token, &draft).await),
        [("/specifications/0/price".to_owned(), "not_allowed".to_owned())]
    );
}

#[actix_web::test]
async fn a_consulting_service_is_listed_with_its_landing_url_and_contact_and_nothing_to_price() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.ready_draft_with(&token, complete_content_of("consulting_service")).await;
    assert_eq!(validate(&app, &token, &draft).await["ready"], true);
    let entry = listed(&app, &app.approve_draft(&token, &draft).await).await;
    assert_eq!(entry["content"]["consulting"]["landing_url"], "https://consulting.example.com/migrations");
    assert_eq!(entry["content"]["consulting"]["contact_email"], "sales@example.com");
    assert_eq!(entry["billing_modes"], json!([]));
    assert!(entry["content"].get("specifications").is_none());
    let listing = app.get("/v1/catalog/products?delivery_method=consulting_service", None).await.json();
    assert_eq!(listing["items"][0]["id"], entry["id"]);
    let bad = complete_content_of("consulting_service")
        .with("/consulting", json!({"landing_url": "https://10.0.0.1/", "contact_email": "sales@example.com"}));
    let draft = app.ready_draft_with(&token, bad).await;
    assert_eq!(
        pointers_and_codes(&validate(&app, &token, &draft).await),
        [("/consulting/landing_url".to_owned(), "invalid_format".to_owned())]
    );
    let body = json!({"content": complete_content_of("consulting_service").with("/specifications", json!([]))});
    let p = app.post("/v1/drafts", Some(&token), &body).await.problem(422);
    assert_eq!(
        (p["errors"][0]["pointer"].as_str(), p["errors"][0]["code"].as_str()),
        (Some("/content/specifications"), Some("not_allowed"))
    );
}

/// A SaaS content whose production URL is the backend's.
fn saas_content(backend: &Backend, supervised: bool) -> Value {
    let content = complete_content_of("saas")
        .with("/saas", json!({"involves_service_supervision": supervised, "production_api_url": backend.url(),
                              "extension_parameters": [{"key": "tenant_domain", "label": "Your tenant's domain", "required": true}]}));
    if supervised { content.with("/service_flow_template", json!("standard")) } else { content }
}

#[actix_web::test]
async fn a_saas_needs_a_production_url_verified_in_the_last_90_days() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let backend = Backend::start();
    let draft = app.ready_draft_with(&token, saas_content(&backend, false)).await;
    assert_eq!(
        pointers_and_codes(&validate(&app, &token, &draft).await),
        [("/saas/production_api_url".to_owned(), "not_verified".to_owned())]
    );
    let endpoint = registered(&app, &token, &backend).await;
    assert_eq!(validate(&app, &token, &draft).await["ready"], false, "registered, not yet verified");
    assert_eq!(verify(&app, &token, &endpoint).await["passed"], true);
    assert_eq!(validate(&app, &token, &draft).await["ready"], true);
    let entry = listed(&app, &app.approve_draft(&token, &draft).await).await;
    assert_eq!(entry["content"]["saas"]["production_api_url"], backend.url());
    assert_eq!(entry["billing_modes"], json!(["one_time"]));
    // Another seller cannot release against this seller's verified endpoint.
    let other = app.seller("seller-b");
    let draft = app.ready_draft_with(&other, saas_content(&backend, false)).await;
    assert_eq!(validate(&app, &other, &draft).await["ready"], false);
}

/// A modification draft of the product with `patch` merged into its content; returns the report.
async fn modified(app: &TestApp, token: &str, product: &Value, patch: Value) -> Value {
    let draft = app.create(&format!("/v1/products/{}/drafts", id(product)), token, json!({})).await;
    let path = format!("/v1/drafts/{}", id(&draft));
    app.patch(&path, token, Some("\"1\""), &json!({"content": patch})).await.assert_status(200);
    validate(app, token, &draft).await
}

#[actix_web::test]
async fn a_modification_cannot_change_saas_supervision() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let backend = Backend::start();
    let endpoint = registered(&app, &token, &backend).await;
    verify(&app, &token, &endpoint).await;
    let product = app.listed_product_with(&token, saas_content(&backend, true)).await;
    let patch = json!({"saas": {"involves_service_supervision": false}, "service_flow_template": null});
    let report = modified(&app, &token, &product, patch).await;
    assert_eq!(
        pointers_and_codes(&report),
        [("/saas/involves_service_supervision".to_owned(), "immutable".to_owned())]
    );
}

#[actix_web::test]
async fn a_free_image_stays_free_and_a_priced_one_never_becomes_free() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let asset = approved_image(&app, &token).await;
    let free = json!({"key": "free", "name": "Community", "billing_mode": "free", "attributes": [], "skus": [{"attributes": {}}]});
    let content = complete_content_of("image").with("/image", json!({"asset_id": id(&asset)}));
    let mut specs = content["specifications"].clone();
    specs.as_array_mut().unwrap().push(free);
    let product = app.listed_product_with(&token, content.with("/specifications", specs.clone())).await;
    let mut swapped = product["content"]["specifications"].clone();
    swapped[0]["billing_mode"] = json!("free");
    swapped[0].as_object_mut().unwrap().remove("price");
    swapped[0].as_object_mut().unwrap().remove("pricing");
    swapped[1]["billing_mode"] = json!("yearly_monthly");
    swapped[1]["pricing"] = json!("simple");
    swapped[1]["price"] = json!({"model": "flat", "amounts": {"month": 100}});
    let report = modified(&app, &token, &product, json!({"specifications": swapped})).await;
    let found = pointers_and_codes(&report);
    for pointer in ["/specifications/0/billing_mode", "/specifications/1/billing_mode"] {
        assert!(found.contains(&(pointer.to_owned(), "immutable".to_owned())), "{pointer} not in {found:?}");
    }
}

#[actix_web::test]
async fn pay_per_use_saas_is_joint_operations_only_and_needs_the_certification() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let backend = Backend::start();
    let endpoint = registered(&app, &token, &backend).await;
    verify(&app, &token, &endpoint).await;
    let usage = json!([{"key": "api", "name": "API calls", "billing_mode": "pay_per_use", "pricing": "custom",
                         "usage_unit": "call", "attributes": [],
                         "skus": [{"attributes": {}, "price": {"model": "linear", "unit_amounts": {"usage": 2}}}]}]);
    let content = saas_content(&backend, false).with("/specifications", usage);
    let draft = app.ready_draft_with(&token, content.clone()).await;
    assert_eq!(
        pointers_and_codes(&validate(&app, &token, &draft).await),
        [("/saas/sales_type".to_owned(), "not_allowed".to_owned())]
    );
    let joint = content.with(
        "/saas",
        json!({"involves_service_supervision": false, "production_api_url": backend.url(), "sales_type": "joint_operations"}),
    );
    let draft = app.ready_draft_with(&token, joint).await;
    let report = validate(&app, &token, &draft).await;
    assert_eq!(pointers_and_codes(&report), [("/saas/sales_type".to_owned(), "not_allowed".to_owned())]);
    assert!(report["violations"][0]["message"].as_str().unwrap().contains("joint_operations"), "{report}");
    grant(&app, "seller-a", json!({"hardware": false, "joint_operations": true})).await;
    let entry = listed(&app, &app.approve_draft(&token, &draft).await).await;
    assert_eq!(entry["billing_modes"], json!(["pay_per_use"]));
    let sku = entry["content"]["specifications"][0]["skus"][0]["code"].clone();
    let quote = json!({"specification": "api", "sku": sku, "period": "usage", "quantity": 1000});
    let res = app.post(&format!("/v1/catalog/products/{}/quote", id(&entry)), None, &quote).await;
    res.assert_status(200);
    assert_eq!(res.json()["total"]["amount"], 2000);
}

/// A listed hardware product of a whitelisted seller: one rack specification, two SKUs.
async fn listed_hardware(app: &TestApp, token: &str) -> Value {
    grant(app, "seller-a", json!({"hardware": true, "joint_operations": false})).await;
    app.listed_product_with(token, complete_content_of("hardware")).await
}

#[actix_web::test]
async fn hardware_stock_is_set_without_review_and_a_sold_out_sku_cannot_be_quoted() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let product = listed_hardware(&app, &token).await;
    let path = format!("/v1/products/{}/inventory", id(&product));
    let codes: Vec<String> = product["content"]["specifications"][0]["skus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap().to_owned())
        .collect();
    let catalog = format!("/v1/catalog/products/{}", id(&product));
    let in_stock = |entry: &Value| -> Vec<bool> {
        entry["stock"].as_array().unwrap().iter().map(|s| s["in_stock"].as_bool().unwrap()).collect()
    };
    assert_eq!(in_stock(&app.get(&catalog, None).await.json()), [false, false], "no stock set yet");
    let current = app.get(&path, Some(&token)).await;
    current.assert_status(200);
    assert_eq!(current.json(), json!({"stock": {}}));
    let etag = current.header("etag").unwrap().to_owned();
    let stock = json!({"stock": {codes[0].clone(): 12, codes[1].clone(): 3}});
    let set = app.put_json(&path, &token, Some(&etag), &stock).await;
    set.assert_status(200);
    assert_eq!(set.json(), stock);
    let etag = set.header("etag").unwrap().to_owned();
    assert_eq!(in_stock(&app.get(&catalog, None).await.json()), [true, true]);
    let quote = |sku: &str| json!({"specification": "migration", "sku": sku, "period": "one_time", "quantity": 2});
    let quote_path = format!("{catalog}/quote");
    app.post(&quote_path, None, &quote(&codes[1])).await.assert_status(200);
    // Sold out: the catalog says so, quotes are 409 and the seller gets a message.
    let sold_out = json!({"stock": {codes[0].clone(): 12, codes[1].clone(): 0}});
    app.put_json(&path, &token, Some(&etag), &sold_out).await.assert_status(200);
    assert_eq!(in_stock(&app.get(&catalog, None).await.json()), [true, false]);
    app.post(&quote_path, None, &quote(&codes[1])).await.problem(409);
    app.post(&quote_path, None, &quote(&codes[0])).await.assert_status(200);
    let messages = app.get("/v1/messages", Some(&token)).await.json();
    assert!(
        messages["items"].as_array().unwrap().iter().any(|m| m["subject"].as_str().unwrap().starts_with("Sold out")
            && m["body"].as_str().unwrap().contains(&codes[1])),
        "{messages}"
    );
    let events = app.get("/v1/events", Some(&token)).await.json();
    assert!(events["items"].as_array().unwrap().iter().any(|e| e["type"] == "product.inventory_changed"), "{events}");
}

#[actix_web::test]
async fn an_inventory_is_refused_for_unknown_skus_stale_versions_and_other_methods() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let product = listed_hardware(&app, &token).await;
    let path = format!("/v1/products/{}/inventory", id(&product));
    let etag = app.get(&path, Some(&token)).await.header("etag").unwrap().to_owned();
    let p = app.put_json(&path, &token, Some(&etag), &json!({"stock": {"nope": 1}})).await.problem(422);
    assert_eq!(
        (p["errors"][0]["pointer"].as_str(), p["errors"][0]["code"].as_str()),
        (Some("/stock/nope"), Some("not_found"))
    );
    let code = product["content"]["specifications"][0]["skus"][0]["code"].as_str().unwrap().to_owned();
    let p = app.put_json(&path, &token, Some(&etag), &json!({"stock": {code.clone(): 1_000_001}})).await.problem(422);
    assert_eq!(p["errors"][0]["code"], "out_of_range");
    app.put_json(&path, &token, Some(&etag), &json!({"stock": {code.clone(): -1}})).await.problem(422);
    let many: serde_json::Map<String, Value> = (0..4001).map(|i| (format!("sku-{i}"), json!(1))).collect();
    let p = app.put_json(&path, &token, Some(&etag), &json!({"stock": many})).await.problem(422);
    assert_eq!(
        (p["errors"][0]["pointer"].as_str(), p["errors"][0]["code"].as_str()),
        (Some("/stock"), Some("too_many"))
    );
    app.put_json(&path, &token, Some("\"99\""), &json!({"stock": {code.clone(): 1}})).await.problem(412);
    app.put_json(&path, &token, None, &json!({"stock": {code.clone(): 1}})).await.problem(428);
    let other = app.seller("seller-b");
    app.put_json(&path, &other, Some(&etag), &json!({"stock": {}})).await.problem(404);
    app.get(&path, Some(&other)).await.problem(404);
    let service = app.listed_product(&token).await;
    let path = format!("/v1/products/{}/inventory", id(&service));
    let etag = app.get(&path, Some(&token)).await.header("etag").unwrap().to_owned();
    app.put_json(&path, &token, Some(&etag), &json!({"stock": {}})).await.problem(409);
}

#[actix_web::test]
async fn a_hardware_specification_needs_a_quantity_attribute_and_one_time_billing() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    grant(&app, "seller-a", json!({"hardware": true, "joint_operations": false})).await;
    let yearly = json!([{"key": "std", "name": "Standard", "billing_mode": "yearly_monthly", "pricing": "simple",
                          "price": {"model": "flat", "amounts": {"month": 1500}}, "attributes": [], "skus": [{"attributes": {}}]}]);
    let content = complete_content_of("hardware").with("/specifications", yearly).with("/hardware", json!({}));
    let draft = app.ready_draft_with(&token, content).await;
    let found = pointers_and_codes(&validate(&app, &token, &draft).await);
    for expected in [
        ("/specifications/0/billing_mode", "billing_mode_not_allowed"),
        ("/hardware/delivery_days", "required"),
        ("/specifications/0/attributes", "quantity_attribute_required"),
    ] {
        assert!(found.contains(&(expected.0.to_owned(), expected.1.to_owned())), "{expected:?} not in {found:?}");
    }
}

#[actix_web::test]
async fn consulting_and_licenses_can_be_withdrawn_while_pending_and_saas_cannot() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let withdraw = |application: &Value| format!("/v1/applications/{}/withdraw", id(application));
    let draft = app.ready_draft_with(&token, complete_content_of("consulting_service")).await;
    let application = app.submit_draft(&token, &draft).await;
    app.post(&withdraw(&application), Some(&token), &json!({})).await.assert_status(200);
    let package = approved_package(&app, &token, "1.0").await;
    let license = complete_content_of("license").with("/specifications/0/package_asset_id", json!(id(&package)));
    let application = app.submit_draft(&token, &app.ready_draft_with(&token, license).await).await;
    app.post(&withdraw(&application), Some(&token), &json!({})).await.assert_status(200);
    let backend = Backend::start();
    let endpoint = registered(&app, &token, &backend).await;
    verify(&app, &token, &endpoint).await;
    let saas = app.submit_draft(&token, &app.ready_draft_with(&token, saas_content(&backend, false)).await).await;
    let p = app.post(&withdraw(&saas), Some(&token), &json!({})).await.problem(409);
    assert!(p["detail"].as_str().unwrap().contains("can be withdrawn"), "{p}");
}
