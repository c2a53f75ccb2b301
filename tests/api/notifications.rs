use std::io::Write;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use shelf_domain::Role;
use shelf_server::outbox::{self, Delivery};

use crate::helpers::{SECRET, TestApp, smtp_listener};

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

fn seller_with_contacts(sub: &str) -> String {
    let ttl = std::time::Duration::from_secs(3600);
    shelf_server::token(
        SECRET,
        sub,
        Role::Seller,
        ttl,
        Some(format!("{sub}@example.com")),
        Some("+86 755 0000 0000".into()),
    )
    .unwrap()
}

#[actix_web::test]
async fn a_decision_writes_a_message_and_the_outbox_delivers_each_email_once() {
    let app = TestApp::spawn().await;
    let token = seller_with_contacts("seller-a");
    let product = app.listed_product(&token).await;
    let messages = app.get("/v1/messages?unread=true", Some(&token)).await.json();
    let message = &messages["items"][0];
    assert_eq!(message["subject"], "Approved: Data Migration Supporting Service");
    assert_eq!(message["read"], false);
    let read = app.post(&format!("/v1/messages/{}/read", id(message)), Some(&token), &json!({})).await;
    read.assert_status(200);
    assert_eq!(read.json()["read"], true);
    assert_eq!(app.get("/v1/messages?unread=true", Some(&token)).await.json()["items"], json!([]));
    let other = app.seller("seller-b");
    app.post(&format!("/v1/messages/{}/read", id(message)), Some(&other), &json!({})).await.problem(404);

    let (url, received) = smtp_listener();
    let delivery = Delivery::new(Some(&url), Some("Shelf <noreply@example.com>"), None).unwrap();
    // One email (to the token's email claim) and one SMS (logged: no webhook configured).
    assert_eq!(outbox::run_once(&app.db, &delivery).await.unwrap(), 2);
    assert_eq!(outbox::run_once(&app.db, &delivery).await.unwrap(), 0);
    let mails = received.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("seller-a@example.com") && mails[0].contains("Approved: Data Migration"), "{}", mails[0]);
    let _ = product;
}

#[actix_web::test]
async fn a_worker_that_dies_after_claiming_leaves_the_row_to_be_delivered_once_later() {
    let app = TestApp::spawn().await;
    let token = seller_with_contacts("seller-a");
    app.listed_product(&token).await;
    // A worker claims everything with a short lease, then "crashes" without delivering.
    let claimed = app
        .db
        .write(|c| shelf_persistence::notifications::claim_due(c, 10, chrono::Duration::milliseconds(300)))
        .unwrap();
    assert_eq!(claimed.len(), 2);
    let (url, received) = smtp_listener();
    let delivery = Delivery::new(Some(&url), None, None).unwrap();
    assert_eq!(outbox::run_once(&app.db, &delivery).await.unwrap(), 0, "claimed rows wait for their lease");
    std::thread::sleep(std::time::Duration::from_millis(400));
    assert_eq!(outbox::run_once(&app.db, &delivery).await.unwrap(), 2);
    assert_eq!(outbox::run_once(&app.db, &delivery).await.unwrap(), 0);
    assert_eq!(received.lock().unwrap().len(), 1);
    // The dead worker's late report does not count: the claim is no longer its.
    assert!(!app.db.read(|c| shelf_persistence::notifications::delivered(c, &claimed[0])).unwrap());
}

#[actix_web::test]
async fn an_unreachable_smtp_server_is_retried_with_backoff() {
    let app = TestApp::spawn().await;
    let token = seller_with_contacts("seller-a");
    app.listed_product(&token).await;
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let delivery = Delivery::new(Some(&format!("smtp://{closed}")), None, None).unwrap();
    assert_eq!(outbox::run_once(&app.db, &delivery).await.unwrap(), 1, "the SMS goes; the email waits");
    let counts = app.db.read(shelf_persistence::notifications::outbox_counts).unwrap();
    assert!(counts.contains(&("pending".to_owned(), 1)) && counts.contains(&("delivered".to_owned(), 1)), "{counts:?}");
    assert_eq!(outbox::run_once(&app.db, &delivery).await.unwrap(), 0, "not due again before its backoff");
}

