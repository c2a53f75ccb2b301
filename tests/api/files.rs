use serde_json::{Value, json};

use shelf_persistence::blobs::{BlobStore, DirectoryBackend, S3Backend};
use shelf_persistence::files::FileKind;

use crate::helpers::{TestApp, complete_content, multipart, ooxml, png};

fn id(draft: &Value) -> &str {
    draft["id"].as_str().unwrap()
}

#[actix_web::test]
async fn a_logo_is_put_and_read_back_byte_for_byte() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    let logo = png(120, 120);
    let res = app.put_logo(&token, id(&draft), logo.clone()).await;
    res.assert_status(200);
    let sha = res.json()["sha256"].as_str().unwrap().to_owned();
    let got = app.get(&format!("/v1/drafts/{}/logo", id(&draft)), Some(&token)).await;
    got.assert_status(200);
    assert_eq!(got.header("content-type"), Some("image/png"));
    assert_eq!(got.body, logo);
    assert_eq!(got.header("etag"), Some(format!("\"{sha}\"").as_str()));
    let again = app
        .call(
            actix_web::http::Method::GET,
            &format!("/v1/drafts/{}/logo", id(&draft)),
            Some(&token),
            &[("If-None-Match", &format!("\"{sha}\""))],
            crate::helpers::Body::None,
        )
        .await;
    again.assert_status(304);
}

#[actix_web::test]
async fn a_logo_of_the_wrong_size_type_or_format_is_refused() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    let problem = app.put_logo(&token, id(&draft), png(100, 120)).await.problem(422);
    assert_eq!(problem["errors"][0]["code"], "image_dimensions");
    let problem = app.put_logo(&token, id(&draft), b"not a png at all".to_vec()).await.problem(422);
    assert_eq!(problem["errors"][0]["code"], "invalid_image");
    let path = format!("/v1/drafts/{}/logo", id(&draft));
    app.call(
        actix_web::http::Method::PUT,
        &path,
        Some(&token),
        &[],
        crate::helpers::Body::Raw("image/jpeg", png(120, 120)),
    )
    .await
    .problem(415);
    app.put_logo(&token, id(&draft), vec![0u8; 5 * 1024 * 1024 + 1]).await.problem(413);
    app.get(&path, Some(&token)).await.problem(404);
}

#[actix_web::test]
async fn request_templates_are_uploaded_listed_downloaded_and_deleted() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    let docx = ooxml("word/document.xml");
    let res = app.upload(&token, id(&draft), "../../Order;form.docx", &docx).await;
    res.assert_status(201);
    let file = res.json();
    assert_eq!(file["filename"], "Order_form.docx");
    assert_eq!(file["content_type"], "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    assert_eq!(file["size"], docx.len());
    assert_eq!(
        res.header("location"),
        Some(format!("/v1/drafts/{}/request-templates/{}", id(&draft), file["id"].as_str().unwrap()).as_str())
    );
    app.upload(&token, id(&draft), "sheet.xlsx", &ooxml("xl/workbook.xml")).await.assert_status(201);
    let list = app.get(&format!("/v1/drafts/{}/request-templates", id(&draft)), Some(&token)).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let download = app.get(res.header("location").unwrap(), Some(&token)).await;
    download.assert_status(200);
    assert_eq!(download.body, docx);
    assert!(download.header("content-disposition").unwrap().starts_with("attachment"));
    app.delete(res.header("location").unwrap(), &token, None).await.assert_status(204);
    app.get(res.header("location").unwrap(), Some(&token)).await.problem(404);
}

#[actix_web::test]
async fn wrong_request_templates_are_refused() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    for (name, bytes, code) in [
        ("form.docx", ooxml("notes.txt"), "file_content_mismatch"),
        ("form.docx", b"MZ\x90\x00\x03 an executable".to_vec(), "file_content_mismatch"),
        ("form.docx", b"%PDF-1.7 a pdf".to_vec(), "file_content_mismatch"),
        ("form.pdf", b"%PDF-1.7 a pdf".to_vec(), "unsupported_file_type"),
    ] {
        let problem = app.upload(&token, id(&draft), name, &bytes).await.problem(422);
        assert_eq!(problem["errors"][0]["code"], code, "{name}");
    }
    let big = vec![0u8; 10 * 1024 * 1024 + 1];
    app.upload(&token, id(&draft), "big.docx", &big).await.problem(413);
    let path = format!("/v1/drafts/{}/request-templates", id(&draft));
    let (content_type, body) = multipart("attachment", "form.docx", &ooxml("word/document.xml"));
    app.call(actix_web::http::Method::POST, &path, Some(&token), &[], crate::helpers::Body::Raw(&content_type, body))
        .await
        .problem(422);
    app.call(
        actix_web::http::Method::POST,
        &path,
        Some(&token),
        &[],
        crate::helpers::Body::Raw("application/json", b"{}".to_vec()),
    )
    .await
    .problem(415);
}

