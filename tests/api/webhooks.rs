//! Webhooks through the API, delivered to a real local HTTP receiver and verified there with the
//! Standard Webhooks library (`standardwebhooks`), as an integration would.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, web};
use diesel::prelude::*;
use serde_json::{Value, json};
use shelf_domain::webhook::OutboundPolicy;
use shelf_persistence::schema::{webhook_deliveries, webhook_endpoints};
use shelf_server::webhooks::{Sender, deliver_once};

use crate::helpers::TestApp;

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

/// A message as the receiver got it.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    headers: http::HeaderMap,
    body: Vec<u8>,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// Verifies the signature with the Standard Webhooks library, as a receiver does.
    fn verify(&self, secret: &str) -> Result<(), String> {
        let webhook = standardwebhooks::Webhook::new(secret).map_err(|e| e.to_string())?;
        webhook.verify(&self.body, &self.headers).map_err(|e| e.to_string())
    }
}

/// A local HTTP receiver: records every message and answers each with the next scripted status
/// (200 once the script runs out), after a scripted delay.
pub(crate) struct Receiver {
    server: actix_test::TestServer,
    received: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<(u16, Duration)>>>,
}

impl Receiver {
    pub(crate) fn start() -> Receiver {
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let script: Arc<Mutex<VecDeque<(u16, Duration)>>> = Arc::default();
        let (r, s) = (received.clone(), script.clone());
        let server = actix_test::start(move || {
            let (r, s) = (r.clone(), s.clone());
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let (r, s) = (r.clone(), s.clone());
                async move {
                    let mut headers = http::HeaderMap::new();
                    for (name, value) in req.headers() {
                        if let (Ok(n), Ok(v)) = (
                            http::HeaderName::from_bytes(name.as_str().as_bytes()),
                            http::HeaderValue::from_bytes(value.as_bytes()),
                        ) {
                            headers.append(n, v);
                        }
                    }
                    r.lock().unwrap().push(Received { headers, body: body.to_vec() });
                    let (status, delay) = s.lock().unwrap().pop_front().unwrap_or((200, Duration::ZERO));
                    actix_web::rt::time::sleep(delay).await;
                    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).body("thanks")
                }
            }))
        });
        Receiver { server, received, script }
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}/hooks/shelf", self.server.addr())
    }

    pub(crate) fn answer(&self, status: u16, delay: Duration) {
        self.script.lock().unwrap().push_back((status, delay));
    }

    pub(crate) fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn sender() -> Arc<Sender> {
    Arc::new(Sender::with_timeout(OutboundPolicy { allow_private: true }, Duration::from_secs(1)).unwrap())
}

async fn register(app: &TestApp, token: &str, url: &str, event_types: Value) -> Value {
    app.create("/v1/webhook-endpoints", token, json!({"url": url, "event_types": event_types})).await
}

/// Makes every pending delivery due now (instead of waiting out its backoff).
fn all_due(app: &TestApp) {
    let past = chrono::DateTime::from_timestamp(1_000_000_000, 0).unwrap().naive_utc();
    app.db
        .write(|c| -> shelf_persistence::Result<usize> {
            Ok(diesel::update(webhook_deliveries::table)
                .set(webhook_deliveries::next_attempt_at.eq(past))
                .execute(c)?)
        })
        .unwrap();
}

async fn deliveries(app: &TestApp, token: &str, endpoint: &Value) -> Vec<Value> {
    let res = app.get(&format!("/v1/webhook-endpoints/{}/deliveries", id(endpoint)), Some(token)).await;
    res.json()["items"].as_array().unwrap().clone()
}

#[actix_web::test]
async fn an_endpoint_receives_every_event_of_a_release_signed_for_a_standard_webhooks_library() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start();
    let token = app.seller("seller-a");
    let endpoint = register(&app, &token, &receiver.url(), json!(["*"])).await;
    let secret = endpoint["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    app.listed_product(&token).await;
    assert_eq!(deliver_once(&app.db, &sender()).await, 3);
    let got = receiver.received();
    let types: Vec<String> = got.iter().map(|r| r.json()["type"].as_str().unwrap().to_owned()).collect();
    let mut sorted = types.clone();
    sorted.sort();
    assert_eq!(sorted, ["application.approved", "application.submitted", "product.listed"]);
    let feed = app.get("/v1/events", Some(&token)).await.json();
    for message in &got {
        message.verify(&secret).unwrap_or_else(|e| panic!("the library refused the signature: {e}"));
        assert!(message.verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_err(), "another secret verifies nothing");
        let body = message.json();
        let event = feed["items"].as_array().unwrap().iter().find(|e| e["id"] == body["data"]["id"]).unwrap();
        assert_eq!(message.header("webhook-id"), event["id"].as_str().unwrap(), "webhook-id is the feed's event id");
        assert_eq!((&body["type"], &body["data"]["cursor"]), (&event["type"], &event["cursor"]));
        assert_eq!(body["data"]["seller_id"], "seller-a");
    }
    let approved = got.iter().map(Received::json).find(|b| b["type"] == "application.approved").unwrap();
    assert_eq!(approved["data"]["application_status"], "approved");
    let log = deliveries(&app, &token, &endpoint).await;
    assert!(log.iter().all(|d| d["status"] == "succeeded" && d["attempts"] == 1 && d["last_status"] == 200), "{log:?}");
    assert_eq!(deliver_once(&app.db, &sender()).await, 0, "each event once");
}

