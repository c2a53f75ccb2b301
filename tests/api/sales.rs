//! Sales configuration through the API: effective at once without a review, visible in the catalog,
//! its quotes and its upgrade quotes (domain.md "Sales configuration").

use serde_json::{Value, json};

use crate::helpers::{ContentBuilder, TestApp, complete_content_of};
use crate::saas::{Backend, registered, verify};

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

/// A listed yearly/monthly SaaS: `seats` with a `standard` (100 a seat a month) and a `premium` (300)
/// level, 1..100 seats; and a one-time `setup`.
async fn listed_saas(app: &TestApp, token: &str, backend: &Backend) -> Value {
    let endpoint = registered(app, token, backend).await;
    verify(app, token, &endpoint).await;
    let specifications = json!([{
        "key": "seats", "name": "Seats", "billing_mode": "yearly_monthly", "pricing": "custom",
        "attributes": [
            {"code": "level", "name": "Level", "type": "enumeration", "values": ["standard", "premium"]},
            {"code": "seats", "name": "Seats", "type": "quantity", "unit": "seat", "min": 1, "max": 100, "step": 1}
        ],
        "skus": [
            {"attributes": {"level": "standard"}, "price": {"model": "linear", "unit_amounts": {"month": 100, "year": 1000}}},
            {"attributes": {"level": "premium"}, "price": {"model": "linear", "unit_amounts": {"month": 300, "year": 3000}}}
        ]
    }, {
        "key": "setup", "name": "Setup", "billing_mode": "one_time", "pricing": "simple",
        "price": {"model": "flat", "amounts": {"one_time": 5000}}, "attributes": [], "skus": [{"attributes": {}}]
    }]);
    let content = complete_content_of("saas")
        .with("/saas", json!({"involves_service_supervision": false, "production_api_url": backend.url()}))
        .with("/specifications", specifications);
    app.listed_product_with(token, content).await
}

fn sku(product: &Value, level: &str) -> String {
    let skus = product["content"]["specifications"][0]["skus"].as_array().unwrap();
    let found = skus.iter().find(|s| s["attributes"]["level"] == level).unwrap();
    found["code"].as_str().unwrap().to_owned()
}

async fn put_sales(app: &TestApp, token: &str, product: &Value, settings: Value) -> crate::helpers::Response {
    let path = format!("/v1/products/{}/sales", id(product));
    let etag = app.get(&path, Some(token)).await.header("etag").unwrap().to_owned();
    app.put_json(&path, token, Some(&etag), &settings).await
}