#[actix_web::test]
async fn a_draft_holds_at_most_five_request_templates() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    for i in 0..5 {
        app.upload(&token, id(&draft), &format!("f{i}.docx"), &ooxml("word/document.xml")).await.assert_status(201);
    }
    // Like every other bound: 422 limit_reached.
    let problem = app.upload(&token, id(&draft), "f5.docx", &ooxml("word/document.xml")).await.problem(422);
    assert_eq!(problem["errors"][0]["code"], "limit_reached");
    assert_eq!(problem["detail"], "a draft keeps at most 5 request templates; delete some first");
}

#[actix_web::test]
async fn another_sellers_draft_files_are_404() {
    let app = TestApp::spawn().await;
    let (a, b) = (app.seller("seller-a"), app.seller("seller-b"));
    let draft = app.ready_draft(&a).await;
    let files = app.get(&format!("/v1/drafts/{}/request-templates", id(&draft)), Some(&a)).await.json();
    let file_path =
        format!("/v1/drafts/{}/request-templates/{}", id(&draft), files["items"][0]["id"].as_str().unwrap());
    app.get(&format!("/v1/drafts/{}/logo", id(&draft)), Some(&b)).await.problem(404);
    app.put_logo(&b, id(&draft), png(120, 120)).await.problem(404);
    app.upload(&b, id(&draft), "x.docx", &ooxml("word/document.xml")).await.problem(404);
    app.get(&format!("/v1/drafts/{}/request-templates", id(&draft)), Some(&b)).await.problem(404);
    app.get(&file_path, Some(&b)).await.problem(404);
    app.delete(&file_path, &b, None).await.problem(404);
    app.get(&file_path, Some(&a)).await.assert_status(200);
}

#[actix_web::test]
async fn files_of_a_draft_in_review_cannot_change() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.in_review_draft(&token).await;
    app.put_logo(&token, id(&draft), png(120, 120)).await.problem(409);
    app.upload(&token, id(&draft), "x.docx", &ooxml("word/document.xml")).await.problem(409);
}

#[actix_web::test]
async fn with_its_files_a_complete_draft_is_ready() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.ready_draft(&token).await;
    let report = app.post(&format!("/v1/drafts/{}/validate", id(&draft)), Some(&token), &json!({})).await.json();
    assert_eq!(report, json!({"ready": true, "violations": [], "violation_count": 0}));
    let _ = complete_content();
}

#[actix_web::test]
async fn the_same_logo_put_on_many_drafts_at_once_is_stored_once_without_errors() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let mut drafts = Vec::new();
    for _ in 0..16 {
        drafts.push(app.create_draft(&token, json!({})).await["id"].as_str().unwrap().to_owned());
    }
    let logo = png(120, 120);
    let puts = drafts.iter().map(|id| app.put_logo(&token, id, logo.clone()));
    for response in futures_util::future::join_all(puts).await {
        response.assert_status(200);
    }
    for id in &drafts {
        assert_eq!(app.get(&format!("/v1/drafts/{id}/logo"), Some(&token)).await.body, logo);
    }
}

#[actix_web::test]
async fn a_logo_with_bytes_after_its_iend_or_broken_pixels_is_422() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    let mut polyglot = png(120, 120);
    polyglot.extend(ooxml("word/document.xml"));
    app.put_logo(&token, id(&draft), polyglot).await.problem(422);
    let mut broken = png(120, 120);
    let idat = broken.windows(4).position(|w| w == b"IDAT").unwrap();
    broken[idat + 6] ^= 0xFF;
    app.put_logo(&token, id(&draft), broken).await.problem(422);
    app.put_logo(&token, id(&draft), png(120, 120)).await.assert_status(200);
}