#[actix_web::test]
async fn notification_settings_replace_the_default_receivers() {
    let app = TestApp::spawn().await;
    let token = seller_with_contacts("seller-a");
    let res = app.get("/v1/notification-settings", Some(&token)).await;
    assert_eq!((res.json(), res.header("etag")), (json!({"emails": [], "phones": []}), Some("\"0\"")));
    let body = json!({"emails": ["releases@example.com", "ops@example.com"], "phones": []}).to_string().into_bytes();
    let put = app
        .call(
            actix_web::http::Method::PUT,
            "/v1/notification-settings",
            Some(&token),
            &[("If-Match", "\"0\"")],
            crate::helpers::Body::Raw("application/json", body.clone()),
        )
        .await;
    put.assert_status(200);
    assert_eq!(put.header("etag"), Some("\"1\""));
    app.call(
        actix_web::http::Method::PUT,
        "/v1/notification-settings",
        Some(&token),
        &[("If-Match", "\"0\"")],
        crate::helpers::Body::Raw("application/json", body),
    )
    .await
    .problem(412);
    let bad = json!({"emails": ["not an email"], "phones": ["call me"]}).to_string().into_bytes();
    let problem = app
        .call(
            actix_web::http::Method::PUT,
            "/v1/notification-settings",
            Some(&token),
            &[("If-Match", "\"1\"")],
            crate::helpers::Body::Raw("application/json", bad),
        )
        .await
        .problem(422);
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2);
    app.listed_product(&token).await;
    let (url, received) = smtp_listener();
    let delivery = Delivery::new(Some(&url), None, None).unwrap();
    assert_eq!(outbox::run_once(&app.db, &delivery).await.unwrap(), 2);
    let mails = received.lock().unwrap().clone();
    assert!(
        mails.iter().any(|m| m.contains("releases@example.com")) && mails.iter().any(|m| m.contains("ops@example.com"))
    );
    assert!(!mails.iter().any(|m| m.contains("seller-a@example.com")));
}