#[actix_web::test]
async fn a_saas_with_a_trial_regions_a_limit_and_upgrade_rules_is_configured_without_review() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let backend = Backend::start();
    let product = listed_saas(&app, &token, &backend).await;
    let (standard, premium) = (sku(&product, "standard"), sku(&product, "premium"));
    let settings = json!({
        "regions": ["CN", "SG"],
        "specifications": {"seats": {"purchase_limit": "max_quantity", "max_quantity": 50, "trial_days": 14, "regions": ["SG"]}},
        "upgrade_rules": [{"specification": "seats", "from_sku": standard, "to_sku": premium}]
    });
    let res = put_sales(&app, &token, &product, settings).await;
    res.assert_status(200);
    assert_eq!(res.json()["upgrade_rules"][0]["status"], "valid");
    // No application: it is live at once.
    assert_eq!(app.get("/v1/applications", Some(&token)).await.json()["items"].as_array().unwrap().len(), 1);
    let catalog = format!("/v1/catalog/products/{}", id(&product));
    let entry = app.get(&catalog, None).await.json();
    assert_eq!(entry["regions"], json!(["CN", "SG"]));
    assert_eq!(entry["specification_sales"]["seats"]["trial_days"], 14);
    assert_eq!(entry["specification_sales"]["seats"]["max_quantity"], 50);
    assert_eq!(entry["upgrade_rules"][0]["to_sku"], premium);
    // Quotes: over the limit 422 at /quantity; out of region 409; in region 200.
    let quote = |q: u64, region: &str| json!({"specification": "seats", "sku": standard, "quantity": q, "period": "month", "region": region});
    let p = app.post(&format!("{catalog}/quote"), None, &quote(51, "SG")).await.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/quantity");
    app.post(&format!("{catalog}/quote"), None, &quote(50, "CN")).await.problem(409);
    app.post(&format!("{catalog}/quote"), None, &quote(50, "SG")).await.assert_status(200);
    let p = app.post(&format!("{catalog}/quote"), None, &quote(5, "XX")).await.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/region");
    // An upgrade quote: 5 seats, standard → premium, 15 of 30 days left at 90%: (1500 − 500) × ½ × 0.9.
    let upgrade = json!({"specification": "seats", "sku": standard, "quantity": 5, "to_sku": premium,
                         "period": "month", "remaining_days": 15, "discount_percent": 90});
    let res = app.post(&format!("{catalog}/upgrade-quote"), None, &upgrade).await;
    res.assert_status(200);
    let fee = res.json();
    assert_eq!((fee["fee"]["amount"].as_i64(), fee["term_days"].as_i64()), (Some(450), Some(30)), "{fee}");
    assert_eq!(fee["lines"].as_array().unwrap().len(), 2);
    let more = json!({"specification": "seats", "sku": standard, "quantity": 5, "added_quantity": 3,
                      "period": "year", "remaining_days": 73});
    assert_eq!(app.post(&format!("{catalog}/upgrade-quote"), None, &more).await.json()["fee"]["amount"], 600);
    let down = json!({"specification": "seats", "sku": premium, "quantity": 5, "to_sku": standard,
                      "period": "month", "remaining_days": 15});
    let p = app.post(&format!("{catalog}/upgrade-quote"), None, &down).await.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/to_sku");
    let both = json!({"specification": "seats", "sku": standard, "period": "month", "remaining_days": 1});
    app.post(&format!("{catalog}/upgrade-quote"), None, &both).await.problem(422);
    let events = app.get("/v1/events", Some(&token)).await.json();
    assert!(events["items"].as_array().unwrap().iter().any(|e| e["type"] == "product.sales_changed"), "{events}");
}

#[actix_web::test]
async fn broken_sales_rules_are_422_at_their_pointers_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let backend = Backend::start();
    let product = listed_saas(&app, &token, &backend).await;
    let (standard, premium) = (sku(&product, "standard"), sku(&product, "premium"));
    let cases = [
        (json!({"regions": ["XX"]}), "/regions/0", "invalid_format"),
        (
            json!({"regions": ["CN"], "specifications": {"seats": {"regions": ["DE"]}}}),
            "/specifications/seats/regions/0",
            "not_allowed",
        ),
        (json!({"specifications": {"setup": {"trial_days": 7}}}), "/specifications/setup/trial_days", "not_allowed"),
        (json!({"specifications": {"seats": {"trial_days": 40}}}), "/specifications/seats/trial_days", "out_of_range"),
        (
            json!({"specifications": {"seats": {"purchase_limit": "max_quantity", "max_quantity": 101}}}),
            "/specifications/seats/max_quantity",
            "out_of_range",
        ),
        (
            json!({"specifications": {"setup": {"purchase_limit": "max_quantity", "max_quantity": 1}}}),
            "/specifications/setup/max_quantity",
            "quantity_attribute_required",
        ),
        (json!({"specifications": {"nope": {"hidden": true}}}), "/specifications/nope", "not_found"),
        (
            json!({"upgrade_rules": [{"specification": "seats", "from_sku": premium, "to_sku": standard}]}),
            "/upgrade_rules/0",
            "pricing_conflict",
        ),
        (
            json!({"upgrade_rules": [{"specification": "seats", "from_sku": standard, "to_sku": "nope"}]}),
            "/upgrade_rules/0/to_sku",
            "not_found",
        ),
    ];
    for (settings, pointer, code) in cases {
        let p = put_sales(&app, &token, &product, settings).await.problem(422);
        assert_eq!(
            (p["errors"][0]["pointer"].as_str(), p["errors"][0]["code"].as_str()),
            (Some(pointer), Some(code)),
            "{p}"
        );
    }
    let many: serde_json::Map<String, Value> = (0..21).map(|i| (format!("s{i}"), json!({}))).collect();
    let p = put_sales(&app, &token, &product, json!({"specifications": many})).await.problem(422);
    assert_eq!(
        (p["errors"][0]["pointer"].as_str(), p["errors"][0]["code"].as_str()),
        (Some("/specifications"), Some("too_many"))
    );
    let path = format!("/v1/products/{}/sales", id(&product));
    let current = app.get(&path, Some(&token)).await;
    assert_eq!(current.json(), json!({}));
    app.put_json(&path, &token, Some("\"99\""), &json!({})).await.problem(412);
    app.put_json(&path, &token, None, &json!({})).await.problem(428);
    let other = app.seller("seller-b");
    app.get(&path, Some(&other)).await.problem(404);
    app.put_json(&path, &other, Some("*"), &json!({})).await.problem(404);
}