#[actix_web::test]
async fn an_endpoint_receives_only_the_event_types_it_takes() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start();
    let token = app.seller("seller-a");
    register(&app, &token, &receiver.url(), json!(["product.listed"])).await;
    app.listed_product(&token).await;
    deliver_once(&app.db, &sender()).await;
    let types: Vec<Value> = receiver.received().iter().map(|r| r.json()["type"].clone()).collect();
    assert_eq!(types, [json!("product.listed")]);
}

#[actix_web::test]
async fn a_release_writes_one_delivery_per_event_each_endpoint_takes_and_none_for_another_seller() {
    let app = TestApp::spawn().await;
    let (token, other) = (app.seller("seller-a"), app.seller("seller-b"));
    let receiver = Receiver::start();
    let url = &receiver.url();
    let every = register(&app, &token, url, json!(["*"])).await;
    let two = register(&app, &token, url, json!(["product.listed", "application.approved"])).await;
    let none = register(&app, &token, url, json!(["application.rejected"])).await;
    let elsewhere = register(&app, &other, url, json!(["*"])).await;
    app.listed_product(&token).await;
    let types = |log: Vec<Value>| {
        let mut types: Vec<String> = log.iter().map(|d| d["event_type"].as_str().unwrap().to_owned()).collect();
        types.sort();
        types
    };
    assert_eq!(
        types(deliveries(&app, &token, &every).await),
        ["application.approved", "application.submitted", "product.listed"]
    );
    assert_eq!(types(deliveries(&app, &token, &two).await), ["application.approved", "product.listed"]);
    assert!(deliveries(&app, &token, &none).await.is_empty());
    assert!(deliveries(&app, &other, &elsewhere).await.is_empty());
}

#[actix_web::test]
async fn a_500_is_retried_with_the_same_webhook_id_and_a_redelivery_sends_it_again() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start();
    let token = app.seller("seller-a");
    let endpoint = register(&app, &token, &receiver.url(), json!(["application.submitted"])).await;
    receiver.answer(500, Duration::ZERO);
    app.in_review_draft(&token).await;
    deliver_once(&app.db, &sender()).await;
    let first = &deliveries(&app, &token, &endpoint).await[0];
    assert_eq!(
        (first["status"].as_str(), first["attempts"].as_i64(), first["last_status"].as_i64()),
        (Some("pending"), Some(1), Some(500))
    );
    assert_eq!(first["last_response"], "thanks");
    assert!(first["next_attempt_at"].is_string());
    assert_eq!(deliver_once(&app.db, &sender()).await, 0, "not due before its backoff");
    all_due(&app);
    deliver_once(&app.db, &sender()).await;
    let after = &deliveries(&app, &token, &endpoint).await[0];
    assert_eq!((after["status"].as_str(), after["attempts"].as_i64()), (Some("succeeded"), Some(2)));
    let path = format!("/v1/webhook-endpoints/{}/deliveries/{}/redeliver", id(&endpoint), id(after));
    let again = app.post(&path, Some(&token), &json!({})).await;
    again.assert_status(202);
    assert_eq!(again.json()["status"], "pending");
    deliver_once(&app.db, &sender()).await;
    let ids: Vec<String> = receiver.received().iter().map(|r| r.header("webhook-id").to_owned()).collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.iter().all(|i| *i == ids[0]), "one webhook-id on every attempt: {ids:?}");
}