#[actix_web::test]
async fn an_office_file_with_unsafe_part_names_or_a_prefix_is_422() {
    use std::io::Write;
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for name in ["[Content_Types].xml", "word/document.xml", "../../../tmp/evil"] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(b"<xml/>").unwrap();
    }
    zip.finish().unwrap();
    let problem = app.upload(&token, id(&draft), "form.docx", &out.into_inner()).await.problem(422);
    assert_eq!(problem["errors"][0]["code"], "file_content_mismatch");
    let mut html = b"<html><body>hello</body></html>".to_vec();
    html.extend(ooxml("word/document.xml"));
    app.upload(&token, id(&draft), "page.docx", &html).await.problem(422);
}

#[actix_web::test]
async fn a_downloaded_template_names_its_file_in_ascii_and_in_rfc_8187_utf8_without_bidi_overrides() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    let uploaded =
        app.upload(&token, id(&draft), "Bestellformular für\u{202e}xcod.docx", &ooxml("word/document.xml")).await;
    uploaded.assert_status(201);
    assert_eq!(uploaded.json()["filename"], "Bestellformular fürxcod.docx");
    let path = format!("/v1/drafts/{}/request-templates/{}", id(&draft), uploaded.json()["id"].as_str().unwrap());
    let download = app.get(&path, Some(&token)).await;
    let disposition = download.header("content-disposition").unwrap();
    assert!(disposition.contains("filename=\"Bestellformular f_rxcod.docx\""), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''Bestellformular%20f%C3%BCrxcod.docx"), "{disposition}");
}

#[actix_web::test]
async fn replaced_and_deleted_files_leave_no_bytes_behind_and_released_files_stay() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let blobs = || app.db.read(shelf_persistence::files::blob_count).unwrap();
    let draft = app.create_draft(&token, json!({})).await;
    // Another image each time: the same size, other pixels (so other bytes).
    let logo = |shade: u8| {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, 120, 120);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.write_header().unwrap().write_image_data(&[shade; 120 * 120]).unwrap();
        out
    };
    for shade in [1u8, 2, 3] {
        app.put_logo(&token, id(&draft), logo(shade)).await.assert_status(200);
        assert_eq!(blobs(), 1, "a replaced logo's bytes are gone");
    }
    let template = app.upload(&token, id(&draft), "a.docx", &ooxml("word/document.xml")).await.json();
    assert_eq!(blobs(), 2);
    let path = format!("/v1/drafts/{}/request-templates/{}", id(&draft), template["id"].as_str().unwrap());
    app.delete(&path, &token, None).await.assert_status(204);
    assert_eq!(blobs(), 1, "a deleted template's bytes are gone");
    app.delete(&format!("/v1/drafts/{}", id(&draft)), &token, Some("\"1\"")).await.assert_status(204);
    assert_eq!(blobs(), 0, "a deleted draft's files are gone");

    // A released product's files stay when a modification draft that shares them is deleted.
    let product = app.listed_product(&token).await;
    let stored = blobs();
    assert_eq!(stored, 2);
    let modification =
        app.post(&format!("/v1/products/{}/drafts", product["id"].as_str().unwrap()), Some(&token), &json!({})).await;
    modification.assert_status(201);
    let modification = modification.json();
    app.delete(&format!("/v1/drafts/{}", id(&modification)), &token, Some(&format!("\"{}\"", modification["version"])))
        .await
        .assert_status(204);
    assert_eq!(blobs(), stored, "the released files are still referenced by the product's closed draft");
    let again = app
        .post(&format!("/v1/products/{}/drafts", product["id"].as_str().unwrap()), Some(&token), &json!({}))
        .await
        .json();
    app.get(&format!("/v1/drafts/{}/logo", id(&again)), Some(&token)).await.assert_status(200);
}

// ---- the directory store (SHELF_FILES_DIR) ----

/// A files directory for one test, removed when dropped.
pub(crate) struct FilesDir(pub(crate) std::path::PathBuf);

impl FilesDir {
    pub(crate) fn new() -> FilesDir {
        FilesDir(std::env::temp_dir().join(format!("shelf_files_{}", uuid::Uuid::now_v7().simple())))
    }

    pub(crate) fn path_of(&self, sha256: &str) -> std::path::PathBuf {
        self.0.join(&sha256[..2]).join(sha256)
    }

    pub(crate) fn store(&self) -> BlobStore {
        BlobStore::new(std::sync::Arc::new(DirectoryBackend::open(&self.0).unwrap()))
    }
}

