use serde_json::{Value, json};

use crate::helpers::TestApp;

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

fn sku_code(product: &Value, i: usize) -> String {
    product["content"]["specifications"][0]["skus"][i]["code"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_seller_lists_and_reads_its_products_and_nobody_elses() {
    let app = TestApp::spawn().await;
    let (a, b) = (app.seller("seller-a"), app.seller("seller-b"));
    let product = app.listed_product(&a).await;
    assert_eq!(product["status"], "on_sale");
    let list = app.get("/v1/products?status=on_sale", Some(&a)).await.json();
    assert_eq!(list["items"][0]["id"], product["id"]);
    assert_eq!(app.get("/v1/products?status=hidden", Some(&a)).await.json()["items"], json!([]));
    app.get(&format!("/v1/products/{}", id(&product)), Some(&b)).await.problem(404);
    app.post(&format!("/v1/products/{}/remove", id(&product)), Some(&b), &json!({})).await.problem(404);
    app.post(&format!("/v1/products/{}/drafts", id(&product)), Some(&b), &json!({})).await.problem(404);
    assert_eq!(app.get("/v1/products", Some(&b)).await.json()["items"], json!([]));
    app.get("/v1/products", None).await.problem(401);
}

#[actix_web::test]
async fn a_modification_that_hides_the_product_takes_effect_when_approved() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let product = app.listed_product(&token).await;
    let res = app.post(&format!("/v1/products/{}/drafts", id(&product)), Some(&token), &json!({})).await;
    res.assert_status(201);
    let draft = res.json();
    assert_eq!((draft["kind"].clone(), draft["product_id"].clone()), (json!("modification"), product["id"].clone()));
    assert_eq!(draft["content"], product["content"]);
    app.post(&format!("/v1/products/{}/drafts", id(&product)), Some(&token), &json!({})).await.problem(409);
    let path = format!("/v1/drafts/{}", id(&draft));
    app.patch(&path, &token, Some("\"1\""), &json!({"content": {"public_sales": false}})).await.assert_status(200);
    // Still listed until approved.
    assert_eq!(app.get(&format!("/v1/products/{}", id(&product)), Some(&token)).await.json()["status"], "on_sale");
    let application = app.approve_draft(&token, &draft).await;
    assert_eq!(application["kind"], "modification");
    let after = app.get(&format!("/v1/products/{}", id(&product)), Some(&token)).await.json();
    assert_eq!(after["status"], "hidden");
    assert_eq!(after["content"]["public_sales"], false);
}

#[actix_web::test]
async fn a_modification_may_not_drop_a_released_sku_or_change_the_billing_mode() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let product = app.listed_product(&token).await;
    let draft = app.post(&format!("/v1/products/{}/drafts", id(&product)), Some(&token), &json!({})).await.json();
    let mut spec = product["content"]["specifications"][0].clone();
    spec["skus"].as_array_mut().unwrap().pop();
    spec["billing_mode"] = json!("yearly_monthly");
    let path = format!("/v1/drafts/{}", id(&draft));
    app.patch(&path, &token, Some("\"1\""), &json!({"content": {"specifications": [spec]}})).await.assert_status(200);
    let report = app.post(&format!("{path}/validate"), Some(&token), &json!({})).await.json();
    let codes: Vec<_> =
        report["violations"].as_array().unwrap().iter().map(|v| v["code"].as_str().unwrap().to_owned()).collect();
    assert!(
        codes.contains(&"released_item_dropped".to_owned()) && codes.contains(&"released_item_changed".to_owned()),
        "{codes:?}"
    );
    app.post(&format!("{path}/submit"), Some(&token), &json!({})).await.problem(422);
}

#[actix_web::test]
async fn removing_skus_specifications_and_products_is_immediate_irreversible_and_idempotent() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let product = app.listed_product(&token).await;
    let base = format!("/v1/products/{}", id(&product));
    let sku = format!("{base}/specifications/migration/skus/{}/remove", sku_code(&product, 0));
    let after = app.post(&sku, Some(&token), &json!({})).await;
    after.assert_status(200);
    assert_eq!(after.json()["removed"]["skus"]["migration"], json!([sku_code(&product, 0)]));
    assert_eq!(after.json()["status"], "on_sale");
    app.post(&sku, Some(&token), &json!({})).await.assert_status(200);
    app.post(&format!("{base}/specifications/nope/remove"), Some(&token), &json!({})).await.problem(404);
    app.post(&format!("{base}/specifications/migration/skus/nope/remove"), Some(&token), &json!({})).await.problem(404);
    // Removing the last SKU removes the specification, and the last specification the product.
    let last = format!("{base}/specifications/migration/skus/{}/remove", sku_code(&product, 1));
    let gone = app.post(&last, Some(&token), &json!({})).await.json();
    assert_eq!(gone["removed"]["specifications"], json!(["migration"]));
    assert_eq!(gone["status"], "discontinued");
    app.post(&format!("{base}/remove"), Some(&token), &json!({})).await.assert_status(200);
    app.get(&base, Some(&token)).await.assert_status(200);
    app.post(&format!("{base}/drafts"), Some(&token), &json!({})).await.problem(409);
}
