use serde_json::{Value, json};
use shelf_domain::Role;

use crate::helpers::ContentBuilder;
use crate::helpers::TestApp;

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

async fn submit(app: &TestApp, token: &str, draft: &Value) -> crate::helpers::Response {
    app.post(&format!("/v1/drafts/{}/submit", id(draft)), Some(token), &json!({})).await
}

#[actix_web::test]
async fn submit_freezes_the_draft_into_a_pending_application() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.ready_draft(&token).await;
    let res = submit(&app, &token, &draft).await;
    res.assert_status(201);
    let application = res.json();
    assert_eq!(res.header("location"), Some(format!("/v1/applications/{}", id(&application)).as_str()));
    assert_eq!((application["status"].clone(), application["kind"].clone()), (json!("pending"), json!("release")));
    assert_eq!(application["draft_id"], draft["id"]);
    assert_eq!(application["overdue"], false);
    assert_eq!(application["history"][0]["status"], "pending");
    assert_eq!(application["history"][0]["by"], "seller-a");
    let files = application["snapshot"]["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert!(files.iter().all(|f| f["sha256"].as_str().unwrap().len() == 64));
    assert!(application["snapshot"]["content"]["specifications"][0]["skus"][0]["code"].is_string());
    let now = app.get(&format!("/v1/drafts/{}", id(&draft)), Some(&token)).await.json();
    assert_eq!(now["state"], "in_review");
    app.patch(
        &format!("/v1/drafts/{}", id(&draft)),
        &token,
        Some(&format!("\"{}\"", now["version"])),
        &json!({"content": {"name": "X"}}),
    )
    .await
    .problem(409);
    submit(&app, &token, &draft).await.problem(409);
    assert_eq!(app.get(&format!("/v1/applications/{}", id(&application)), Some(&token)).await.json(), application);
}

#[actix_web::test]
async fn an_incomplete_draft_is_422_with_its_violations() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({"name": "Half done"})).await;
    let problem = submit(&app, &token, &draft).await.problem(422);
    let pointers: Vec<_> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap().to_owned()).collect();
    assert!(pointers.contains(&"/logo".to_owned()) && pointers.contains(&"/version".to_owned()), "{pointers:?}");
    assert_eq!(app.get(&format!("/v1/drafts/{}", id(&draft)), Some(&token)).await.json()["state"], "editing");
}

#[actix_web::test]
async fn a_pricing_template_is_copied_into_the_snapshot() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let template = app
        .create(
            "/v1/pricing-templates",
            &token,
            json!({"name": "T", "currency": "USD", "model": "linear", "unit_amounts": {"one_time": 77000}}),
        )
        .await;
    let draft = app.ready_draft(&token).await;
    let templated = json!({"attributes": {"edition": "enterprise"}, "price_template_id": template["id"]});
    let content = crate::helpers::complete_content().with_sku(1, templated);
    let patch = json!({"content": {"specifications": content["specifications"]}});
    app.patch(&format!("/v1/drafts/{}", id(&draft)), &token, Some("\"1\""), &patch).await.assert_status(200);
    let application = submit(&app, &token, &draft).await.json();
    let sku = &application["snapshot"]["content"]["specifications"][0]["skus"][1];
    assert_eq!(sku["price"]["unit_amounts"]["one_time"], 77000);
    assert!(sku.get("price_template_id").is_none());
    assert_eq!(application["snapshot"]["pricing_templates"][id(&template)]["name"], "T");
    // Editing the template afterwards changes nothing submitted.
    app.patch(
        &format!("/v1/pricing-templates/{}", id(&template)),
        &token,
        Some("\"1\""),
        &json!({"unit_amounts": {"one_time": 1}}),
    )
    .await
    .assert_status(200);
    let again = app.get(&format!("/v1/applications/{}", id(&application)), Some(&token)).await.json();
    assert_eq!(again["snapshot"], application["snapshot"]);
}