impl Drop for FilesDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(crate) async fn spawn_with_files_dir(dir: &FilesDir) -> TestApp {
    let path = dir.0.clone();
    TestApp::spawn_with(move |c| c.files_dir = Some(path)).await
}

#[actix_web::test]
async fn with_a_files_directory_the_bytes_are_files_and_download_byte_identical() {
    let dir = FilesDir::new();
    let app = spawn_with_files_dir(&dir).await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    let logo = png(120, 120);
    let stored = app.put_logo(&token, id(&draft), logo.clone()).await.json();
    let sha256 = stored["sha256"].as_str().unwrap();
    assert_eq!(std::fs::read(dir.path_of(sha256)).unwrap(), logo);
    let template = ooxml("word/document.xml");
    let uploaded = app.upload(&token, id(&draft), "Order form.docx", &template).await.json();
    let download = app
        .get(&format!("/v1/drafts/{}/request-templates/{}", id(&draft), uploaded["id"].as_str().unwrap()), Some(&token))
        .await;
    assert_eq!(download.body, template);
    assert_eq!(app.get(&format!("/v1/drafts/{}/logo", id(&draft)), Some(&token)).await.body, logo);
    // The database holds the index, not the bytes.
    let (stored_in, data): (String, Vec<u8>) = app
        .db
        .read(|c| {
            use diesel::prelude::*;
            use shelf_persistence::schema::blobs;
            Ok(blobs::table.find(sha256).select((blobs::stored_in, blobs::data)).first(c)?)
        })
        .unwrap();
    assert_eq!((stored_in.as_str(), data.len()), ("directory", 0));
}

#[actix_web::test]
async fn a_deleted_drafts_files_are_released_then_swept_from_the_directory() {
    let dir = FilesDir::new();
    let app = spawn_with_files_dir(&dir).await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    let stored = app.put_logo(&token, id(&draft), png(120, 120)).await.json();
    let path = dir.path_of(stored["sha256"].as_str().unwrap());
    app.delete(&format!("/v1/drafts/{}", id(&draft)), &token, Some("\"1\"")).await.assert_status(204);
    // Released in the delete's transaction; the bytes stay until the sweep, never before the commit.
    assert_eq!(app.db.read(shelf_persistence::blobs::counts).unwrap(), (1, 1));
    assert!(path.exists());
    // Not due yet: nothing goes.
    assert_eq!(dir.store().sweep(&app.db, chrono::Duration::hours(1), 100).unwrap(), 0);
    assert_eq!(dir.store().sweep(&app.db, chrono::Duration::zero(), 100).unwrap(), 1);
    assert_eq!(app.db.read(shelf_persistence::blobs::counts).unwrap(), (0, 0));
    assert!(!path.exists());
}

#[actix_web::test]
async fn released_bytes_put_again_are_referenced_again_and_never_swept() {
    let dir = FilesDir::new();
    let app = spawn_with_files_dir(&dir).await;
    let token = app.seller("seller-a");
    let first = app.create_draft(&token, json!({})).await;
    let stored = app.put_logo(&token, id(&first), png(120, 120)).await.json();
    let path = dir.path_of(stored["sha256"].as_str().unwrap());
    app.delete(&format!("/v1/drafts/{}", id(&first)), &token, Some("\"1\"")).await.assert_status(204);
    // As if a sweep had taken the bytes and then failed to commit: the row is still released.
    std::fs::remove_file(&path).unwrap();
    let second = app.create_draft(&token, json!({})).await;
    app.put_logo(&token, id(&second), png(120, 120)).await.assert_status(200);
    assert!(path.exists(), "a put of released bytes writes them again");
    assert_eq!(app.db.read(shelf_persistence::blobs::counts).unwrap(), (1, 0));
    assert_eq!(dir.store().sweep(&app.db, chrono::Duration::zero(), 100).unwrap(), 0);
    assert_eq!(app.get(&format!("/v1/drafts/{}/logo", id(&second)), Some(&token)).await.body, png(120, 120));
}

#[actix_web::test]
async fn bytes_stored_in_the_database_stay_readable_after_moving_to_a_directory() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    app.put_logo(&token, id(&draft), png(120, 120)).await.assert_status(200);
    let dir = FilesDir::new();
    let moved = dir.store();
    let (_, bytes) = app
        .db
        .read(|c| shelf_persistence::files::get(c, &moved, "seller-a", id(&draft), FileKind::Logo, None))
        .unwrap();
    assert_eq!(bytes, png(120, 120));
}

