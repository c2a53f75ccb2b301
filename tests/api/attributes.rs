use serde_json::{Value, json};

use crate::helpers::TestApp;

fn path(attribute: &Value) -> String {
    format!("/v1/attributes/{}", attribute["id"].as_str().unwrap())
}

fn edition() -> Value {
    json!({"code": "edition", "name": "Edition", "description": "Product edition", "type": "enumeration"})
}

#[actix_web::test]
async fn create_get_list_patch_and_delete_an_attribute() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let res = app.post("/v1/attributes", Some(&token), &edition()).await;
    res.assert_status(201);
    let created = res.json();
    assert_eq!(res.header("location"), Some(path(&created).as_str()));
    assert_eq!(res.header("etag"), Some("\"1\""));
    assert_eq!(
        (created["code"].clone(), created["type"].clone(), created["version"].clone()),
        (json!("edition"), json!("enumeration"), json!(1))
    );
    assert_eq!(app.get(&path(&created), Some(&token)).await.json(), created);
    let seats = app
        .create("/v1/attributes", &token, json!({"code": "seats", "name": "Seats", "type": "quantity", "unit": "user"}))
        .await;
    let list = app.get("/v1/attributes?limit=1", Some(&token)).await.json();
    assert_eq!(list["items"][0]["id"], seats["id"]);
    let next = list["next_page_token"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/v1/attributes?limit=1&page_token={next}"), Some(&token)).await.json()["items"][0]["id"],
        created["id"]
    );
    let patched =
        app.patch(&path(&created), &token, Some("\"1\""), &json!({"name": "Plan", "description": null})).await;
    patched.assert_status(200);
    assert_eq!(patched.json()["name"], "Plan");
    assert!(patched.json().get("description").is_none());
    app.delete(&path(&created), &token, Some("\"2\"")).await.assert_status(204);
    app.get(&path(&created), Some(&token)).await.problem(404);
}

#[actix_web::test]
async fn reserved_names_and_bad_codes_are_422() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    for (body, pointer, code) in [
        (json!({"code": "appName", "name": "App", "type": "enumeration"}), "/code", "reserved_name"),
        (json!({"code": "x", "name": "Version", "type": "enumeration"}), "/name", "reserved_name"),
        (json!({"code": "9x", "name": "N", "type": "enumeration"}), "/code", "invalid_format"),
        (json!({"code": "seats", "name": "Seats", "type": "quantity"}), "/unit", "required"),
        (json!({"code": "seats", "name": "Seats", "type": "colour"}), "/type", "invalid_value"),
        (json!({"code": "seats", "name": "Seats"}), "/type", "required"),
    ] {
        let problem = app.post("/v1/attributes", Some(&token), &body).await.problem(422);
        assert_eq!(
            (problem["errors"][0]["pointer"].clone(), problem["errors"][0]["code"].clone()),
            (json!(pointer), json!(code)),
            "{body}"
        );
    }
}

#[actix_web::test]
async fn codes_are_unique_per_seller_409() {
    let app = TestApp::spawn().await;
    let (a, b) = (app.seller("seller-a"), app.seller("seller-b"));
    app.create("/v1/attributes", &a, edition()).await;
    app.post("/v1/attributes", Some(&a), &edition()).await.problem(409);
    app.create("/v1/attributes", &b, edition()).await;
    let other =
        app.create("/v1/attributes", &a, json!({"code": "region", "name": "Region", "type": "enumeration"})).await;
    app.patch(&path(&other), &a, Some("\"1\""), &json!({"code": "edition"})).await.problem(409);
}

#[actix_web::test]
async fn another_sellers_attribute_is_404() {
    let app = TestApp::spawn().await;
    let (a, b) = (app.seller("seller-a"), app.seller("seller-b"));
    let attribute = app.create("/v1/attributes", &a, edition()).await;
    app.get(&path(&attribute), Some(&b)).await.problem(404);
    app.patch(&path(&attribute), &b, Some("\"1\""), &json!({"name": "Mine now"})).await.problem(404);
    app.delete(&path(&attribute), &b, Some("\"1\"")).await.problem(404);
    assert_eq!(app.get("/v1/attributes", Some(&b)).await.json()["items"], json!([]));
}

#[actix_web::test]
async fn changes_need_a_current_if_match() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let attribute = app.create("/v1/attributes", &token, edition()).await;
    app.patch(&path(&attribute), &token, None, &json!({"name": "X"})).await.problem(428);
    app.patch(&path(&attribute), &token, Some("\"9\""), &json!({"name": "X"})).await.problem(412);
    app.delete(&path(&attribute), &token, None).await.problem(428);
    app.delete(&path(&attribute), &token, Some("\"9\"")).await.problem(412);
}

#[actix_web::test]
async fn attribute_routes_are_for_sellers() {
    let app = TestApp::spawn().await;
    app.get("/v1/attributes", None).await.problem(401);
    let reviewer = app.token("r", shelf_domain::Role::Reviewer);
    app.post("/v1/attributes", Some(&reviewer), &edition()).await.problem(403);
}

#[actix_web::test]
async fn a_draft_copies_a_catalogue_attribute_and_keeps_its_copy_after_catalogue_edits() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let seats = app
        .create("/v1/attributes", &token, json!({"code": "seats", "name": "Seats", "type": "quantity", "unit": "user"}))
        .await;
    let content = json!({"specifications": [{"key": "std", "attributes": [{"attribute_id": seats["id"], "min": 1, "max": 10, "step": 1}]}]});
    let draft = app.create_draft(&token, content).await;
    let copy = &draft["content"]["specifications"][0]["attributes"][0];
    assert_eq!(
        (copy["code"].clone(), copy["name"].clone(), copy["type"].clone(), copy["unit"].clone()),
        (json!("seats"), json!("Seats"), json!("quantity"), json!("user"))
    );
    app.patch(&path(&seats), &token, Some("\"1\""), &json!({"name": "Users", "unit": "member"}))
        .await
        .assert_status(200);
    app.delete(&path(&seats), &token, Some("\"2\"")).await.assert_status(204);
    let draft_path = format!("/v1/drafts/{}", draft["id"].as_str().unwrap());
    let patched = app.patch(&draft_path, &token, Some("\"1\""), &json!({"content": {"name": "Touched"}})).await.json();
    assert_eq!(patched["content"]["specifications"][0]["attributes"][0]["name"], "Seats");
    assert_eq!(patched["content"]["specifications"][0]["attributes"][0]["unit"], "user");
}

#[actix_web::test]
async fn a_draft_naming_an_unknown_or_foreign_attribute_is_422() {
    let app = TestApp::spawn().await;
    let (a, b) = (app.seller("seller-a"), app.seller("seller-b"));
    let foreign = app.create("/v1/attributes", &b, edition()).await;
    for id in [json!("no-such-id"), foreign["id"].clone()] {
        let content = json!({"delivery_method": "professional_service",
                             "specifications": [{"key": "std", "attributes": [{"attribute_id": id}]}]});
        let body = json!({"content": content});
        let problem = app.post("/v1/drafts", Some(&a), &body).await.problem(422);
        assert_eq!(problem["errors"][0]["pointer"], "/content/specifications/0/attributes/0/attribute_id");
        assert_eq!(problem["errors"][0]["code"], "not_found");
    }
}