#[actix_web::test]
async fn a_receiver_that_does_not_answer_in_time_is_retried_later() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start();
    let token = app.seller("seller-a");
    let endpoint = register(&app, &token, &receiver.url(), json!(["*"])).await;
    receiver.answer(200, Duration::from_secs(3));
    app.post(&format!("/v1/webhook-endpoints/{}/ping", id(&endpoint)), Some(&token), &json!({}))
        .await
        .assert_status(202);
    deliver_once(&app.db, &sender()).await;
    let log = deliveries(&app, &token, &endpoint).await;
    assert_eq!((log[0]["status"].as_str(), log[0]["last_status"].as_i64()), (Some("pending"), None));
    assert!(log[0]["last_response"].as_str().unwrap().contains("timed out"), "{log:?}");
    all_due(&app);
    deliver_once(&app.db, &sender()).await;
    assert_eq!(deliveries(&app, &token, &endpoint).await[0]["status"], "succeeded");
}

#[actix_web::test]
async fn a_rotated_secret_keeps_signing_beside_the_new_one_for_a_day() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start();
    let token = app.seller("seller-a");
    let endpoint = register(&app, &token, &receiver.url(), json!(["*"])).await;
    let old = endpoint["secret"].as_str().unwrap().to_owned();
    let rotated =
        app.post(&format!("/v1/webhook-endpoints/{}/rotate-secret", id(&endpoint)), Some(&token), &json!({})).await;
    rotated.assert_status(200);
    let new = rotated.json()["secret"].as_str().unwrap().to_owned();
    assert_ne!(old, new);
    assert!(rotated.json()["previous_secret_expires_at"].is_string());
    let shown = app.get(&format!("/v1/webhook-endpoints/{}", id(&endpoint)), Some(&token)).await.json();
    assert_eq!(shown.get("secret"), None, "a secret is shown once");
    app.post(&format!("/v1/webhook-endpoints/{}/ping", id(&endpoint)), Some(&token), &json!({})).await;
    deliver_once(&app.db, &sender()).await;
    let ping = &receiver.received()[0];
    assert_eq!(ping.json()["type"], "ping");
    assert_eq!(ping.header("webhook-signature").split(' ').count(), 2);
    ping.verify(&new).unwrap();
    ping.verify(&old).unwrap();
}

#[actix_web::test]
async fn an_endpoint_failing_for_five_days_is_disabled_and_its_seller_told() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start();
    let token = app.seller("seller-a");
    let endpoint = register(&app, &token, &receiver.url(), json!(["*"])).await;
    let six_days_ago = (chrono::Utc::now() - chrono::Duration::days(6)).naive_utc();
    app.db
        .write(|c| -> shelf_persistence::Result<usize> {
            Ok(diesel::update(webhook_endpoints::table)
                .set(webhook_endpoints::failing_since.eq(Some(six_days_ago)))
                .execute(c)?)
        })
        .unwrap();
    receiver.answer(503, Duration::ZERO);
    app.post(&format!("/v1/webhook-endpoints/{}/ping", id(&endpoint)), Some(&token), &json!({})).await;
    deliver_once(&app.db, &sender()).await;
    let now = app.get(&format!("/v1/webhook-endpoints/{}", id(&endpoint)), Some(&token)).await.json();
    assert_eq!(
        (now["enabled"].as_bool(), now["disabled_reason"].as_str()),
        (Some(false), Some("every delivery failed for 5 days"))
    );
    let messages = app.get("/v1/messages", Some(&token)).await.json();
    assert_eq!(messages["items"][0]["subject"], "Webhook endpoint disabled");
    // Disabled: nothing more is sent, and new events queue nothing for it.
    all_due(&app);
    assert_eq!(deliver_once(&app.db, &sender()).await, 0);
    app.in_review_draft(&token).await;
    assert_eq!(deliveries(&app, &token, &endpoint).await.len(), 1);
    // Enabled again: its failures are forgotten.
    let path = format!("/v1/webhook-endpoints/{}", id(&endpoint));
    let res = app.patch(&path, &token, Some("*"), &json!({"enabled": true})).await;
    res.assert_status(200);
    assert_eq!((res.json()["enabled"].as_bool(), &res.json()["failing_since"]), (Some(true), &Value::Null));
}

#[actix_web::test]
async fn a_failed_attempt_marks_the_endpoint_failing_and_the_next_success_clears_the_mark() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start();
    let token = app.seller("seller-a");
    let endpoint = register(&app, &token, &receiver.url(), json!(["*"])).await;
    let path = format!("/v1/webhook-endpoints/{}", id(&endpoint));
    let failing_since = |v: Value| v["failing_since"].clone();
    receiver.answer(500, Duration::ZERO);
    app.post(&format!("{path}/ping"), Some(&token), &json!({})).await;
    assert_eq!(deliver_once(&app.db, &sender()).await, 1);
    assert!(failing_since(app.get(&path, Some(&token)).await.json()).is_string(), "marked failing");
    all_due(&app);
    assert_eq!(deliver_once(&app.db, &sender()).await, 1, "the retry");
    assert_eq!(failing_since(app.get(&path, Some(&token)).await.json()), Value::Null, "the success clears it");
    app.post(&format!("{path}/ping"), Some(&token), &json!({})).await;
    assert_eq!(deliver_once(&app.db, &sender()).await, 1);
    assert_eq!(failing_since(app.get(&path, Some(&token)).await.json()), Value::Null, "and a healthy one stays so");
}