#[actix_web::test]
async fn a_hidden_specification_is_off_the_page_but_quotable_and_all_hidden_hides_the_product() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let backend = Backend::start();
    let product = listed_saas(&app, &token, &backend).await;
    let catalog = format!("/v1/catalog/products/{}", id(&product));
    put_sales(&app, &token, &product, json!({"specifications": {"setup": {"hidden": true}}})).await.assert_status(200);
    let entry = app.get(&catalog, None).await.json();
    let keys: Vec<&str> =
        entry["content"]["specifications"].as_array().unwrap().iter().map(|s| s["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["seats"]);
    assert_eq!(entry["status"], "on_sale");
    let setup = product["content"]["specifications"][1]["skus"][0]["code"].clone();
    let quote = json!({"specification": "setup", "sku": setup, "period": "one_time"});
    app.post(&format!("{catalog}/quote"), None, &quote).await.assert_status(200);
    let all = json!({"specifications": {"setup": {"hidden": true}, "seats": {"hidden": true}}});
    put_sales(&app, &token, &product, all).await.assert_status(200);
    assert_eq!(app.get(&catalog, None).await.json()["status"], "hidden");
    let listing = app.get("/v1/catalog/products", None).await.json();
    assert!(listing["items"].as_array().unwrap().iter().all(|p| p["id"] != product["id"]));
    put_sales(&app, &token, &product, json!({})).await.assert_status(200);
    assert_eq!(app.get(&catalog, None).await.json()["status"], "on_sale");
}

#[actix_web::test]
async fn an_upgrade_rule_becomes_invalid_when_its_sku_is_removed_and_the_seller_hears() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let backend = Backend::start();
    let product = listed_saas(&app, &token, &backend).await;
    let (standard, premium) = (sku(&product, "standard"), sku(&product, "premium"));
    let rule = json!({"upgrade_rules": [{"specification": "seats", "from_sku": standard, "to_sku": premium}]});
    put_sales(&app, &token, &product, rule).await.assert_status(200);
    let remove = format!("/v1/products/{}/specifications/seats/skus/{premium}/remove", id(&product));
    app.post(&remove, Some(&token), &json!({})).await.assert_status(200);
    let sales = app.get(&format!("/v1/products/{}/sales", id(&product)), Some(&token)).await.json();
    let rule = &sales["upgrade_rules"][0];
    assert_eq!(rule["status"], "invalid");
    assert!(rule["invalid_reason"].as_str().unwrap().contains("removed"), "{rule}");
    assert!(rule["invalid_since"].is_string());
    let catalog = format!("/v1/catalog/products/{}", id(&product));
    assert!(app.get(&catalog, None).await.json().get("upgrade_rules").is_none());
    let upgrade = json!({"specification": "seats", "sku": standard, "quantity": 5, "to_sku": premium,
                         "period": "month", "remaining_days": 15});
    app.post(&format!("{catalog}/upgrade-quote"), None, &upgrade).await.problem(409);
    let messages = app.get("/v1/messages", Some(&token)).await.json();
    assert!(
        messages["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["subject"].as_str().unwrap().starts_with("Upgrade rule")),
        "{messages}"
    );
}

/// A listed professional service named `name`, sold only in `regions` (everywhere when empty).
async fn listed_in(app: &TestApp, token: &str, name: &str, regions: &[&str]) -> Value {
    let content = crate::helpers::complete_content().named(name, "Sold where its seller says.");
    let product = app.listed_product_with(token, content).await;
    if !regions.is_empty() {
        put_sales(app, token, &product, json!({"regions": regions})).await.assert_status(200);
    }
    product
}

/// Every product id of the catalog list at `query`, page after page of `limit`.
async fn all_pages(app: &TestApp, query: &str) -> (Vec<String>, usize) {
    let (mut ids, mut pages, mut token) = (Vec::new(), 0, None::<String>);
    loop {
        let path = match &token {
            Some(t) => format!("/v1/catalog/products?{query}&page_token={t}"),
            None => format!("/v1/catalog/products?{query}"),
        };
        let page = app.get(&path, None).await.json();
        pages += 1;
        ids.extend(page["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()));
        match page["next_page_token"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => return (ids, pages),
        }
    }
}

#[actix_web::test]
async fn the_catalog_filters_lists_search_and_by_id_by_region() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let everywhere = listed_in(&app, &token, "Kafka Everywhere Service", &[]).await;
    let singapore = listed_in(&app, &token, "Kafka Singapore Service", &["SG"]).await;
    let china = listed_in(&app, &token, "Kafka China Service", &["CN"]).await;
    let ids = |products: &[&Value]| products.iter().map(|p| id(p).to_owned()).collect::<Vec<_>>();
    assert_eq!(all_pages(&app, "region=SG&limit=1").await.0, ids(&[&singapore, &everywhere]));
    assert_eq!(all_pages(&app, "region=CN").await.0, ids(&[&china, &everywhere]));
    assert_eq!(all_pages(&app, "region=SG&q=kafka&order=asc").await.0, ids(&[&everywhere, &singapore]));
    assert_eq!(all_pages(&app, "limit=2").await.0, ids(&[&china, &singapore, &everywhere]));
    let by_id = |p: &Value, region: &str| format!("/v1/catalog/products/{}?region={region}", id(p));
    let answer = app.get(&by_id(&china, "SG"), None).await;
    assert_eq!(answer.json()["available_in_region"], false);
    assert_eq!(answer.json()["id"], china["id"]);
    let etag = answer.header("etag").unwrap().to_owned();
    assert_eq!(app.get(&by_id(&china, "CN"), None).await.json()["available_in_region"], true);
    assert_ne!(app.get(&by_id(&china, "CN"), None).await.header("etag").unwrap(), etag, "an ETag per region");
    assert!(
        app.get(&format!("/v1/catalog/products/{}", id(&china)), None)
            .await
            .json()
            .get("available_in_region")
            .is_none()
    );
    let p = app.get("/v1/catalog/products?region=XX", None).await.problem(400);
    assert!(p["detail"].as_str().unwrap().contains("region"), "{p}");
    app.get(&by_id(&china, "china"), None).await.problem(400);
}

#[actix_web::test]
async fn a_region_few_products_are_sold_in_gives_short_pages_that_stay_exact() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let everywhere = listed_in(&app, &token, "Oldest Everywhere Service", &[]).await;
    for i in 0..12 {
        listed_in(&app, &token, &format!("China Only Service {i}"), &["CN"]).await;
    }
    // A page reads at most ten windows of its size: with pages of one, the first answer is empty and
    // says where to go on; the walk ends with exactly the one product sold in SG.
    let first = app.get("/v1/catalog/products?region=SG&limit=1", None).await.json();
    assert_eq!(first["items"], json!([]));
    assert!(first["next_page_token"].is_string());
    let (ids, pages) = all_pages(&app, "region=SG&limit=1").await;
    assert_eq!(ids, [id(&everywhere).to_owned()]);
    assert!(pages >= 2, "{pages}");
}

#[actix_web::test]
async fn a_configured_default_region_applies_when_a_request_names_none() {
    let app = TestApp::spawn_with(|c| c.catalog_default_region = Some("SG".into())).await;
    let token = app.seller("seller-a");
    let everywhere = listed_in(&app, &token, "Everywhere Service", &[]).await;
    let china = listed_in(&app, &token, "China Service", &["CN"]).await;
    assert_eq!(all_pages(&app, "limit=20").await.0, [id(&everywhere).to_owned()]);
    assert_eq!(all_pages(&app, "region=CN").await.0, [id(&china).to_owned(), id(&everywhere).to_owned()]);
    let entry = app.get(&format!("/v1/catalog/products/{}", id(&china)), None).await.json();
    assert_eq!(entry["available_in_region"], false);
}