#[actix_web::test]
async fn approval_creates_the_product_and_closes_the_draft() {
    let app = TestApp::spawn().await;
    let (token, reviewer) = (app.seller("seller-a"), app.token("rev-1", Role::Reviewer));
    let draft = app.ready_draft(&token).await;
    let application = submit(&app, &token, &draft).await.json();
    let queue = app.get("/v1/review/applications", Some(&reviewer)).await.json();
    assert_eq!(queue["items"][0]["id"], application["id"]);
    let res = app.post(&format!("/v1/applications/{}/approve", id(&application)), Some(&reviewer), &json!({})).await;
    res.assert_status(200);
    let approved = res.json();
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["history"][1], json!({"status": "approved", "at": approved["decided_at"], "by": "rev-1"}));
    let product_id = approved["product_id"].as_str().unwrap();
    let product = app.get(&format!("/v1/products/{product_id}"), Some(&token)).await.json();
    assert_eq!(product["status"], "on_sale");
    assert_eq!(product["content"], approved["snapshot"]["content"]);
    let closed = app.get(&format!("/v1/drafts/{}", id(&draft)), Some(&token)).await.json();
    assert_eq!((closed["state"].clone(), closed["product_id"].clone()), (json!("closed"), json!(product_id)));
    app.post(&format!("/v1/applications/{}/approve", id(&application)), Some(&reviewer), &json!({})).await.problem(409);
    assert_eq!(app.get("/v1/review/applications", Some(&reviewer)).await.json()["items"], json!([]));
}

#[actix_web::test]
async fn rejection_needs_a_reason_and_lets_the_seller_fix_and_resubmit() {
    let app = TestApp::spawn().await;
    let (token, reviewer) = (app.seller("seller-a"), app.token("rev-1", Role::Reviewer));
    let draft = app.ready_draft(&token).await;
    let application = submit(&app, &token, &draft).await.json();
    let reject = format!("/v1/applications/{}/reject", id(&application));
    let problem = app.post(&reject, Some(&reviewer), &json!({"reason": "too short"})).await.problem(422);
    assert_eq!(problem["errors"][0]["pointer"], "/reason");
    let rejected =
        app.post(&reject, Some(&reviewer), &json!({"reason": "The description does not say what is delivered."})).await;
    rejected.assert_status(200);
    assert_eq!(rejected.json()["reason"], "The description does not say what is delivered.");
    let current = app.get(&format!("/v1/drafts/{}", id(&draft)), Some(&token)).await.json();
    assert_eq!(current["state"], "rejected");
    app.patch(
        &format!("/v1/drafts/{}", id(&draft)),
        &token,
        Some(&format!("\"{}\"", current["version"])),
        &json!({"content": {"summary": "Clearer now."}}),
    )
    .await
    .assert_status(200);
    let second = submit(&app, &token, &draft).await;
    second.assert_status(201);
    assert_ne!(second.json()["id"], application["id"]);
    let mine = app.get("/v1/applications?status=rejected", Some(&token)).await.json();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn a_seller_withdraws_a_pending_professional_service() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.ready_draft(&token).await;
    let application = submit(&app, &token, &draft).await.json();
    let res = app.post(&format!("/v1/applications/{}/withdraw", id(&application)), Some(&token), &json!({})).await;
    res.assert_status(200);
    assert_eq!(res.json()["status"], "withdrawn");
    assert_eq!(app.get(&format!("/v1/drafts/{}", id(&draft)), Some(&token)).await.json()["state"], "editing");
    app.post(&format!("/v1/applications/{}/withdraw", id(&application)), Some(&token), &json!({})).await.problem(409);
}

#[actix_web::test]
async fn decisions_are_for_reviewers_and_applications_are_private() {
    let app = TestApp::spawn().await;
    let (a, b) = (app.seller("seller-a"), app.seller("seller-b"));
    let draft = app.ready_draft(&a).await;
    let application = submit(&app, &a, &draft).await.json();
    let path = format!("/v1/applications/{}", id(&application));
    app.post(&format!("{path}/approve"), Some(&a), &json!({})).await.problem(403);
    app.post(&format!("{path}/reject"), Some(&a), &json!({"reason": "I reject my own work"})).await.problem(403);
    app.get("/v1/review/applications", Some(&a)).await.problem(403);
    app.get(&path, Some(&b)).await.problem(404);
    app.post(&format!("{path}/withdraw"), Some(&b), &json!({})).await.problem(404);
    submit(&app, &b, &draft).await.problem(404);
    assert_eq!(app.get("/v1/applications", Some(&b)).await.json()["items"], json!([]));
    let reviewer = app.token("rev", Role::Reviewer);
    app.get(&path, Some(&reviewer)).await.assert_status(200);
    app.post("/v1/applications/01a00000-0000-7000-8000-000000000000/approve", Some(&reviewer), &json!({}))
        .await
        .problem(404);
}