// ---- the S3 store (SHELF_S3_URL): against a real S3-compatible server ----

/// A fresh bucket on the S3-compatible server of `SHELF_TEST_S3_URL` (.ci/run starts moto's).
pub(crate) fn s3_bucket() -> shelf_persistence::blobs::S3Location {
    let endpoint = std::env::var("SHELF_TEST_S3_URL").expect("SHELF_TEST_S3_URL");
    let bucket = format!("shelf-test-{}", &uuid::Uuid::now_v7().simple().to_string()[12..]);
    assert_eq!(s3_request(&endpoint, "PUT", &format!("/{bucket}")).0, 200, "create bucket {bucket}");
    shelf_persistence::blobs::S3Location { endpoint, bucket, region: "us-east-1".into() }
}

/// Whether the bucket holds an object of the blob `sha256` (a listing: moto answers it unsigned).
pub(crate) fn s3_holds(location: &shelf_persistence::blobs::S3Location, sha256: &str) -> bool {
    let key = format!("blobs/{}/{sha256}", &sha256[..2]);
    let (status, body) =
        s3_request(&location.endpoint, "GET", &format!("/{}?list-type=2&prefix={key}", location.bucket));
    assert_eq!(status, 200);
    String::from_utf8_lossy(&body).contains(&format!("<Key>{key}</Key>"))
}

/// An unsigned request to the test server (moto accepts them): status and body.
fn s3_request(endpoint: &str, method: &str, path: &str) -> (u16, Vec<u8>) {
    use std::io::{Read, Write};
    let host = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let status = String::from_utf8_lossy(&response[9..12]).parse().unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    (status, response[split..].to_vec())
}

pub(crate) async fn spawn_with_s3(location: &shelf_persistence::blobs::S3Location) -> TestApp {
    let location = location.clone();
    TestApp::spawn_with(move |c| c.s3 = Some(location)).await
}

#[actix_web::test]
#[cfg_attr(not(s3_tests), ignore = "S3 only: runs when SHELF_TEST_S3_URL is set (.ci/run starts a moto server)")]
async fn on_s3_the_bytes_are_objects_and_download_byte_identical() {
    let location = s3_bucket();
    let app = spawn_with_s3(&location).await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    let logo = png(120, 120);
    let stored = app.put_logo(&token, id(&draft), logo.clone()).await.json();
    let sha256 = stored["sha256"].as_str().unwrap();
    assert!(s3_holds(&location, sha256));
    let store = BlobStore::new(std::sync::Arc::new(S3Backend::open(&location).unwrap()));
    assert_eq!(app.db.read(|c| store.get(c, sha256)).unwrap(), logo, "the object's bytes");
    let template = ooxml("word/document.xml");
    let uploaded = app.upload(&token, id(&draft), "Order form.docx", &template).await.json();
    let path = format!("/v1/drafts/{}/request-templates/{}", id(&draft), uploaded["id"].as_str().unwrap());
    assert_eq!(app.get(&path, Some(&token)).await.body, template);
    assert_eq!(app.get(&format!("/v1/drafts/{}/logo", id(&draft)), Some(&token)).await.body, logo);
}

#[actix_web::test]
#[cfg_attr(not(s3_tests), ignore = "S3 only: runs when SHELF_TEST_S3_URL is set (.ci/run starts a moto server)")]
async fn on_s3_released_bytes_are_swept_from_the_bucket() {
    let location = s3_bucket();
    let app = spawn_with_s3(&location).await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({})).await;
    let stored = app.put_logo(&token, id(&draft), png(120, 120)).await.json();
    let sha256 = stored["sha256"].as_str().unwrap();
    app.delete(&format!("/v1/drafts/{}", id(&draft)), &token, Some("\"1\"")).await.assert_status(204);
    assert!(s3_holds(&location, sha256), "kept until the sweep");
    let store = BlobStore::new(std::sync::Arc::new(S3Backend::open(&location).unwrap()));
    let db = app.db.clone();
    let swept = actix_web::web::block(move || store.sweep(&db, chrono::Duration::zero(), 100)).await.unwrap();
    assert_eq!(swept.unwrap(), 1);
    assert!(!s3_holds(&location, sha256));
    assert_eq!(app.db.read(shelf_persistence::blobs::counts).unwrap(), (0, 0));
}
