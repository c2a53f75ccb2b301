//! The isolation matrix: every secured route of the OpenAPI document, anonymously (401), with the
//! wrong role (403) and, where it takes ids, with another seller's resources (404). The routes come
//! from the document, so a new route cannot escape the matrix.

use actix_web::http::Method;
use serde_json::{Value, json};
use shelf_domain::Role;

use crate::helpers::{Body, Response, TestApp, multipart, ooxml, png};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Audience {
    Seller,
    Reviewer,
    Admin,
    SellerOrReviewer,
}

fn audience(method: &str, path: &str) -> Audience {
    if path.starts_with("/v1/admin/") {
        Audience::Admin
    } else if path.starts_with("/v1/review/") || path.ends_with("/approve") || path.ends_with("/reject") {
        Audience::Reviewer
    } else if method == "GET" && ["/v1/applications/{id}", "/v1/assets/{id}", "/v1/assets/{id}/package"].contains(&path)
    {
        Audience::SellerOrReviewer
    } else {
        Audience::Seller
    }
}

/// Seller A's resources, by the path parameter that names them.
struct Fixture {
    values: Vec<(&'static str, &'static str, String)>,
}

impl Fixture {
    async fn build(app: &TestApp, a: &str) -> Fixture {
        let product = app.listed_product(a).await;
        let draft = app.ready_draft(a).await;
        let draft_id = draft["id"].as_str().unwrap().to_owned();
        let files = app.get(&format!("/v1/drafts/{draft_id}/request-templates"), Some(a)).await.json();
        let attribute =
            app.create("/v1/attributes", a, json!({"code": "tier", "name": "Tier", "type": "enumeration"})).await;
        let template = app
            .create(
                "/v1/pricing-templates",
                a,
                json!({"name": "T", "currency": "USD", "model": "flat", "amounts": {"month": 1}}),
            )
            .await;
        let application = app.get("/v1/applications", Some(a)).await.json()["items"][0].clone();
        let upload = app
            .create(
                "/v1/uploads",
                a,
                json!({"filename": "a.zip", "media_type": "application/zip", "size": 3, "sha256": "ab".repeat(32)}),
            )
            .await;
        let message = app.get("/v1/messages", Some(a)).await.json()["items"][0].clone();
        let image = json!({"image_ref": "img-1", "os_family": "linux", "os_name": "Ubuntu 24.04",
                           "architecture": "arm64", "min_vcpu": 1, "min_memory_gib": 1, "regions": ["SG"]});
        let asset =
            app.create("/v1/assets", a, json!({"kind": "image", "name": "I", "version": "1", "image": image})).await;
        let endpoint = app.create("/v1/webhook-endpoints", a, json!({"url": "https://hooks.example.com/a"})).await;
        let endpoint_id = endpoint["id"].as_str().unwrap().to_owned();
        let ping = app.post(&format!("/v1/webhook-endpoints/{endpoint_id}/ping"), Some(a), &json!({})).await.json();
        let saas_endpoint = app.create("/v1/saas-endpoints", a, json!({"url": "https://api.example.com/a"})).await;
        let s = |v: &Value| v.as_str().unwrap().to_owned();
        Fixture {
            values: vec![
                ("/v1/applications/", "id", s(&application["id"])),
                ("/v1/assets/", "id", s(&asset["id"])),
                ("/v1/webhook-endpoints/", "id", endpoint_id),
                ("/v1/saas-endpoints/", "id", s(&saas_endpoint["id"])),
                ("/v1/admin/sellers/", "id", "seller-a".into()),
                ("/v1/webhook-endpoints/", "delivery", s(&ping["id"])),
                ("/v1/attributes/", "id", s(&attribute["id"])),
                ("/v1/drafts/", "id", draft_id),
                ("/v1/drafts/", "file_id", s(&files["items"][0]["id"])),
                ("/v1/messages/", "id", s(&message["id"])),
                ("/v1/pricing-templates/", "id", s(&template["id"])),
                ("/v1/products/", "id", s(&product["id"])),
                ("/v1/products/", "key", "migration".into()),
                ("/v1/products/", "code", s(&product["content"]["specifications"][0]["skus"][0]["code"])),
                ("/v1/uploads/", "id", s(&upload["id"])),
                ("/v1/uploads/", "number", "1".into()),
            ],
        }
    }

    /// The path with seller A's ids in place of its parameters.
    fn fill(&self, path: &str) -> String {
        let mut out = path.to_owned();
        for (prefix, name, value) in &self.values {
            if path.starts_with(prefix) {
                out = out.replace(&format!("{{{name}}}"), value);
            }
        }
        assert!(!out.contains('{'), "no fixture for a parameter of {path}: add one");
        out
    }
}