#[actix_web::test]
async fn two_concurrent_approvals_decide_once() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.ready_draft(&token).await;
    let application = submit(&app, &token, &draft).await.json();
    let path = format!("/v1/applications/{}/approve", id(&application));
    let (r1, r2) = (app.token("rev-1", Role::Reviewer), app.token("rev-2", Role::Reviewer));
    let (x, y) =
        futures_util::future::join(app.post(&path, Some(&r1), &json!({})), app.post(&path, Some(&r2), &json!({})))
            .await;
    let mut statuses = [x.status.as_u16(), y.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    assert_eq!(app.get("/v1/products", Some(&token)).await.json()["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn the_tenth_submission_of_a_day_is_extended_and_due_later() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let mut last = Value::Null;
    let mut first = Value::Null;
    for i in 0..10 {
        let draft = app.ready_draft(&token).await;
        let application = submit(&app, &token, &draft).await.json();
        if i == 0 {
            first = application.clone();
        }
        assert_eq!(application["extended_review"], i >= 9, "submission {}", i + 1);
        last = application;
    }
    let due = |a: &Value| chrono::DateTime::parse_from_rfc3339(a["due_at"].as_str().unwrap()).unwrap();
    assert!(due(&last) - due(&first) >= chrono::Duration::days(2));
}

#[actix_web::test]
async fn the_whole_release_flow_end_to_end() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let reviewer = app.token("rev-1", Role::Reviewer);
    // create → upload → validate → submit
    let draft = app.create_draft(&token, crate::helpers::complete_content()).await;
    let draft_id = id(&draft).to_owned();
    app.put_logo(&token, &draft_id, crate::helpers::png(120, 120)).await.assert_status(200);
    app.upload(&token, &draft_id, "Order form.xlsx", &crate::helpers::ooxml("xl/workbook.xml"))
        .await
        .assert_status(201);
    let report = app.post(&format!("/v1/drafts/{draft_id}/validate"), Some(&token), &json!({})).await.json();
    assert_eq!(report["ready"], true);
    let application = submit(&app, &token, &draft).await.json();
    // reject → edit → resubmit → withdraw → resubmit → approve
    let reason = json!({"reason": "Please describe the cut-over plan."});
    app.post(&format!("/v1/applications/{}/reject", id(&application)), Some(&reviewer), &reason)
        .await
        .assert_status(200);
    let current = app.get(&format!("/v1/drafts/{draft_id}"), Some(&token)).await.json();
    let etag = format!("\"{}\"", current["version"]);
    app.patch(
        &format!("/v1/drafts/{draft_id}"),
        &token,
        Some(&etag),
        &json!({"content": {"highlights": ["Cut-over plan included"]}}),
    )
    .await
    .assert_status(200);
    let second = submit(&app, &token, &draft).await.json();
    app.post(&format!("/v1/applications/{}/withdraw", id(&second)), Some(&token), &json!({})).await.assert_status(200);
    let third = submit(&app, &token, &draft).await.json();
    let approved =
        app.post(&format!("/v1/applications/{}/approve", id(&third)), Some(&reviewer), &json!({})).await.json();
    // → catalog → quote → message
    let product_id = approved["product_id"].as_str().unwrap();
    let listed = app.get("/v1/catalog/products?q=supporting", None).await.json();
    assert_eq!(listed["items"][0]["id"], product_id);
    // The list shows a card; the SKU codes are on the product's page.
    let entry = app.get(&format!("/v1/catalog/products/{product_id}"), None).await.json();
    let code = entry["content"]["specifications"][0]["skus"][1]["code"].as_str().unwrap().to_owned();
    let quote = json!({"specification": "migration", "sku": code, "quantity": 2, "period": "one_time"});
    let q = app.post(&format!("/v1/catalog/products/{product_id}/quote"), None, &quote).await.json();
    assert_eq!(q["total"]["amount"], 2 * 90000);
    let messages = app.get("/v1/messages", Some(&token)).await.json();
    let subjects: Vec<_> =
        messages["items"].as_array().unwrap().iter().map(|m| m["subject"].as_str().unwrap().to_owned()).collect();
    assert_eq!(
        subjects,
        ["Approved: Data Migration Supporting Service", "Rejected: Data Migration Supporting Service"]
    );
    let history: Vec<_> = app.get("/v1/applications?order=asc", Some(&token)).await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(history, ["rejected", "withdrawn", "approved"]);
}

async fn queued(app: &TestApp, reviewer: &str) -> Vec<String> {
    let page = app.get("/v1/review/applications", Some(reviewer)).await.json();
    page["items"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_owned()).collect()
}

#[actix_web::test]
async fn the_review_queue_lists_a_line_per_application_and_follows_every_change_at_once() {
    let app = TestApp::spawn().await;
    let (token, reviewer) = (app.seller("seller-a"), app.token("rev-1", Role::Reviewer));
    assert!(queued(&app, &reviewer).await.is_empty());
    let first = submit(&app, &token, &app.ready_draft(&token).await).await.json();
    let page = app.get("/v1/review/applications", Some(&reviewer)).await.json();
    let line = &page["items"][0];
    let mut members: Vec<&str> = line.as_object().unwrap().keys().map(String::as_str).collect();
    members.sort_unstable();
    assert_eq!(
        members,
        [
            "decided_at",
            "delivery_method",
            "draft_id",
            "due_at",
            "extended_review",
            "id",
            "kind",
            "name",
            "overdue",
            "product_id",
            "seller_id",
            "status",
            "submitted_at"
        ],
        "{line}"
    );
    assert_eq!(line["name"], first["snapshot"]["content"]["name"]);
    assert_eq!((line["seller_id"].as_str(), line["overdue"].as_bool()), (Some("seller-a"), Some(false)));
    let whole = app.get(&format!("/v1/applications/{}", id(&first)), Some(&reviewer)).await.json();
    assert_eq!(whole["snapshot"], first["snapshot"], "the whole application is one request away");
    // Each change shows on the next read of the (cached) page.
    let second = submit(&app, &token, &app.ready_draft(&token).await).await.json();
    assert_eq!(queued(&app, &reviewer).await, [id(&first), id(&second)]);
    app.post(&format!("/v1/applications/{}/withdraw", id(&first)), Some(&token), &json!({})).await.assert_status(200);
    assert_eq!(queued(&app, &reviewer).await, [id(&second)]);
    let reason = json!({"reason": "Please describe the cut-over plan."});
    app.post(&format!("/v1/applications/{}/reject", id(&second)), Some(&reviewer), &reason).await.assert_status(200);
    assert!(queued(&app, &reviewer).await.is_empty());
}

#[actix_web::test]
async fn overdue_applications_are_flagged_and_filtered() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let reviewer = app.token("rev-1", Role::Reviewer);
    let late = submit(&app, &token, &app.ready_draft(&token).await).await.json();
    submit(&app, &token, &app.ready_draft(&token).await).await.assert_status(201);
    let late_id = id(&late).to_owned();
    app.db
        .read(|c| {
            use diesel::RunQueryDsl;
            let sql = format!("UPDATE applications SET due_at = '2020-01-06 02:00:00' WHERE id = '{late_id}'");
            Ok(diesel::sql_query(sql).execute(c)?)
        })
        .unwrap();
    let overdue = app.get("/v1/review/applications?overdue=true", Some(&reviewer)).await.json();
    assert_eq!(overdue["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        (overdue["items"][0]["id"].clone(), overdue["items"][0]["overdue"].clone()),
        (late["id"].clone(), json!(true))
    );
    let queue = app.get("/v1/review/applications?limit=1", Some(&reviewer)).await.json();
    assert_eq!(queue["items"][0]["id"], late["id"], "earliest due first");
    let next = queue["next_page_token"].as_str().unwrap();
    let second = app.get(&format!("/v1/review/applications?limit=1&page_token={next}"), Some(&reviewer)).await.json();
    assert_eq!(second["items"][0]["overdue"], false);
    assert!(second["next_page_token"].is_null());
    app.get("/v1/review/applications?page_token=bogus", Some(&reviewer)).await.problem(400);
}