#[actix_web::test]
async fn destinations_that_are_not_public_https_are_refused_at_registration_and_when_called() {
    let app = TestApp::spawn_with(|c| c.outbound = OutboundPolicy { allow_private: false }).await;
    let token = app.seller("seller-a");
    for url in [
        "http://hooks.example.com/",
        "https://127.0.0.1/",
        "https://10.0.0.7/x",
        "https://169.254.169.254/",
        "https://localhost:8443/",
        "https://[::1]/",
        "https://user:pw@hooks.example.com/",
    ] {
        let p = app.post("/v1/webhook-endpoints", Some(&token), &json!({"url": url})).await.problem(422);
        assert_eq!(p["errors"][0]["pointer"], "/url", "{url}: {p}");
    }
    app.create("/v1/webhook-endpoints", &token, json!({"url": "https://hooks.example.com/shelf"})).await;
    // Registered while private destinations were allowed, called by a sender that refuses them:
    // an address in the URL and a name that resolves to loopback both fail without a request.
    let allowed = TestApp::spawn().await;
    let receiver = Receiver::start();
    let port = receiver.server.addr().port();
    for url in [receiver.url(), format!("http://localhost:{port}/hooks")] {
        let endpoint = register(&allowed, &token, &url, json!(["*"])).await;
        allowed.post(&format!("/v1/webhook-endpoints/{}/ping", id(&endpoint)), Some(&token), &json!({})).await;
    }
    let strict = Arc::new(Sender::new(OutboundPolicy { allow_private: false }).unwrap());
    assert_eq!(deliver_once(&allowed.db, &strict).await, 2);
    assert!(receiver.received().is_empty(), "no request reached a private address");
}

#[actix_web::test]
async fn endpoints_are_versioned_bounded_checked_and_deleting_one_stops_its_deliveries() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start();
    let token = app.seller("seller-a");
    let created =
        app.post("/v1/webhook-endpoints", Some(&token), &json!({"url": receiver.url(), "description": "CI"})).await;
    created.assert_status(201);
    let endpoint = created.json();
    assert_eq!(created.header("location"), Some(format!("/v1/webhook-endpoints/{}", id(&endpoint)).as_str()));
    assert_eq!((endpoint["event_types"].clone(), endpoint["enabled"].as_bool()), (json!(["*"]), Some(true)));
    let path = format!("/v1/webhook-endpoints/{}", id(&endpoint));
    let p = app.patch(&path, &token, Some("\"1\""), &json!({"event_types": ["nope"]})).await.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/event_types/0");
    app.patch(&path, &token, Some("\"9\""), &json!({"description": "x"})).await.problem(412);
    app.patch(&path, &token, None, &json!({"description": "x"})).await.problem(428);
    let changed =
        app.patch(&path, &token, Some("\"1\""), &json!({"description": null, "event_types": ["asset.approved"]})).await;
    changed.assert_status(200);
    assert_eq!((changed.json()["description"].clone(), changed.header("etag")), (Value::Null, Some("\"2\"")));
    let p = app
        .post(
            "/v1/webhook-endpoints",
            Some(&token),
            &json!({"url": receiver.url(), "event_types": ["*", "product.listed"]}),
        )
        .await
        .problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/event_types/0");
    for _ in 1..10 {
        register(&app, &token, &receiver.url(), json!(["*"])).await;
    }
    let p = app.post("/v1/webhook-endpoints", Some(&token), &json!({"url": receiver.url()})).await.problem(422);
    assert_eq!(p["errors"][0]["code"], "limit_reached", "{p}");
    let list = app.get("/v1/webhook-endpoints?limit=5", Some(&token)).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 5);
    assert!(list["items"][0].get("secret").is_none());
    // Another seller sees none of it.
    let other = app.seller("seller-b");
    app.get(&path, Some(&other)).await.problem(404);
    assert_eq!(app.get("/v1/webhook-endpoints", Some(&other)).await.json()["items"], json!([]));
    // A pending delivery stops with its endpoint.
    app.post(&format!("{path}/ping"), Some(&token), &json!({})).await;
    app.delete(&path, &token, Some("\"2\"")).await.assert_status(204);
    app.get(&format!("{path}/deliveries"), Some(&token)).await.problem(404);
    assert_eq!(deliver_once(&app.db, &sender()).await, 0);
}

