//! `TestApp`: the real application on a free port with its own database, and typed calls.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use actix_web::http::{Method, StatusCode, header::HeaderMap};
use diesel::{Connection, RunQueryDsl};
use serde_json::{Value, json};
use shelf_domain::Role;
use shelf_persistence::Db;
use shelf_server::{Config, JwtKey};

pub const SECRET: &[u8] = b"test-secret-of-at-least-32-bytes!!";

/// Removes the test's database when the test ends, whatever its outcome.
pub enum DbGuard {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        match self {
            DbGuard::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            DbGuard::Postgres { admin_url, name } => {
                if let Ok(mut conn) = diesel::PgConnection::establish(admin_url) {
                    let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut conn);
                }
            }
        }
    }
}

/// A fresh, empty database URL for one test, and the guard that removes it.
pub fn fresh_database() -> (String, DbGuard) {
    let name = format!("shelf_test_{}", uuid::Uuid::now_v7().simple());
    match std::env::var("SHELF_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        Some(admin_url) => {
            let mut conn = diesel::PgConnection::establish(&admin_url).expect("connect to SHELF_TEST_DATABASE_URL");
            diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut conn).expect("create test database");
            let base = admin_url.split('?').next().unwrap_or(&admin_url);
            let url = format!("{}/{name}", &base[..base.rfind('/').expect("a database URL with a path")]);
            (url, DbGuard::Postgres { admin_url, name })
        }
        None => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            (path.display().to_string(), DbGuard::Sqlite(path))
        }
    }
}

pub fn is_postgres() -> bool {
    std::env::var("SHELF_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

pub fn test_config(database_url: String) -> Config {
    Config {
        database_url,
        bind: "127.0.0.1:0".into(),
        jwt_key: JwtKey::Secret(SECRET.to_vec()),
        jwt_issuer: None,
        jwt_audience: None,
        pool_size: Some(4),
        cors_origins: Vec::new(),
        marketplace_offset_seconds: 8 * 3600,
        json_body_bytes: 1 << 20,
        body_timeout_seconds: 30,
        rate_limit_per_minute: 100_000,
        anonymous_rate_limit_per_minute: 100_000,
        search_rate_limit_per_minute: 100_000,
        outbox_lease_seconds: 60,
        webhook_lease_seconds: 60,
        smtp_url: None,
        mail_from: None,
        sms_webhook_url: None,
        event_poll_ms: 250,
        catalog_cache_mb: 32,
        files_dir: None,
        metrics_bind: None,
        s3: None,
        scanner: None,
        scan_dir: std::env::temp_dir(),
        outbound: shelf_domain::webhook::OutboundPolicy { allow_private: true },
        catalog_default_region: None,
    }
}

pub struct TestApp {
    server: actix_test::TestServer,
    pub db: Db,
    /// The app's blob store, for running its workers' use cases from a test.
    pub blobs: shelf_persistence::blobs::BlobStore,
    _guard: DbGuard,
}

/// A response, read whole.
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the status and that the body is a problem document of that status; returns it.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", String::from_utf8_lossy(&self.body));
        assert_eq!(self.header("content-type"), Some("application/problem+json"));
        let p = self.json();
        assert_eq!(p["status"], status);
        for field in ["type", "title", "detail"] {
            assert!(p[field].is_string(), "problem without {field}: {p}");
        }
        assert!(p["errors"].is_array(), "problem without errors: {p}");
        p
    }

    pub fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(self.status.as_u16(), status, "body: {}", String::from_utf8_lossy(&self.body));
        self
    }
}

