//! Real `shelf serve` processes: two instances racing on one PostgreSQL database, and a server
//! killed with SIGKILL in the middle of a burst.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shelf_domain::Role;

use crate::helpers::{
    DbGuard, SECRET, complete_content, fresh_database, is_postgres, multipart, ooxml, png, smtp_listener,
};

const SHELF: &str = env!("CARGO_BIN_EXE_shelf");

struct Instance {
    child: Child,
    base: String,
    /// Whether it has logged that it listens for announced events (PostgreSQL).
    listening: Arc<std::sync::atomic::AtomicBool>,
}

impl Instance {
    fn start(database_url: &str, smtp_url: &str) -> Instance {
        Self::start_with(database_url, smtp_url, &[])
    }

    fn start_with(database_url: &str, smtp_url: &str, env: &[(&str, &str)]) -> Instance {
        let mut child = Command::new(SHELF)
            .arg("serve")
            .envs(env.iter().copied())
            .env("SHELF_DATABASE_URL", database_url)
            .env("SHELF_BIND", "127.0.0.1:0")
            .env("SHELF_JWT_SECRET", String::from_utf8(SECRET.to_vec()).unwrap())
            .env("SHELF_SMTP_URL", smtp_url)
            .env("SHELF_OUTBOX_LEASE_SECONDS", "2")
            .env("SHELF_RATE_LIMIT_PER_MINUTE", "1000000")
            .env("SHELF_POOL_SIZE", "8")
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let listening = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let heard = listening.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                // Shown with the test's output when it fails.
                if line.contains(" WARN ") || line.contains(" ERROR ") {
                    eprintln!("instance: {line}");
                }
                if line.contains("listening for announced events") {
                    heard.store(true, std::sync::atomic::Ordering::Release);
                }
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    let _ = tx.send(rest.split(' ').next().unwrap_or("").to_owned());
                }
            }
        });
        let addr = rx.recv_timeout(Duration::from_secs(30)).expect("the instance starts");
        Instance { child, base: format!("http://{addr}"), listening }
    }

    /// Waits (10 s at most) until the instance listens for announced events.
    fn wait_until_listening(&self) {
        let started = Instant::now();
        while !self.listening.load(std::sync::atomic::Ordering::Acquire) {
            assert!(started.elapsed() < Duration::from_secs(10), "the instance does not listen for announced events");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Two instances on one fresh database, mailing one SMTP listener. Bind `_guard` first so that it
/// drops last: the instances stop before their database goes.
struct TwoInstances {
    one: Instance,
    two: Instance,
    /// The mails the listener received.
    received: Arc<Mutex<Vec<String>>>,
    _guard: DbGuard,
}

fn two_instances(env: &[(&str, &str)]) -> TwoInstances {
    let (url, _guard) = fresh_database();
    let (smtp, received) = smtp_listener();
    let (one, two) = (Instance::start_with(&url, &smtp, env), Instance::start_with(&url, &smtp, env));
    TwoInstances { one, two, received, _guard }
}

/// One instance on a fresh database. Bind the guard first (`let (_guard, one) = ...`) so that it
/// drops last: the instance stops before its database goes.
fn one_instance(env: &[(&str, &str)]) -> (DbGuard, Instance) {
    let (url, guard) = fresh_database();
    let (smtp, _) = smtp_listener();
    (guard, Instance::start_with(&url, &smtp, env))
}

fn token(sub: &str, role: Role) -> String {
    let email = (role == Role::Seller).then(|| format!("{sub}@example.com"));
    shelf_server::token(SECRET, sub, role, Duration::from_secs(3600), email, None).unwrap()
}

async fn call(
    method: &str,
    url: &str,
    token: &str,
    headers: &[(&str, &str)],
    content_type: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let client = awc::Client::builder().timeout(Duration::from_secs(30)).finish();
    let mut req = client.request(actix_web::http::Method::from_bytes(method.as_bytes()).unwrap(), url);
    req = req.insert_header(("Authorization", format!("Bearer {token}")));
    for (k, v) in headers {
        req = req.insert_header((*k, *v));
    }
    if !content_type.is_empty() {
        req = req.insert_header(("Content-Type", content_type));
    }
    match req.send_body(body).await {
        Ok(mut res) => {
            let bytes = res.body().limit(1 << 22).await.unwrap_or_default();
            (res.status().as_u16(), serde_json::from_slice(&bytes).unwrap_or(Value::Null))
        }
        Err(_) => (0, Value::Null),
    }
}

async fn json_call(method: &str, url: &str, token: &str, headers: &[(&str, &str)], body: &Value) -> (u16, Value) {
    call(method, url, token, headers, "application/json", body.to_string().into_bytes()).await
}

/// A complete draft with its files, on `base`; returns its id.
async fn ready_draft(base: &str, seller: &str) -> String {
    let (status, draft) =
        json_call("POST", &format!("{base}/v1/drafts"), seller, &[], &json!({"content": complete_content()})).await;
    assert_eq!(status, 201);
    let id = draft["id"].as_str().unwrap().to_owned();
    let (status, _) =
        call("PUT", &format!("{base}/v1/drafts/{id}/logo"), seller, &[], "image/png", png(120, 120)).await;
    assert_eq!(status, 200);
    let (content_type, body) = multipart("file", "form.docx", &ooxml("word/document.xml"));
    let (status, _) =
        call("POST", &format!("{base}/v1/drafts/{id}/request-templates"), seller, &[], &content_type, body).await;
    assert_eq!(status, 201);
    id
}

async fn wait_for_mails(received: &Arc<Mutex<Vec<String>>>, count: usize) {
    let started = Instant::now();
    while received.lock().unwrap().len() < count && started.elapsed() < Duration::from_secs(30) {
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    // Give a duplicate the time to show up if there were one.
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
}

#[actix_web::test]
#[cfg_attr(not(postgres_tests), ignore = "PostgreSQL only: runs when SHELF_TEST_DATABASE_URL is set")]
async fn two_instances_on_one_postgres_decide_once_and_deliver_each_mail_once() {
    assert!(is_postgres(), "the two-instance races need PostgreSQL");
    let TwoInstances { _guard, received, one, two } = two_instances(&[]);
    let bases = [one.base.clone(), two.base.clone()];
    let seller = token("seller-a", Role::Seller);

    // 50 concurrent PATCHes with one If-Match: one 200, the rest 412.
    let draft = ready_draft(&bases[0], &seller).await;
    let patches = (0..50).map(|i| {
        let url = format!("{}/v1/drafts/{draft}", bases[i % 2]);
        let seller = seller.clone();
        async move {
            let body = json!({"content": {"summary": format!("Summary {i}")}}).to_string().into_bytes();
            call("PATCH", &url, &seller, &[("If-Match", "\"1\"")], "application/merge-patch+json", body).await.0
        }
    });
    let statuses = futures_util::future::join_all(patches).await;
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 412), "{statuses:?}");

    // 20 concurrent submits with one Idempotency-Key: one application.
    let submits = (0..20).map(|i| {
        let url = format!("{}/v1/drafts/{draft}/submit", bases[i % 2]);
        let seller = seller.clone();
        async move { json_call("POST", &url, &seller, &[("Idempotency-Key", "submit-once")], &json!({})).await }
    });
    let results = futures_util::future::join_all(submits).await;
    assert!(
        results.iter().all(|(s, _)| [201, 409].contains(s)),
        "{:?}",
        results.iter().map(|r| r.0).collect::<Vec<_>>()
    );
    let (_, applications) =
        json_call("GET", &format!("{}/v1/applications", bases[1]), &seller, &[], &json!(null)).await;
    let applications = applications["items"].as_array().unwrap().clone();
    assert_eq!(applications.len(), 1);
    let application = applications[0]["id"].as_str().unwrap().to_owned();

    // 50 concurrent approvals and rejections across both instances: exactly one 200.
    let decisions = (0..50).map(|i| {
        let base = bases[i % 2].clone();
        let application = application.clone();
        async move {
            let reviewer = token(&format!("rev-{i}"), Role::Reviewer);
            if i % 3 == 0 {
                let body = json!({"reason": "Not ready for the catalog yet."});
                json_call("POST", &format!("{base}/v1/applications/{application}/reject"), &reviewer, &[], &body)
                    .await
                    .0
            } else {
                json_call("POST", &format!("{base}/v1/applications/{application}/approve"), &reviewer, &[], &json!({}))
                    .await
                    .0
            }
        }
    });
    let statuses = futures_util::future::join_all(decisions).await;
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");

    // Both instances' outbox workers run: the one decision's email arrives once.
    wait_for_mails(&received, 1).await;
    assert_eq!(received.lock().unwrap().len(), 1);
}

async fn kill_mid_burst_then_check(url: &str) {
    let (smtp, received) = smtp_listener();
    let mut server = Instance::start(url, &smtp);
    let seller = token("seller-a", Role::Seller);
    let mut drafts = Vec::new();
    for _ in 0..12 {
        drafts.push(ready_draft(&server.base, &seller).await);
    }
    // A burst of submissions and decisions, and a SIGKILL in the middle of it.
    let base = server.base.clone();
    let burst = drafts.iter().enumerate().map(|(i, draft)| {
        let (base, seller, draft) = (base.clone(), seller.clone(), draft.clone());
        async move {
            let (status, application) =
                json_call("POST", &format!("{base}/v1/drafts/{draft}/submit"), &seller, &[], &json!({})).await;
            if status == 201 {
                let reviewer = token("rev", Role::Reviewer);
                let id = application["id"].as_str().unwrap_or_default().to_owned();
                let (path, body) = if i % 2 == 0 {
                    ("approve", json!({}))
                } else {
                    ("reject", json!({"reason": "Please add the cut-over plan."}))
                };
                json_call("POST", &format!("{base}/v1/applications/{id}/{path}"), &reviewer, &[], &body).await;
            }
        }
    });
    let burst = futures_util::future::join_all(burst);
    let killer = async {
        actix_web::rt::time::sleep(Duration::from_millis(150)).await;
        server.kill();
    };
    futures_util::future::join(burst, killer).await;

    // Restart on the same database: everything is consistent, and every decision's email goes out.
    let server = Instance::start(url, &smtp);
    let reviewer = token("rev", Role::Reviewer);
    let (_, applications) =
        json_call("GET", &format!("{}/v1/applications?limit=100", server.base), &seller, &[], &json!(null)).await;
    let applications = applications["items"].as_array().unwrap().clone();
    let mut decided = 0;
    for a in &applications {
        let draft_id = a["draft_id"].as_str().unwrap();
        let (_, draft) =
            json_call("GET", &format!("{}/v1/drafts/{draft_id}", server.base), &seller, &[], &json!(null)).await;
        let expected = match a["status"].as_str().unwrap() {
            "pending" => "in_review",
            "approved" => "closed",
            "rejected" => "rejected",
            other => panic!("unexpected status {other}"),
        };
        assert_eq!(draft["state"], expected, "application {a}");
        if a["status"] == "approved" {
            let product = a["product_id"].as_str().expect("an approved application names its product");
            let (status, _) =
                json_call("GET", &format!("{}/v1/products/{product}", server.base), &seller, &[], &json!(null)).await;
            assert_eq!(status, 200);
        }
        if a["status"] != "pending" {
            decided += 1;
        }
    }
    for draft in &drafts {
        let (_, d) = json_call("GET", &format!("{}/v1/drafts/{draft}", server.base), &seller, &[], &json!(null)).await;
        let has_application = applications.iter().any(|a| a["draft_id"] == d["id"]);
        assert_eq!(d["state"] != "editing", has_application, "draft {d}");
    }
    let (_, products) =
        json_call("GET", &format!("{}/v1/products?limit=100", server.base), &seller, &[], &json!(null)).await;
    let approved = applications.iter().filter(|a| a["status"] == "approved").count();
    assert_eq!(products["items"].as_array().unwrap().len(), approved, "no product without its approval");
    wait_for_mails(&received, decided).await;
    let mails = received.lock().unwrap().len();
    assert!(mails >= decided, "{mails} emails for {decided} decisions");
    let _ = reviewer;
}

#[actix_web::test]
async fn a_killed_server_leaves_consistent_data_and_delivers_after_restart() {
    let (url, _guard) = fresh_database();
    kill_mid_burst_then_check(&url).await;
}

async fn catalog_status(base: &str, product: &str) -> u16 {
    let client = awc::Client::builder().timeout(Duration::from_secs(30)).finish();
    client.get(format!("{base}/v1/catalog/products/{product}")).send().await.map_or(0, |r| r.status().as_u16())
}

#[actix_web::test]
#[cfg_attr(not(postgres_tests), ignore = "PostgreSQL only: runs when SHELF_TEST_DATABASE_URL is set")]
async fn a_change_through_one_instance_reaches_the_other_instances_cached_catalog_entry_and_list_page() {
    assert!(is_postgres(), "the two-instance cache check needs PostgreSQL");
    let TwoInstances { _guard, one, two, .. } = two_instances(&[]);
    let seller = token("seller-a", Role::Seller);
    let draft = ready_draft(&one.base, &seller).await;
    let (status, application) =
        json_call("POST", &format!("{}/v1/drafts/{draft}/submit", one.base), &seller, &[], &json!({})).await;
    assert_eq!(status, 201);
    // The other instance's review queue shows it (and keeps that page).
    let reviewer = token("rev", Role::Reviewer);
    let queue = |base: &str| format!("{base}/v1/review/applications");
    let application_id = application["id"].as_str().unwrap().to_owned();
    assert_eq!(
        call("GET", &queue(&two.base), &reviewer, &[], "", Vec::new()).await.1["items"][0]["id"],
        application_id
    );
    let approve = format!("{}/v1/applications/{application_id}/approve", one.base);
    let (status, approved) = json_call("POST", &approve, &reviewer, &[], &json!({})).await;
    assert_eq!(status, 200);
    let product = approved["product_id"].as_str().unwrap().to_owned();
    let started = Instant::now();
    while call("GET", &queue(&two.base), &reviewer, &[], "", Vec::new()).await.1["items"] != json!([]) {
        assert!(started.elapsed() < Duration::from_secs(5), "the other instance still queues the decided application");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    // Both instances now hold the entry.
    assert_eq!(catalog_status(&one.base, &product).await, 200);
    assert_eq!(catalog_status(&two.base, &product).await, 200);
    // And the first page of the listing (cached from here on).
    assert_eq!(listed(&one.base).await, std::slice::from_ref(&product));
    assert_eq!(listed(&two.base).await, std::slice::from_ref(&product));

    let remove = format!("{}/v1/products/{product}/remove", one.base);
    assert_eq!(json_call("POST", &remove, &seller, &[], &json!({})).await.0, 200);
    // The instance that made the change drops its copy at once; the other within its event poll.
    assert_eq!(catalog_status(&one.base, &product).await, 410);
    let started = Instant::now();
    while catalog_status(&two.base, &product).await != 410 {
        assert!(started.elapsed() < Duration::from_secs(5), "the other instance still serves the removed product");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(listed(&one.base).await.is_empty());
    while !listed(&two.base).await.is_empty() {
        assert!(started.elapsed() < Duration::from_secs(5), "the other instance still lists the removed product");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_web::test]
#[cfg_attr(not(postgres_tests), ignore = "PostgreSQL only: runs when SHELF_TEST_DATABASE_URL is set")]
async fn an_instance_hears_of_a_change_through_another_without_waiting_for_its_poll() {
    assert!(is_postgres(), "announced events are PostgreSQL's LISTEN/NOTIFY");
    // Polls a minute apart: within the test, only the announcement can bring the change.
    let TwoInstances { _guard, one, two, .. } = two_instances(&[("SHELF_EVENT_POLL_MS", "60000")]);
    // From here on, a change reaches the other instance only as an announcement.
    one.wait_until_listening();
    two.wait_until_listening();
    let (seller, reviewer) = (token("seller-a", Role::Seller), token("rev", Role::Reviewer));
    let draft = ready_draft(&one.base, &seller).await;
    let submit = format!("{}/v1/drafts/{draft}/submit", one.base);
    let (status, application) = json_call("POST", &submit, &seller, &[], &json!({})).await;
    assert_eq!(status, 201);
    let approve = format!("{}/v1/applications/{}/approve", one.base, application["id"].as_str().unwrap());
    let (status, approved) = json_call("POST", &approve, &reviewer, &[], &json!({})).await;
    assert_eq!(status, 200);
    let product = approved["product_id"].as_str().unwrap().to_owned();
    assert_eq!(catalog_status(&two.base, &product).await, 200, "the other instance caches the entry");

    let remove = format!("{}/v1/products/{product}/remove", one.base);
    assert_eq!(json_call("POST", &remove, &seller, &[], &json!({})).await.0, 200);
    let started = Instant::now();
    while catalog_status(&two.base, &product).await != 410 {
        assert!(started.elapsed() < Duration::from_secs(10), "the other instance waits for its poll, a minute away");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The ids on the catalog's first page.
async fn listed(base: &str) -> Vec<String> {
    let client = awc::Client::builder().timeout(Duration::from_secs(30)).finish();
    let mut response = client.get(format!("{base}/v1/catalog/products")).send().await.unwrap();
    let page: Value = response.json().await.unwrap();
    page["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect()
}

/// Sends the head of a part and a fraction of its body, then drops the connection.
fn interrupted_put(base: &str, path: &str, token: &str, declared: usize, sent: &[u8]) {
    use std::io::Write;
    let host = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "PUT {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {declared}\r\n\r\n"
    )
    .unwrap();
    stream.write_all(sent).unwrap();
    stream.flush().unwrap();
    drop(stream);
}

#[actix_web::test]
async fn an_upload_survives_an_interrupted_part_and_a_server_killed_mid_upload() {
    use sha2::Digest;
    let (url, _guard) = fresh_database();
    let (smtp, _received) = smtp_listener();
    let files = crate::files::FilesDir::new();
    let dir = files.0.display().to_string();
    let env = [("SHELF_FILES_DIR", dir.as_str())];
    let mut one = Instance::start_with(&url, &smtp, &env);
    let seller = token("seller-a", Role::Seller);
    let part_size = 8 << 20;
    let file: Vec<u8> = (0..part_size + 1000).map(|i| (i % 253) as u8).collect();
    let sha256: String = sha2::Sha256::digest(&file).iter().map(|b| format!("{b:02x}")).collect();
    let declaration =
        json!({"filename": "agent.tar.gz", "media_type": "application/gzip", "size": file.len(), "sha256": sha256});
    let (status, upload) = json_call("POST", &format!("{}/v1/uploads", one.base), &seller, &[], &declaration).await;
    assert_eq!(status, 201);
    let id = upload["id"].as_str().unwrap().to_owned();
    let part = |n: usize| file[(n - 1) * part_size..(n * part_size).min(file.len())].to_vec();
    let put = |base: String, n: usize| {
        let (seller, id) = (seller.clone(), id.clone());
        let bytes = part(n);
        async move {
            call("PUT", &format!("{base}/v1/uploads/{id}/parts/{n}"), &seller, &[], "application/octet-stream", bytes)
                .await
                .0
        }
    };
    assert_eq!(put(one.base.clone(), 2).await, 200);
    // Part 1 breaks off after a megabyte: nothing of it is recorded.
    interrupted_put(&one.base, &format!("/v1/uploads/{id}/parts/1"), &seller, part_size, &file[..1 << 20]);
    let get = |base: String| {
        let (seller, id) = (seller.clone(), id.clone());
        async move { call("GET", &format!("{base}/v1/uploads/{id}"), &seller, &[], "application/json", Vec::new()).await.1 }
    };
    let started = Instant::now();
    while get(one.base.clone()).await["received_parts"] != json!([2]) {
        assert!(started.elapsed() < Duration::from_secs(5), "part 2 recorded, part 1 not");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    // The server dies (SIGKILL) mid-upload; another takes over from what was recorded.
    one.kill();
    let two = Instance::start_with(&url, &smtp, &env);
    assert_eq!(get(two.base.clone()).await["received_parts"], json!([2]));
    assert_eq!(put(two.base.clone(), 1).await, 200);
    let (status, done) =
        json_call("POST", &format!("{}/v1/uploads/{id}/complete", two.base), &seller, &[], &json!({})).await;
    assert_eq!((status, done["status"].as_str()), (200, Some("completed")), "{done}");
    assert_eq!(std::fs::read(files.path_of(&sha256)).unwrap(), file, "the stored file is the file, byte for byte");
}

#[actix_web::test]
async fn a_webhook_in_flight_when_the_server_is_killed_is_sent_again_with_its_id_after_a_restart() {
    let (url, _guard) = fresh_database();
    let (smtp, _) = smtp_listener();
    let env = [("SHELF_ALLOW_PRIVATE_ENDPOINTS", "true"), ("SHELF_WEBHOOK_LEASE_SECONDS", "2")];
    let mut one = Instance::start_with(&url, &smtp, &env);
    let receiver = crate::webhooks::Receiver::start();
    // The first message is held by the receiver while the server dies (SIGKILL) before recording it.
    receiver.answer(200, Duration::from_secs(4));
    let seller = token("seller-a", Role::Seller);
    let (status, endpoint) =
        json_call("POST", &format!("{}/v1/webhook-endpoints", one.base), &seller, &[], &json!({"url": receiver.url()}))
            .await;
    assert_eq!(status, 201, "{endpoint}");
    let endpoint_id = endpoint["id"].as_str().unwrap().to_owned();
    let ping = format!("{}/v1/webhook-endpoints/{endpoint_id}/ping", one.base);
    assert_eq!(json_call("POST", &ping, &seller, &[], &json!({})).await.0, 202);
    let started = Instant::now();
    while receiver.received().is_empty() && started.elapsed() < Duration::from_secs(20) {
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(receiver.received().len(), 1, "the message was sent");
    one.kill();
    // Another server takes the delivery once its claim expires, and sends it with the same id.
    let two = Instance::start_with(&url, &smtp, &env);
    let started = Instant::now();
    while receiver.received().len() < 2 && started.elapsed() < Duration::from_secs(30) {
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    let ids: Vec<String> = receiver.received().iter().map(|r| r.header("webhook-id").to_owned()).collect();
    assert_eq!(ids.len(), 2, "sent again after the restart");
    assert_eq!(ids[0], ids[1], "with the same webhook-id");
    let deliveries = format!("{}/v1/webhook-endpoints/{endpoint_id}/deliveries", two.base);
    let started = Instant::now();
    loop {
        let (_, log) = call("GET", &deliveries, &seller, &[], "", Vec::new()).await;
        if log["items"][0]["status"] == "succeeded" {
            assert_eq!(log["items"][0]["attempts"], 1, "the attempt the dead server made was never recorded");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "recorded: {log}");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_web::test]
#[cfg_attr(not(postgres_tests), ignore = "PostgreSQL only: runs when SHELF_TEST_DATABASE_URL is set")]
async fn webhook_deliveries_go_out_when_events_are_announced_without_waiting_for_the_workers_tick() {
    assert!(is_postgres(), "announced events are PostgreSQL's LISTEN/NOTIFY");
    // The webhook worker's tick is the event poll: a minute here.
    let env = [("SHELF_EVENT_POLL_MS", "60000"), ("SHELF_ALLOW_PRIVATE_ENDPOINTS", "true")];
    let (_guard, one) = one_instance(&env);
    one.wait_until_listening();
    let receiver = crate::webhooks::Receiver::start();
    let seller = token("seller-a", Role::Seller);
    let endpoint = json!({"url": receiver.url(), "event_types": ["*"]});
    let (status, _) = json_call("POST", &format!("{}/v1/webhook-endpoints", one.base), &seller, &[], &endpoint).await;
    assert_eq!(status, 201);
    // Past the worker's first tick (at start-up), so only the announcement can send what follows.
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    let draft = ready_draft(&one.base, &seller).await;
    let submit = format!("{}/v1/drafts/{draft}/submit", one.base);
    assert_eq!(json_call("POST", &submit, &seller, &[], &json!({})).await.0, 201);
    let started = Instant::now();
    while receiver.received().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(10), "the delivery waits for the worker's tick, a minute away");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}
