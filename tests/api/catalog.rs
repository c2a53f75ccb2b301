use actix_web::http::Method;
use serde_json::{Value, json};

use crate::helpers::{Body, TestApp};

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

#[actix_web::test]
async fn a_listed_product_is_in_the_catalog_for_everyone() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let product = app.listed_product(&token).await;
    let list = app.get("/v1/catalog/products", None).await;
    list.assert_status(200);
    assert_eq!(list.json()["items"][0]["id"], product["id"]);
    let page_etag = list.header("etag").unwrap().to_owned();
    let unchanged =
        app.call(Method::GET, "/v1/catalog/products", None, &[("If-None-Match", &page_etag)], Body::None).await;
    unchanged.assert_status(304);
    assert_eq!(app.get("/v1/catalog/products?q=MIGRATION", None).await.json()["items"][0]["id"], product["id"]);
    assert_eq!(app.get("/v1/catalog/products?q=zero%20data", None).await.json()["items"].as_array().unwrap().len(), 1);
    assert_eq!(app.get("/v1/catalog/products?q=nothing-like-it", None).await.json()["items"], json!([]));
    assert_eq!(app.get("/v1/catalog/products?delivery_method=saas", None).await.json()["items"], json!([]));
    let one = app.get(&format!("/v1/catalog/products/{}", id(&product)), None).await;
    one.assert_status(200);
    assert_eq!(one.json()["content"]["name"], "Data Migration Supporting Service");
    let etag = one.header("etag").unwrap().to_owned();
    assert!(one.header("cache-control").is_some());
    let cached = app
        .call(
            Method::GET,
            &format!("/v1/catalog/products/{}", id(&product)),
            None,
            &[("If-None-Match", &etag)],
            Body::None,
        )
        .await;
    cached.assert_status(304);
    app.get("/v1/catalog/products/01a00000-0000-7000-8000-000000000000", None).await.problem(404);
}

#[actix_web::test]
async fn a_catalog_quote_goes_through_the_quote_engine_with_the_grid_checked() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let product = app.listed_product(&token).await;
    let code = product["content"]["specifications"][0]["skus"][0]["code"].as_str().unwrap().to_owned();
    let path = format!("/v1/catalog/products/{}/quote", id(&product));
    let q = app
        .post(&path, None, &json!({"specification": "migration", "sku": code, "quantity": 3, "period": "one_time"}))
        .await;
    q.assert_status(200);
    assert_eq!(q.json()["total"], json!({"amount": 150000, "currency": "USD"}));
    for (body, pointer, code_expected) in [
        (
            json!({"specification": "nope", "sku": code, "quantity": 1, "period": "one_time"}),
            "/specification",
            "not_found",
        ),
        (
            json!({"specification": "migration", "sku": "nope", "quantity": 1, "period": "one_time"}),
            "/sku",
            "not_found",
        ),
        (
            json!({"specification": "migration", "sku": code, "quantity": 101, "period": "one_time"}),
            "/quantity",
            "out_of_range",
        ),
        (
            json!({"specification": "migration", "sku": code, "quantity": 0, "period": "one_time"}),
            "/quantity",
            "out_of_range",
        ),
        (
            json!({"specification": "migration", "sku": code, "quantity": 1, "period": "month"}),
            "/period",
            "price_missing",
        ),
        (json!({"specification": "migration", "sku": code, "period": "one_time"}), "/quantity", "required"),
    ] {
        let problem = app.post(&path, None, &body).await.problem(422);
        assert_eq!(
            (problem["errors"][0]["pointer"].clone(), problem["errors"][0]["code"].clone()),
            (json!(pointer), json!(code_expected)),
            "{body}"
        );
    }
    app.post(
        &format!("/v1/products/{}/specifications/migration/skus/{code}/remove", id(&product)),
        Some(&token),
        &json!({}),
    )
    .await
    .assert_status(200);
    let problem = app
        .post(&path, None, &json!({"specification": "migration", "sku": code, "quantity": 1, "period": "one_time"}))
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["code"], "removed");
    let offered = app.get(&format!("/v1/catalog/products/{}", id(&product)), None).await.json();
    assert_eq!(offered["content"]["specifications"][0]["skus"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn hidden_products_are_reachable_but_not_listed_and_removed_ones_are_gone() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let mut draft_content = crate::helpers::complete_content();
    draft_content["public_sales"] = json!(false);
    let draft = app.create_draft(&token, draft_content).await;
    app.put_logo(&token, id(&draft), crate::helpers::png(120, 120)).await.assert_status(200);
    app.upload(&token, id(&draft), "form.docx", &crate::helpers::ooxml("word/document.xml")).await.assert_status(201);
    let application = app.approve_draft(&token, &draft).await;
    let product_id = application["product_id"].as_str().unwrap();
    assert_eq!(app.get("/v1/catalog/products", None).await.json()["items"], json!([]));
    let hidden = app.get(&format!("/v1/catalog/products/{product_id}"), None).await;
    hidden.assert_status(200);
    assert_eq!(hidden.json()["status"], "hidden");
    app.post(&format!("/v1/products/{product_id}/remove"), Some(&token), &json!({})).await.assert_status(200);
    app.get(&format!("/v1/catalog/products/{product_id}"), None).await.problem(410);
    let quote = json!({"specification": "migration", "sku": "x", "quantity": 1, "period": "one_time"});
    app.post(&format!("/v1/catalog/products/{product_id}/quote"), None, &quote).await.problem(410);
}