/// A request that gets past every extractor but the ownership check.
async fn call(app: &TestApp, method: &str, path: &str, token: Option<&str>) -> Response {
    let m = Method::from_bytes(method.as_bytes()).unwrap();
    let if_match = [("If-Match", "*")];
    let body = match (method, path) {
        ("PATCH", _) => Body::Raw("application/merge-patch+json", b"{}".to_vec()),
        ("PUT", p) if p.ends_with("/logo") => Body::Raw("image/png", png(120, 120)),
        ("PUT", p) if p.contains("/parts/") => Body::Raw("application/octet-stream", b"abc".to_vec()),
        ("PUT", p) if p.ends_with("/holidays") => Body::Raw("application/json", br#"{"dates": []}"#.to_vec()),
        ("PUT", p) if p.ends_with("/inventory") => Body::Raw("application/json", br#"{"stock": {}}"#.to_vec()),
        ("PUT", p) if p.ends_with("/sales") => Body::Raw("application/json", b"{}".to_vec()),
        ("PUT", p) if p.ends_with("/capabilities") => {
            Body::Raw("application/json", br#"{"hardware": false, "joint_operations": false}"#.to_vec())
        }
        ("PUT", _) => Body::Raw("application/json", br#"{"emails": [], "phones": []}"#.to_vec()),
        ("POST", p) if p.ends_with("/request-templates") => {
            let (content_type, bytes) = multipart("file", "form.docx", &ooxml("word/document.xml"));
            return app.call(m, path, token, &if_match, Body::Raw(&content_type, bytes)).await;
        }
        ("POST", p) if p.ends_with("/quote") => {
            Body::Raw("application/json", br#"{"quantity": 1, "period": "month"}"#.to_vec())
        }
        ("POST", p) if p.ends_with("/confirm") => Body::Raw("application/json", br#"{"etag": "\"x\""}"#.to_vec()),
        ("POST", p) if p.ends_with("/reject") => {
            Body::Raw("application/json", br#"{"reason": "Not what was promised."}"#.to_vec())
        }
        ("POST", "/v1/saas-endpoints") => {
            Body::Raw("application/json", br#"{"url": "https://api.example.com/b"}"#.to_vec())
        }
        ("POST", "/v1/webhook-endpoints") => {
            Body::Raw("application/json", br#"{"url": "https://hooks.example.com/b"}"#.to_vec())
        }
        ("POST", "/v1/attributes") => {
            Body::Raw("application/json", br#"{"code": "x", "name": "X", "type": "enumeration"}"#.to_vec())
        }
        ("POST", _) => Body::Raw("application/json", b"{}".to_vec()),
        _ => Body::None,
    };
    app.call(m, path, token, &if_match, body).await
}

#[actix_web::test]
async fn every_secured_route_keeps_sellers_apart_and_roles_in_their_place() {
    let app = TestApp::spawn().await;
    let (a, b) = (app.seller("seller-a"), app.seller("seller-b"));
    let (reviewer, admin) = (app.token("rev", Role::Reviewer), app.token("ops", Role::Admin));
    let fixture = Fixture::build(&app, &a).await;
    let doc: Value = shelf_http::openapi();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let method = method.to_uppercase();
            if op.get("security").is_none() {
                continue;
            }
            let url = fixture.fill(path);
            let who = audience(&method, path);
            let what = format!("{method} {path}");
            let res = call(&app, &method, &url, None).await;
            assert_eq!(res.status.as_u16(), 401, "{what} anonymously");
            let wrong = match who {
                Audience::Seller => vec![&reviewer, &admin],
                Audience::Reviewer => vec![&a, &admin],
                Audience::Admin => vec![&a, &reviewer],
                Audience::SellerOrReviewer => vec![&admin],
            };
            for token in wrong {
                let res = call(&app, &method, &url, Some(token)).await;
                assert_eq!(
                    res.status.as_u16(),
                    403,
                    "{what} with the wrong role: {}",
                    String::from_utf8_lossy(&res.body)
                );
            }
            if path.contains('{') && matches!(who, Audience::Seller | Audience::SellerOrReviewer) {
                let res = call(&app, &method, &url, Some(&b)).await;
                assert_eq!(
                    res.status.as_u16(),
                    404,
                    "{what} as another seller: {}",
                    String::from_utf8_lossy(&res.body)
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} operations checked");
    // Nothing of seller A's was touched.
    for path in [
        "/v1/drafts/{id}",
        "/v1/drafts/{id}/request-templates/{file_id}",
        "/v1/attributes/{id}",
        "/v1/pricing-templates/{id}",
        "/v1/products/{id}",
        "/v1/uploads/{id}",
        "/v1/assets/{id}",
        "/v1/webhook-endpoints/{id}",
        "/v1/saas-endpoints/{id}",
    ] {
        app.get(&fixture.fill(path), Some(&a)).await.assert_status(200);
    }
    let product = app.get(&fixture.fill("/v1/products/{id}"), Some(&a)).await.json();
    assert_eq!(product["status"], "on_sale");
}