#[actix_web::test]
async fn a_delivery_whose_worker_died_after_sending_is_sent_again_with_the_same_webhook_id() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start();
    let token = app.seller("seller-a");
    let endpoint = register(&app, &token, &receiver.url(), json!(["*"])).await;
    app.post(&format!("/v1/webhook-endpoints/{}/ping", id(&endpoint)), Some(&token), &json!({})).await;
    // A worker claims the delivery, sends it, and dies before recording the answer.
    let claimed = shelf_workflows::webhooks::claim_due(&app.db, 10, 4, &[], Duration::from_secs(60)).unwrap();
    assert_eq!(claimed.len(), 1);
    let out = shelf_workflows::webhooks::sign(&claimed[0], chrono::Utc::now()).unwrap();
    let mut request = awc::Client::default().post(&out.url);
    for (name, value) in &out.headers {
        request = request.insert_header((*name, value.as_str()));
    }
    request.send_body(out.body.clone()).await.unwrap();
    assert_eq!(deliver_once(&app.db, &sender()).await, 0, "claimed: no other worker takes it");
    // Its lease runs out: another worker sends it again, with the same id.
    app.db
        .write(|c| -> shelf_persistence::Result<usize> {
            let past = chrono::DateTime::from_timestamp(1_000_000_000, 0).unwrap().naive_utc();
            Ok(diesel::update(webhook_deliveries::table)
                .set(webhook_deliveries::claimed_until.eq(Some(past)))
                .execute(c)?)
        })
        .unwrap();
    assert_eq!(deliver_once(&app.db, &sender()).await, 1);
    let ids: Vec<String> = receiver.received().iter().map(|r| r.header("webhook-id").to_owned()).collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0], ids[1]);
}

#[actix_web::test]
async fn two_workers_at_once_send_each_event_once_per_endpoint() {
    let app = TestApp::spawn().await;
    let (a, b) = (Receiver::start(), Receiver::start());
    let token = app.seller("seller-a");
    register(&app, &token, &a.url(), json!(["*"])).await;
    register(&app, &token, &b.url(), json!(["*"])).await;
    for _ in 0..3 {
        app.listed_product(&token).await;
    }
    let (one, two) = (sender(), sender());
    let mut sent = 0;
    loop {
        let (x, y) = futures_util::join!(deliver_once(&app.db, &one), deliver_once(&app.db, &two));
        if x + y == 0 {
            break;
        }
        sent += x + y;
    }
    assert_eq!(sent, 18, "9 events × 2 endpoints");
    for receiver in [&a, &b] {
        let mut ids: Vec<String> = receiver.received().iter().map(|r| r.header("webhook-id").to_owned()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!((ids.len(), receiver.received().len()), (9, 9), "each event once");
    }
}

#[actix_web::test]
async fn a_slow_endpoint_holds_at_most_its_share_and_never_another_sellers_deliveries() {
    let app = TestApp::spawn().await;
    let (slow, fast) = (Receiver::start(), Receiver::start());
    let (a, b) = (app.seller("seller-a"), app.seller("seller-b"));
    let slow_endpoint = register(&app, &a, &slow.url(), json!(["*"])).await;
    let fast_endpoint = register(&app, &b, &fast.url(), json!(["*"])).await;
    for _ in 0..8 {
        slow.answer(200, Duration::from_secs(3));
        app.post(&format!("/v1/webhook-endpoints/{}/ping", id(&slow_endpoint)), Some(&a), &json!({})).await;
    }
    for _ in 0..3 {
        app.post(&format!("/v1/webhook-endpoints/{}/ping", id(&fast_endpoint)), Some(&b), &json!({})).await;
    }
    let worker = shelf_server::webhooks::run(
        app.db.clone(),
        sender(),
        Duration::from_millis(50),
        Duration::from_secs(60),
        Default::default(),
    );
    actix_web::rt::spawn(worker);
    let started = std::time::Instant::now();
    while fast.received().len() < 3 && started.elapsed() < Duration::from_secs(10) {
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(fast.received().len(), 3);
    assert!(started.elapsed() < Duration::from_secs(2), "the fast endpoint waited {:?}", started.elapsed());
    let in_flight = slow.received().len();
    assert!(
        (1..=shelf_server::webhooks::PER_ENDPOINT).contains(&in_flight),
        "{in_flight} messages to the slow endpoint at once"
    );
}