#[actix_web::test]
async fn the_event_feed_lists_what_happened_in_commit_order() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let product = app.listed_product(&token).await;
    app.post(&format!("/v1/products/{}/remove", id(&product)), Some(&token), &json!({})).await.assert_status(200);
    let feed = app.get("/v1/events", Some(&token)).await.json();
    let types: Vec<_> =
        feed["items"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect();
    assert_eq!(types, ["application.submitted", "application.approved", "product.listed", "product.removed"]);
    let cursors: Vec<i64> = feed["items"].as_array().unwrap().iter().map(|e| e["cursor"].as_i64().unwrap()).collect();
    assert!(cursors.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(feed["next_cursor"], cursors[3]);
    let after = app.get(&format!("/v1/events?after={}", cursors[1]), Some(&token)).await.json();
    assert_eq!(after["items"].as_array().unwrap().len(), 2);
    let nothing = app.get(&format!("/v1/events?after={}", cursors[3]), Some(&token)).await.json();
    assert_eq!((nothing["items"].clone(), nothing["next_cursor"].clone()), (json!([]), json!(cursors[3])));
    assert_eq!(app.get("/v1/events", Some(&app.seller("seller-b"))).await.json()["items"], json!([]));
    app.get("/v1/events?after=-1", Some(&token)).await.problem(400);
}

#[actix_web::test]
async fn review_deadlines_skip_the_admins_holidays() {
    let app = TestApp::spawn().await;
    let admin = app.token("ops", Role::Admin);
    let offset = 8 * 3600;
    let today =
        shelf_domain::calendar::Calendar::new(offset, Default::default()).unwrap().local_date(chrono::Utc::now());
    let holidays: Vec<String> = (1..=4).map(|d| (today + chrono::Duration::days(d)).to_string()).collect();
    let body = json!({"dates": holidays}).to_string().into_bytes();
    app.call(
        actix_web::http::Method::PUT,
        "/v1/admin/holidays",
        Some(&admin),
        &[("If-Match", "\"0\"")],
        crate::helpers::Body::Raw("application/json", body),
    )
    .await
    .assert_status(200);
    let token = app.seller("seller-a");
    let draft = app.ready_draft(&token).await;
    let application = app.post(&format!("/v1/drafts/{}/submit", id(&draft)), Some(&token), &json!({})).await.json();
    let submitted =
        chrono::DateTime::parse_from_rfc3339(application["submitted_at"].as_str().unwrap()).unwrap().to_utc();
    let due = chrono::DateTime::parse_from_rfc3339(application["due_at"].as_str().unwrap()).unwrap().to_utc();
    let dates = holidays.iter().map(|d| d.parse().unwrap()).collect();
    let expected = shelf_domain::calendar::Calendar::new(offset, dates).unwrap().review_due(submitted, false);
    assert_eq!(due, expected);
    assert!(due - submitted >= chrono::Duration::days(7), "four holidays and at least one weekend are skipped");
}

/// A tiny HTTP endpoint that answers 200 and keeps the bodies it received.
fn webhook() -> (String, Arc<Mutex<Vec<String>>>) {
    use std::io::Read;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buffer = vec![0u8; 16 * 1024];
            let mut request = Vec::new();
            while let Ok(n) = stream.read(&mut buffer) {
                request.extend_from_slice(&buffer[..n]);
                let text = String::from_utf8_lossy(&request).to_string();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let length = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if body.len() >= length {
                        store.lock().unwrap().push(body.to_owned());
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (url, received)
}

#[actix_web::test]
async fn sms_notifications_are_posted_to_the_webhook() {
    let app = TestApp::spawn().await;
    let token = seller_with_contacts("seller-a");
    app.listed_product(&token).await;
    let (url, received) = webhook();
    let delivery = Delivery::new(None, None, Some(&url)).unwrap();
    assert_eq!(outbox::run_once(&app.db, &delivery).await.unwrap(), 2);
    let bodies = received.lock().unwrap().clone();
    assert_eq!(bodies.len(), 1);
    let sms: Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(sms["to"], "+86 755 0000 0000");
    assert!(sms["text"].as_str().unwrap().starts_with("Approved"));
}

#[actix_web::test]
async fn the_contacts_of_the_latest_submission_receive_the_decision() {
    let app = TestApp::spawn().await;
    let first = seller_with_contacts("seller-a");
    app.listed_product(&first).await;
    let ttl = std::time::Duration::from_secs(3600);
    let moved =
        shelf_server::token(SECRET, "seller-a", Role::Seller, ttl, Some("new-address@example.com".into()), None)
            .unwrap();
    app.listed_product(&moved).await;
    let (url, received) = smtp_listener();
    let delivery = Delivery::new(Some(&url), None, None).unwrap();
    // The first decision: an email and an SMS; the second: one email to the new address only.
    assert_eq!(outbox::run_once(&app.db, &delivery).await.unwrap(), 3);
    let mails = received.lock().unwrap().clone();
    assert_eq!(mails.len(), 2);
    assert!(mails.iter().any(|m| m.contains("new-address@example.com")), "{mails:?}");
    assert_eq!(mails.iter().filter(|m| m.contains("seller-a@example.com")).count(), 1, "{mails:?}");
}

#[actix_web::test]
async fn receivers_that_would_not_deliver_or_repeat_are_422_at_their_pointer() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let cases = [
        (json!({"emails": ["x<evil@attacker.example>"], "phones": []}), "/emails/0", "invalid_format"),
        (json!({"emails": ["a@b,c@d"], "phones": []}), "/emails/0", "invalid_format"),
        (json!({"emails": ["a@"], "phones": []}), "/emails/0", "invalid_format"),
        (json!({"emails": ["ops@example.com", "OPS@example.com"], "phones": []}), "/emails/1", "duplicate"),
        (json!({"emails": [], "phones": ["+86 755 1234 5678", "+86-755-1234-5678"]}), "/phones/1", "duplicate"),
    ];
    for (body, pointer, code) in cases {
        let res = app
            .call(
                actix_web::http::Method::PUT,
                "/v1/notification-settings",
                Some(&token),
                &[("If-Match", "\"0\"")],
                crate::helpers::Body::Json(&body),
            )
            .await;
        let problem = res.problem(422);
        assert_eq!(problem["errors"][0]["pointer"], pointer, "{body}");
        assert_eq!(problem["errors"][0]["code"], code, "{body}");
    }
}

#[test]
fn the_configured_outbox_lease_is_the_lease_the_worker_claims_with() {
    let mut config = crate::helpers::test_config("unused.db".into());
    config.outbox_lease_seconds = 2;
    let delivery = shelf_server::delivery_of(&config).unwrap();
    assert_eq!(delivery.lease(), chrono::Duration::seconds(2));
}
