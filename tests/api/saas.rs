//! SaaS endpoints and their access verification, against a real local HTTP server that checks the
//! signature with the Standard Webhooks library and answers as a SaaS backend would (or would not).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use shelf_domain::webhook::OutboundPolicy;

use crate::helpers::TestApp;

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

/// How the SaaS backend answers a verification.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Behaviour {
    Echo,
    WrongNonce,
    Status(u16),
    Slow,
}

/// A SaaS backend: checks each request's signature with the library (an unsigned or badly signed
/// request is answered 401) and answers as told.
pub(crate) struct Backend {
    server: actix_test::TestServer,
    secret: Arc<Mutex<Option<String>>>,
    behaviour: Arc<Mutex<Behaviour>>,
    verified: Arc<Mutex<u32>>,
}

impl Backend {
    pub(crate) fn start() -> Backend {
        let secret: Arc<Mutex<Option<String>>> = Arc::default();
        let behaviour = Arc::new(Mutex::new(Behaviour::Echo));
        let verified: Arc<Mutex<u32>> = Arc::default();
        let (s, b, v) = (secret.clone(), behaviour.clone(), verified.clone());
        let server = actix_test::start(move || {
            let (s, b, v) = (s.clone(), b.clone(), v.clone());
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let (s, b, v) = (s.clone(), b.clone(), v.clone());
                async move {
                    let mut headers = http::HeaderMap::new();
                    for (name, value) in req.headers() {
                        if let (Ok(n), Ok(val)) = (
                            http::HeaderName::from_bytes(name.as_str().as_bytes()),
                            http::HeaderValue::from_bytes(value.as_bytes()),
                        ) {
                            headers.append(n, val);
                        }
                    }
                    let secret = s.lock().unwrap().clone().unwrap_or_default();
                    let Ok(webhook) = standardwebhooks::Webhook::new(&secret) else {
                        return HttpResponse::Unauthorized().finish();
                    };
                    if webhook.verify(&body, &headers).is_err() {
                        return HttpResponse::Unauthorized().finish();
                    }
                    *v.lock().unwrap() += 1;
                    let message: Value = serde_json::from_slice(&body).unwrap_or_default();
                    let behaviour = *b.lock().unwrap();
                    match behaviour {
                        Behaviour::Echo => HttpResponse::Ok().json(json!({"nonce": message["nonce"], "status": "ok"})),
                        Behaviour::WrongNonce => HttpResponse::Ok().json(json!({"nonce": "something else"})),
                        Behaviour::Status(code) => {
                            HttpResponse::build(actix_web::http::StatusCode::from_u16(code).unwrap()).finish()
                        }
                        Behaviour::Slow => {
                            actix_web::rt::time::sleep(Duration::from_secs(7)).await;
                            HttpResponse::Ok().json(json!({"nonce": message["nonce"]}))
                        }
                    }
                }
            }))
        });
        Backend { server, secret, behaviour, verified }
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}/koogallery", self.server.addr())
    }

    fn behave(&self, b: Behaviour) {
        *self.behaviour.lock().unwrap() = b;
    }
}

pub(crate) async fn registered(app: &TestApp, token: &str, backend: &Backend) -> Value {
    let endpoint = app.create("/v1/saas-endpoints", token, json!({"url": backend.url()})).await;
    *backend.secret.lock().unwrap() = Some(endpoint["secret"].as_str().unwrap().to_owned());
    endpoint
}

pub(crate) async fn verify(app: &TestApp, token: &str, endpoint: &Value) -> Value {
    let res = app.post(&format!("/v1/saas-endpoints/{}/verify", id(endpoint)), Some(token), &json!({})).await;
    res.assert_status(200);
    res.json()
}

#[actix_web::test]
async fn an_endpoint_that_echoes_the_signed_nonce_passes_and_counts_for_ninety_days() {
    let app = TestApp::spawn().await;
    let backend = Backend::start();
    let token = app.seller("seller-a");
    let endpoint = registered(&app, &token, &backend).await;
    assert!(endpoint["secret"].as_str().unwrap().starts_with("whsec_"));
    assert_eq!(endpoint["verified_until"], Value::Null);
    let v = verify(&app, &token, &endpoint).await;
    assert_eq!((v["passed"].as_bool(), v["status"].as_i64(), &v["error"]), (Some(true), Some(200), &Value::Null));
    assert!(v["latency_ms"].as_i64().unwrap() >= 0);
    assert_eq!(*backend.verified.lock().unwrap(), 1, "the backend checked the signature with the library");
    let now = app.get(&format!("/v1/saas-endpoints/{}", id(&endpoint)), Some(&token)).await.json();
    let passed = chrono::DateTime::parse_from_rfc3339(now["last_passed_at"].as_str().unwrap()).unwrap();
    let until = chrono::DateTime::parse_from_rfc3339(now["verified_until"].as_str().unwrap()).unwrap();
    assert_eq!(until - passed, chrono::Duration::days(90));
    assert_eq!(now["verifications"].as_array().unwrap().len(), 1);
    assert_eq!(now.get("secret"), None, "the secret is shown once");
}