/// A body to send.
pub enum Body<'a> {
    None,
    Json(&'a Value),
    Raw(&'a str, Vec<u8>),
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> TestApp {
        let (url, guard) = fresh_database();
        let mut config = test_config(url);
        configure(&mut config);
        let db = shelf_server::open_db(&config).expect("open and migrate the test database");
        let state = shelf_server::state(&config, db.clone()).expect("app state");
        let blobs = state.blobs.clone();
        static DOCUMENT: std::sync::OnceLock<shelf_http::Document> = std::sync::OnceLock::new();
        let document = DOCUMENT.get_or_init(|| shelf_http::Document::new(&shelf_http::openapi())).clone();
        let cors = config.cors_origins.clone();
        let server = actix_test::start_with(actix_test::config().workers(1), move || {
            shelf_http::app(state.clone(), document.clone(), cors.clone())
        });
        TestApp { server, db, blobs, _guard: guard }
    }

    pub fn token(&self, sub: &str, role: Role) -> String {
        shelf_server::token(SECRET, sub, role, std::time::Duration::from_secs(3600), None, None).unwrap()
    }

    /// The server's address, for tests that speak HTTP by hand.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.server.addr()
    }

    pub fn seller(&self, sub: &str) -> String {
        self.token(sub, Role::Seller)
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Body<'_>,
    ) -> Response {
        // Longer than any deadline of the server's own (a SaaS verification waits 5 s for its answer).
        let mut req = self.server.request(method, self.server.url(path)).timeout(std::time::Duration::from_secs(30));
        if let Some(token) = token {
            req = req.insert_header(("Authorization", format!("Bearer {token}")));
        }
        for (name, value) in headers {
            req = req.insert_header((*name, *value));
        }
        let sent = match body {
            Body::None => req.send().await,
            Body::Json(value) => {
                req.insert_header(("Content-Type", "application/json")).send_body(value.to_string()).await
            }
            Body::Raw(content_type, bytes) => {
                let req = if content_type.is_empty() { req } else { req.insert_header(("Content-Type", content_type)) };
                req.send_body(bytes).await
            }
        };
        let mut res = sent.expect("the request reaches the server");
        let body = res.body().limit(16 << 20).await.expect("a readable body").to_vec();
        Response { status: res.status(), headers: res.headers().clone(), body }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.call(Method::GET, path, token, &[], Body::None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.call(Method::POST, path, token, &[], Body::Json(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, if_match: Option<&str>, body: &Value) -> Response {
        let headers: Vec<(&str, &str)> = if_match.map(|m| vec![("If-Match", m)]).unwrap_or_default();
        let body = body.to_string().into_bytes();
        self.call(Method::PATCH, path, Some(token), &headers, Body::Raw("application/merge-patch+json", body)).await
    }

    /// A PUT of a JSON body, with If-Match when given.
    pub async fn put_json(&self, path: &str, token: &str, if_match: Option<&str>, body: &Value) -> Response {
        let headers: Vec<(&str, &str)> = if_match.map(|m| ("If-Match", m)).into_iter().collect();
        self.call(
            Method::PUT,
            path,
            Some(token),
            &headers,
            Body::Raw("application/json", body.to_string().into_bytes()),
        )
        .await
    }

    pub async fn delete(&self, path: &str, token: &str, if_match: Option<&str>) -> Response {
        let headers: Vec<(&str, &str)> = if_match.map(|m| vec![("If-Match", m)]).unwrap_or_default();
        self.call(Method::DELETE, path, Some(token), &headers, Body::None).await
    }

    /// Creates a resource with a POST and returns its JSON (asserting 201).
    pub async fn create(&self, path: &str, token: &str, body: Value) -> Value {
        let res = self.post(path, Some(token), &body).await;
        res.assert_status(201);
        res.json()
    }

    /// Creates a draft and returns its JSON (asserting 201): a professional service unless `content`
    /// names another delivery method (a draft's method is fixed when it is created).
    pub async fn create_draft(&self, token: &str, content: Value) -> Value {
        let res = self.post("/v1/drafts", Some(token), &json!({ "content": professional_service(content) })).await;
        res.assert_status(201);
        res.json()
    }
}

/// A grey PNG of `width` × `height` pixels.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&vec![128u8; (width * height) as usize]).unwrap();
    drop(writer);
    out
}

/// A minimal OOXML package with `main_part` (e.g. `word/document.xml` for .docx).
pub fn ooxml(main_part: &str) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for name in ["[Content_Types].xml", main_part] {
        zip.start_file(name, options).unwrap();
        zip.write_all(b"<xml/>").unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

/// A multipart/form-data body with one file field; returns the content type and the body.
pub fn multipart(field: &str, filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "shelf-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl TestApp {
    pub async fn put_logo(&self, token: &str, draft_id: &str, bytes: Vec<u8>) -> Response {
        let path = format!("/v1/drafts/{draft_id}/logo");
        self.call(Method::PUT, &path, Some(token), &[], Body::Raw("image/png", bytes)).await
    }

    pub async fn upload(&self, token: &str, draft_id: &str, filename: &str, bytes: &[u8]) -> Response {
        let (content_type, body) = multipart("file", filename, bytes);
        let path = format!("/v1/drafts/{draft_id}/request-templates");
        self.call(Method::POST, &path, Some(token), &[], Body::Raw(&content_type, body)).await
    }

    /// Submits and approves `draft`; returns the approved application.
    pub async fn approve_draft(&self, token: &str, draft: &Value) -> Value {
        let id = draft["id"].as_str().unwrap();
        let submitted = self.post(&format!("/v1/drafts/{id}/submit"), Some(token), &json!({})).await;
        submitted.assert_status(201);
        let reviewer = self.token("reviewer-1", Role::Reviewer);
        let application = submitted.json();
        let path = format!("/v1/applications/{}/approve", application["id"].as_str().unwrap());
        let approved = self.post(&path, Some(&reviewer), &json!({})).await;
        approved.assert_status(200);
        approved.json()
    }

    /// Submits the draft; returns the application.
    pub async fn submit_draft(&self, token: &str, draft: &Value) -> Value {
        let id = draft["id"].as_str().unwrap();
        let submitted = self.post(&format!("/v1/drafts/{id}/submit"), Some(token), &json!({})).await;
        submitted.assert_status(201);
        submitted.json()
    }

    /// A ready draft of the seller, submitted: in review.
    pub async fn in_review_draft(&self, token: &str) -> Value {
        let draft = self.ready_draft(token).await;
        self.submit_draft(token, &draft).await;
        draft
    }

    /// A ready draft with this content, submitted and rejected by a reviewer: editable again.
    pub async fn rejected_draft_with(&self, token: &str, content: Value) -> Value {
        let draft = self.ready_draft_with(token, content).await;
        let application = self.submit_draft(token, &draft).await;
        let reviewer = self.token("reviewer-1", Role::Reviewer);
        let path = format!("/v1/applications/{}/reject", application["id"].as_str().unwrap());
        self.post(&path, Some(&reviewer), &json!({"reason": "The description does not say what is delivered."}))
            .await
            .assert_status(200);
        draft
    }

    /// A listed product of the seller (a complete release, approved); returns the product.
    pub async fn listed_product(&self, token: &str) -> Value {
        self.listed_product_with(token, complete_content()).await
    }

    /// A listed product of the seller with this content.
    pub async fn listed_product_with(&self, token: &str, content: Value) -> Value {
        let draft = self.ready_draft_with(token, content).await;
        let application = self.approve_draft(token, &draft).await;
        self.get(&format!("/v1/products/{}", application["product_id"].as_str().unwrap()), Some(token)).await.json()
    }

    /// A draft with the complete content, a logo and one request template: ready to submit.
    pub async fn ready_draft(&self, token: &str) -> Value {
        self.ready_draft_with(token, complete_content()).await
    }

    /// A draft with this content, a logo and one request template.
    pub async fn ready_draft_with(&self, token: &str, content: Value) -> Value {
        let draft = self.create_draft(token, content).await;
        let id = draft["id"].as_str().unwrap();
        self.put_logo(token, id, png(120, 120)).await.assert_status(200);
        // Consulting services and images take no request templates (nothing is delivered against one).
        if !matches!(draft["content"]["delivery_method"].as_str(), Some("consulting_service" | "image")) {
            self.upload(token, id, "Order form.docx", &ooxml("word/document.xml")).await.assert_status(201);
        }
        draft
    }
}

/// Variations of a fixture content, so that a test names only what it changes:
/// `complete_content().with("/name", json!("X")).with_sku(1, json!({...}))`.
pub trait ContentBuilder: Sized {
    /// The content with the member at `pointer` (RFC 6901; its parent must exist) set to `value`.
    fn with(self, pointer: &str, value: Value) -> Self;

    /// The content with its first specification's SKU `index` replaced.
    fn with_sku(self, index: usize, sku: Value) -> Self {
        self.with(&format!("/specifications/0/skus/{index}"), sku)
    }

    /// The content with its first specification's SKUs replaced.
    fn with_skus(self, skus: Value) -> Self {
        self.with("/specifications/0/skus", skus)
    }

    /// The content without the member at `pointer`.
    fn without(self, pointer: &str) -> Self;

    /// The content with this name and summary.
    fn named(self, name: &str, summary: &str) -> Self {
        self.with("/name", json!(name)).with("/summary", json!(summary))
    }
}

impl ContentBuilder for Value {
    fn with(mut self, pointer: &str, value: Value) -> Self {
        let (parent, member) = pointer.rsplit_once('/').expect("a JSON pointer");
        match self.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent} in the content")) {
            Value::Object(map) => {
                map.insert(member.to_owned(), value);
            }
            Value::Array(items) => items[member.parse::<usize>().expect("an array index")] = value,
            other => panic!("{parent} is {other}, not an object or array"),
        }
        self
    }
    fn without(mut self, pointer: &str) -> Self {
        let (parent, member) = pointer.rsplit_once('/').expect("a JSON pointer");
        if let Some(Value::Object(map)) = self.pointer_mut(parent) {
            map.remove(member);
        }
        self
    }
}

/// A content that passes every product-level rule (files are not part of the content).
pub fn complete_content() -> Value {
    json!({
        "delivery_method": "professional_service",
        "name": "Data Migration Supporting Service",
        "version": "V1.0",
        "currency": "USD",
        "summary": "Move your databases to the cloud with zero data loss.",
        "description": "We migrate relational databases to managed cloud services. ".repeat(8),
        "highlights": ["Zero downtime cut-over", "Certified engineers"],
        "service_flow_template": "standard",
        "avg_delivery_days": 10,
        "after_sales": {"email": "support@example.com", "hotline": "+86 755 1234 5678",
                        "hours": "09:00-18:00", "days": "mon-fri", "timezone": "+08:00"},
        "public_sales": true,
        "specifications": [{
            "key": "migration",
            "name": "Database migration",
            "billing_mode": "one_time",
            "pricing": "custom",
            "attributes": [
                {"code": "edition", "name": "Edition", "type": "enumeration", "values": ["basic", "enterprise"]},
                {"code": "person_days", "name": "Person-days", "type": "quantity", "unit": "person-day",
                 "min": 1, "max": 100, "step": 1}
            ],
            "skus": [
                {"attributes": {"edition": "basic"}, "price": {"model": "linear", "unit_amounts": {"one_time": 50000}}},
                {"attributes": {"edition": "enterprise"}, "price": {"model": "linear", "unit_amounts": {"one_time": 90000}}}
            ]
        }]
    })
}

/// A complete content of `method` (every release rule of the method met, but for the assets and the
/// SaaS verification the caller provides): the professional service's, changed where the method
/// differs (domain.md "Rules per delivery method").
pub fn complete_content_of(method: &str) -> Value {
    let base = complete_content().with("/delivery_method", json!(method));
    let one_sku_yearly = json!([{
        "key": "std", "name": "Standard", "billing_mode": "yearly_monthly", "pricing": "simple",
        "price": {"model": "flat", "amounts": {"month": 1500, "year": 15000}},
        "attributes": [], "skus": [{"attributes": {}}]
    }]);
    match method {
        "professional_service" => base,
        "license" => base.with("/service_flow_template", json!("license_delivery")),
        "saas" => base.without("/avg_delivery_days").without("/service_flow_template").with(
            "/saas",
            json!({"involves_service_supervision": false, "production_api_url": "https://api.example.com/shelf"}),
        ),
        "image" => base
            .without("/avg_delivery_days")
            .without("/service_flow_template")
            .with("/image", json!({"asset_id": "set-me"}))
            .with("/specifications", one_sku_yearly),
        "consulting_service" => {
            base.without("/avg_delivery_days").without("/service_flow_template").without("/specifications").with(
                "/consulting",
                json!({"landing_url": "https://consulting.example.com/migrations",
                                        "contact_email": "sales@example.com", "contact_phone": "+86 755 1234 5678"}),
            )
        }
        "hardware" => base
            .without("/avg_delivery_days")
            .without("/service_flow_template")
            .with("/hardware", json!({"delivery_days": 7})),
        other => panic!("no delivery method {other}"),
    }
}

/// A tiny SMTP server that accepts every mail and keeps what it received.
pub fn smtp_listener() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let store = store.clone();
            std::thread::spawn(move || {
                let mut writer = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                let _ = writer.write_all(b"220 test ESMTP\r\n");
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 {
                    let command = line.trim_end().to_ascii_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
                        b"250 test\r\n"
                    } else if command == "DATA" {
                        let _ = writer.write_all(b"354 go ahead\r\n");
                        let mut data = String::new();
                        let mut part = String::new();
                        while reader.read_line(&mut part).unwrap_or(0) > 0 && part != ".\r\n" {
                            data.push_str(&part);
                            part.clear();
                        }
                        store.lock().unwrap().push(data);
                        b"250 queued\r\n"
                    } else if command == "QUIT" {
                        let _ = writer.write_all(b"221 bye\r\n");
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    let _ = writer.write_all(reply);
                    line.clear();
                }
            });
        }
    });
    (url, received)
}

/// `content` with `delivery_method` set to `professional_service` unless it names one.
pub fn professional_service(mut content: Value) -> Value {
    if let Some(members) = content.as_object_mut() {
        members.entry("delivery_method").or_insert_with(|| json!("professional_service"));
    }
    content
}

/// The body that creates an empty professional-service draft.
pub fn empty_draft() -> Value {
    json!({"content": {"delivery_method": "professional_service"}})
}