#[actix_web::test]
async fn an_endpoint_that_answers_otherwise_fails_verification_saying_why() {
    let app = TestApp::spawn().await;
    let backend = Backend::start();
    let token = app.seller("seller-a");
    let endpoint = registered(&app, &token, &backend).await;
    for (behaviour, why) in [
        (Behaviour::WrongNonce, "the answer's nonce is not the one sent"),
        (Behaviour::Status(500), "answered 500, not 200"),
        (Behaviour::Slow, "timed out"),
    ] {
        backend.behave(behaviour);
        let v = verify(&app, &token, &endpoint).await;
        assert_eq!(v["passed"], false, "{behaviour:?}");
        assert!(v["error"].as_str().unwrap().contains(why), "{behaviour:?}: {v}");
    }
    let now = app.get(&format!("/v1/saas-endpoints/{}", id(&endpoint)), Some(&token)).await.json();
    assert_eq!((now["verified_until"].clone(), now["verifications"].as_array().unwrap().len()), (Value::Null, 3));
}

#[actix_web::test]
async fn a_production_url_is_https_with_a_public_domain_name() {
    let app = TestApp::spawn_with(|c| c.outbound = OutboundPolicy { allow_private: false }).await;
    let token = app.seller("seller-a");
    for url in ["http://api.example.com/", "https://10.0.0.7/", "https://8.8.8.8/", "https://localhost/", "not a url"] {
        let p = app.post("/v1/saas-endpoints", Some(&token), &json!({"url": url})).await.problem(422);
        assert_eq!(p["errors"][0]["pointer"], "/url", "{url}: {p}");
    }
    app.create("/v1/saas-endpoints", &token, json!({"url": "https://api.example.com/koogallery"})).await;
}

#[actix_web::test]
async fn saas_endpoints_are_listed_deleted_with_their_etag_and_kept_apart() {
    let app = TestApp::spawn().await;
    let backend = Backend::start();
    let token = app.seller("seller-a");
    let endpoint = registered(&app, &token, &backend).await;
    let path = format!("/v1/saas-endpoints/{}", id(&endpoint));
    let other = app.seller("seller-b");
    app.get(&path, Some(&other)).await.problem(404);
    app.post(&format!("{path}/verify"), Some(&other), &json!({})).await.problem(404);
    assert_eq!(app.get("/v1/saas-endpoints", Some(&other)).await.json()["items"], json!([]));
    let listed = app.get("/v1/saas-endpoints", Some(&token)).await.json();
    assert_eq!(listed["items"][0]["id"], endpoint["id"]);
    assert!(listed["items"][0].get("secret").is_none());
    // A pass changes the endpoint: its ETag moves on.
    verify(&app, &token, &endpoint).await;
    app.delete(&path, &token, Some("\"1\"")).await.problem(412);
    app.delete(&path, &token, Some("\"2\"")).await.assert_status(204);
    app.get(&path, Some(&token)).await.problem(404);
    for _ in 0..20 {
        app.create("/v1/saas-endpoints", &token, json!({"url": backend.url()})).await;
    }
    let p = app.post("/v1/saas-endpoints", Some(&token), &json!({"url": backend.url()})).await.problem(422);
    assert_eq!(p["errors"][0]["code"], "limit_reached");
}

#[actix_web::test]
async fn an_endpoint_deleted_while_it_is_being_verified_answers_404_and_stays_gone() {
    let app = TestApp::spawn().await;
    let backend = Backend::start();
    backend.behave(Behaviour::Slow);
    let token = app.seller("seller-a");
    let endpoint = registered(&app, &token, &backend).await;
    let path = format!("/v1/saas-endpoints/{}", id(&endpoint));
    let (verify_path, empty) = (format!("{path}/verify"), json!({}));
    let verifying = app.post(&verify_path, Some(&token), &empty);
    let deleting = async {
        actix_web::rt::time::sleep(Duration::from_millis(500)).await;
        app.delete(&path, &token, Some("\"1\"")).await
    };
    let (verified, deleted) = futures_util::future::join(verifying, deleting).await;
    deleted.assert_status(204);
    let p = verified.problem(404);
    assert!(!p["detail"].as_str().unwrap_or_default().is_empty(), "{p}");
    app.get(&path, Some(&token)).await.problem(404);
}
