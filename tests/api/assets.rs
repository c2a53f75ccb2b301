//! Assets through the API: packages from completed uploads, image references, the scan, the
//! reviewers' queue and decisions, downloads and deletes; on the database store, a directory and S3.

use std::io::Write;

use serde_json::{Value, json};
use shelf_domain::Role;
use shelf_workflows::assets::{Scanner, scan_due};

use crate::files::{FilesDir, s3_bucket, spawn_with_files_dir, spawn_with_s3};
use crate::helpers::{ContentBuilder, TestApp, complete_content_of};
use crate::uploads::{sha256, upload_named};

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

/// A zip with these entries (stored, so its size is theirs).
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

fn package() -> Vec<u8> {
    zip_of(&[("bin/agent", b"#!/bin/sh\necho agent\n"), ("README.md", b"# Agent\n")])
}

/// A package larger than one upload part, so it goes in several.
fn large_package() -> Vec<u8> {
    let data: Vec<u8> = (0..9 << 20).map(|i: u32| (i % 251) as u8).collect();
    zip_of(&[("bin/agent", &data), ("README.md", b"# Agent\n")])
}

pub(crate) fn image() -> Value {
    json!({"image_ref": "img-0a1b2c3d4e", "os_family": "linux", "os_name": "Ubuntu 24.04", "architecture": "x86_64",
           "min_vcpu": 2, "min_memory_gib": 4, "regions": ["CN", "SG"]})
}

/// Uploads `file` as `filename` and creates a package asset of it; returns the response.
async fn create_package(
    app: &TestApp,
    token: &str,
    filename: &str,
    file: &[u8],
    version: &str,
) -> crate::helpers::Response {
    let upload = upload_named(app, token, filename, file).await;
    let body = json!({"kind": "software_package", "name": "Analytics agent", "version": version,
                      "software_package": {"upload_id": id(&upload)}});
    app.post("/v1/assets", Some(token), &body).await
}

/// Runs the scan worker's use case once, as the server's worker does.
fn scan(app: &TestApp, scanner: Option<&Scanner>) -> usize {
    scan_due(&app.db, &app.blobs, scanner, &std::env::temp_dir(), 10).unwrap()
}

async fn download(app: &TestApp, token: &str, asset: &Value) -> crate::helpers::Response {
    app.get(&format!("/v1/assets/{}/package", id(asset)), Some(token)).await
}

/// Uploads, scans, approves and downloads a package: the bytes that come back are the ones sent.
async fn a_package_goes_through_review_and_downloads_byte_identical(app: &TestApp, file: Vec<u8>) {
    let token = app.seller("seller-a");
    let reviewer = app.token("reviewer-1", Role::Reviewer);
    let created = create_package(app, &token, "agent-2.4.1.zip", &file, "2.4.1").await;
    created.assert_status(201);
    let asset = created.json();
    assert_eq!(created.header("location"), Some(format!("/v1/assets/{}", id(&asset)).as_str()));
    assert_eq!(created.header("etag"), Some("\"1\""));
    assert_eq!((asset["status"].as_str(), asset["scan"].as_str()), (Some("scanning"), Some("pending")));
    let package = &asset["software_package"];
    assert_eq!(
        (package["filename"].as_str(), package["media_type"].as_str(), package["size"].as_u64()),
        (Some("agent-2.4.1.zip"), Some("application/zip"), Some(file.len() as u64))
    );
    assert_eq!(package["sha256"], sha256(&file));
    let p = app.post(&format!("/v1/assets/{}/approve", id(&asset)), Some(&reviewer), &json!({})).await.problem(409);
    assert!(p["detail"].as_str().unwrap().contains("still being scanned"), "{p}");
    assert_eq!(scan(app, None), 1);
    let scanned = app.get(&format!("/v1/assets/{}", id(&asset)), Some(&reviewer)).await;
    assert_eq!((scanned.json()["scan"].as_str(), scanned.header("etag")), (Some("passed"), Some("\"2\"")));
    let queue = app.get("/v1/review/assets", Some(&reviewer)).await.json();
    assert_eq!(queue["items"][0]["id"], asset["id"]);
    let approved = app.post(&format!("/v1/assets/{}/approve", id(&asset)), Some(&reviewer), &json!({})).await;
    approved.assert_status(200);
    assert_eq!(approved.json()["status"], "approved");
    assert_eq!(approved.json()["decided_by"], "reviewer-1");
    for who in [&token, &reviewer] {
        let res = download(app, who, &asset).await;
        res.assert_status(200);
        assert_eq!(res.header("content-type"), Some("application/zip"));
        assert_eq!(res.header("etag"), Some(format!("\"{}\"", sha256(&file)).as_str()));
        assert!(res.header("content-disposition").unwrap().contains("agent-2.4.1.zip"));
        assert!(res.body == file, "the downloaded package is the one uploaded");
    }
    let events = app.get("/v1/events", Some(&token)).await.json();
    let approved_event = events["items"].as_array().unwrap().iter().find(|e| e["type"] == "asset.approved");
    assert_eq!(approved_event.map(|e| e["asset_id"].clone()), Some(asset["id"].clone()));
    let messages = app.get("/v1/messages", Some(&token)).await.json();
    assert!(messages["items"][0]["subject"].as_str().unwrap().starts_with("Asset approved: Analytics agent 2.4.1"));
}

#[actix_web::test]
async fn a_package_asset_is_scanned_approved_and_downloaded_byte_identical() {
    let app = TestApp::spawn().await;
    a_package_goes_through_review_and_downloads_byte_identical(&app, package()).await;
    // The upload became the asset's: it is gone, and its file is the asset's one blob.
    assert_eq!(app.db.read(shelf_persistence::files::blob_count).unwrap(), 1);
}

#[actix_web::test]
async fn on_a_directory_a_package_in_several_parts_is_scanned_from_its_file_and_downloads_byte_identical() {
    let dir = FilesDir::new();
    let app = spawn_with_files_dir(&dir).await;
    let file = large_package();
    a_package_goes_through_review_and_downloads_byte_identical(&app, file.clone()).await;
    assert_eq!(std::fs::read(dir.path_of(&sha256(&file))).unwrap(), file);
}

#[actix_web::test]
#[cfg_attr(not(s3_tests), ignore = "S3 only: runs when SHELF_TEST_S3_URL is set (.ci/run starts a moto server)")]
async fn on_s3_a_package_in_several_parts_is_scanned_from_a_copy_and_downloads_byte_identical() {
    let location = s3_bucket();
    let app = spawn_with_s3(&location).await;
    a_package_goes_through_review_and_downloads_byte_identical(&app, large_package()).await;
}

#[actix_web::test]
async fn the_upload_is_consumed_by_its_asset() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let upload = upload_named(&app, &token, "agent.zip", &package()).await;
    let body = json!({"kind": "software_package", "name": "Agent", "version": "1.0",
                      "software_package": {"upload_id": id(&upload)}});
    app.post("/v1/assets", Some(&token), &body).await.assert_status(201);
    app.get(&format!("/v1/uploads/{}", id(&upload)), Some(&token)).await.problem(404);
    // The same upload again names nothing.
    let body = json!({"kind": "software_package", "name": "Agent", "version": "1.1",
                      "software_package": {"upload_id": id(&upload)}});
    let p = app.post("/v1/assets", Some(&token), &body).await.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/software_package/upload_id", "{p}");
}

#[actix_web::test]
async fn an_image_asset_needs_no_scan_and_a_reviewer_rejects_it_with_a_reason() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let reviewer = app.token("reviewer-1", Role::Reviewer);
    let body = json!({"kind": "image", "name": "Agent image", "version": "2024.1", "image": image()});
    let asset = app.create("/v1/assets", &token, body).await;
    assert_eq!((asset["scan"].as_str(), asset["image"]["min_vcpu"].as_u64()), (Some("skipped"), Some(2)));
    assert_eq!(asset["software_package"], Value::Null);
    download(&app, &token, &asset).await.problem(409);
    let path = format!("/v1/assets/{}/reject", id(&asset));
    let p = app.post(&path, Some(&reviewer), &json!({"reason": "short"})).await.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/reason");
    let reason = "The image does not boot in region SG.";
    let rejected = app.post(&path, Some(&reviewer), &json!({"reason": reason})).await.json();
    assert_eq!((rejected["status"].as_str(), rejected["reason"].as_str()), (Some("rejected"), Some(reason)));
    app.post(&path, Some(&reviewer), &json!({"reason": reason})).await.problem(409);
    app.post(&format!("/v1/assets/{}/approve", id(&asset)), Some(&reviewer), &json!({})).await.problem(409);
    let events = app.get("/v1/events", Some(&token)).await.json();
    assert_eq!(events["items"][0]["type"], "asset.rejected");
    let queue = app.get("/v1/review/assets", Some(&reviewer)).await.json();
    assert_eq!(queue["items"], json!([]), "a decided asset leaves the queue");
}

#[actix_web::test]
async fn a_bad_asset_is_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let upload = upload_named(&app, &token, "agent.zip", &package()).await;
    let package_source = json!({"upload_id": id(&upload)});
    for (body, pointer) in [
        (json!({"kind": "software_package", "name": "A", "version": "1"}), "/software_package"),
        (json!({"kind": "image", "name": "A", "version": "1"}), "/image"),
        (
            json!({"kind": "image", "name": "A", "version": "1", "image": image(), "software_package": package_source}),
            "/software_package",
        ),
        (
            json!({"kind": "software_package", "name": "A", "version": "1", "software_package": package_source,
                "image": image()}),
            "/image",
        ),
        (json!({"kind": "image", "name": " ", "version": "1", "image": image()}), "/name"),
        (json!({"kind": "image", "name": "A", "version": "1 0", "image": image()}), "/version"),
        (
            json!({"kind": "image", "name": "A", "version": "1", "image": Value::Object(image_with("min_vcpu", json!(0)))}),
            "/image/min_vcpu",
        ),
        (
            json!({"kind": "image", "name": "A", "version": "1", "image": Value::Object(image_with("regions", json!(["XX"])))}),
            "/image/regions/0",
        ),
        (
            json!({"kind": "software_package", "name": "A", "version": "1",
                "software_package": {"upload_id": "nope"}}),
            "/software_package/upload_id",
        ),
    ] {
        let p = app.post("/v1/assets", Some(&token), &body).await.problem(422);
        assert_eq!(p["errors"][0]["pointer"], pointer, "{body}: {p}");
    }
    let p =
        app.post("/v1/assets", Some(&token), &json!({"kind": "file", "name": "A", "version": "1"})).await.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/kind", "{p}");
}

fn image_with(field: &str, value: Value) -> serde_json::Map<String, Value> {
    let mut image = image().as_object().unwrap().clone();
    image.insert(field.into(), value);
    image
}

#[actix_web::test]
async fn a_file_that_is_not_the_package_its_name_says_is_422_and_an_open_upload_409() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let p = create_package(&app, &token, "agent.tar.gz", &package(), "1.0").await.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/software_package/upload_id", "{p}");
    assert!(p["detail"].as_str().unwrap().contains("not a tar.gz archive"), "{p}");
    let p = create_package(&app, &token, "agent.exe", &package(), "1.0").await.problem(422);
    assert!(p["detail"].as_str().unwrap().contains(".zip, .tar or .tar.gz"), "{p}");
    let file = package();
    let body =
        json!({"filename": "agent.zip", "media_type": "application/zip", "size": file.len(), "sha256": sha256(&file)});
    let open = app.create("/v1/uploads", &token, body).await;
    let body =
        json!({"kind": "software_package", "name": "A", "version": "1", "software_package": {"upload_id": id(&open)}});
    let p = app.post("/v1/assets", Some(&token), &body).await.problem(409);
    assert!(p["detail"].as_str().unwrap().contains("complete it first"), "{p}");
    // Nothing was stored for the refused ones.
    assert_eq!(app.get("/v1/assets", Some(&token)).await.json()["items"], json!([]));
}

#[actix_web::test]
async fn a_name_and_version_is_taken_once_and_versions_list_by_name() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    for version in ["1.0", "1.1"] {
        create_package(&app, &token, "agent.zip", &package(), version).await.assert_status(201);
    }
    let p = create_package(&app, &token, "agent.zip", &package(), "1.1").await.problem(409);
    assert!(p["detail"].as_str().unwrap().contains("version 1.1 of Analytics agent exists"), "{p}");
    let body = json!({"kind": "image", "name": "Other", "version": "1", "image": image()});
    app.create("/v1/assets", &token, body).await;
    let versions = app.get("/v1/assets?name=Analytics%20agent", Some(&token)).await.json();
    let listed: Vec<&str> =
        versions["items"].as_array().unwrap().iter().map(|a| a["version"].as_str().unwrap()).collect();
    assert_eq!(listed, ["1.1", "1.0"], "newest first");
    let images = app.get("/v1/assets?kind=image", Some(&token)).await.json();
    assert_eq!(images["items"].as_array().unwrap().len(), 1);
    let page = app.get("/v1/assets?limit=2", Some(&token)).await.json();
    let rest = app
        .get(&format!("/v1/assets?limit=2&page_token={}", page["next_page_token"].as_str().unwrap()), Some(&token))
        .await;
    assert_eq!(rest.json()["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn a_package_with_an_entry_outside_its_folder_is_rejected_by_the_scan_with_the_reason() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let evil = zip_of(&[("bin/agent", b"x"), ("../../etc/cron.d/evil", b"* * * * * root sh")]);
    let asset = create_package(&app, &token, "agent.zip", &evil, "1.0").await.json();
    assert_eq!(scan(&app, None), 1);
    let scanned = app.get(&format!("/v1/assets/{}", id(&asset)), Some(&token)).await.json();
    assert_eq!((scanned["status"].as_str(), scanned["scan"].as_str()), (Some("rejected"), Some("failed")));
    assert_eq!(scanned["decided_by"], "scanner");
    assert!(scanned["reason"].as_str().unwrap().contains("../../etc/cron.d/evil"), "{scanned}");
    let messages = app.get("/v1/messages", Some(&token)).await.json();
    assert!(messages["items"][0]["subject"].as_str().unwrap().starts_with("Asset rejected"));
}

fn scanner(script: &str, timeout_seconds: u64) -> Scanner {
    Scanner {
        argv: vec!["sh".into(), "-c".into(), script.into(), "scanner".into()],
        timeout: std::time::Duration::from_secs(timeout_seconds),
    }
}

#[actix_web::test]
async fn the_scanner_rejects_with_its_output_and_one_that_passes_leaves_the_package_to_reviewers() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let refused = create_package(&app, &token, "agent.zip", &package(), "1.0").await.json();
    // The package's path is the last argument ($1 here); a non-zero exit rejects with the output.
    let eicar = scanner(r#"test -s "$1" && echo "EICAR-Test-Signature found in $(basename "$1")" && exit 1"#, 10);
    assert_eq!(scan(&app, Some(&eicar)), 1);
    let after = app.get(&format!("/v1/assets/{}", id(&refused)), Some(&token)).await.json();
    assert_eq!(after["status"], "rejected");
    assert!(after["reason"].as_str().unwrap().starts_with("EICAR-Test-Signature found in scan-"), "{after}");
    let passed = create_package(&app, &token, "agent.zip", &package(), "1.1").await.json();
    assert_eq!(scan(&app, Some(&scanner(r#"test -s "$1""#, 10))), 1);
    let after = app.get(&format!("/v1/assets/{}", id(&passed)), Some(&token)).await.json();
    assert_eq!((after["status"].as_str(), after["scan"].as_str()), (Some("scanning"), Some("passed")));
}

#[actix_web::test]
async fn a_scanner_past_its_time_is_stopped_and_the_package_rejected_saying_so() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let asset = create_package(&app, &token, "agent.zip", &package(), "1.0").await.json();
    let started = std::time::Instant::now();
    assert_eq!(scan(&app, Some(&scanner("sleep 30", 1))), 1);
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "the scanner was stopped at its timeout");
    let after = app.get(&format!("/v1/assets/{}", id(&asset)), Some(&token)).await.json();
    assert_eq!(after["reason"], "the scanner did not finish within 1 s");
}

#[actix_web::test]
async fn a_scanner_that_cannot_run_leaves_the_package_pending_for_another_round() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let asset = create_package(&app, &token, "agent.zip", &package(), "1.0").await.json();
    let missing = Scanner { argv: vec!["/nonexistent/scanner".into()], timeout: std::time::Duration::from_secs(5) };
    assert_eq!(scan(&app, Some(&missing)), 1);
    let after = app.get(&format!("/v1/assets/{}", id(&asset)), Some(&token)).await.json();
    assert_eq!((after["status"].as_str(), after["scan"].as_str()), (Some("scanning"), Some("pending")));
    // Leased to that round: not claimed again until the lease runs out.
    assert_eq!(scan(&app, None), 0);
}

#[actix_web::test]
async fn another_sellers_asset_is_404_and_reviewers_do_not_decide_their_own() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let other = app.seller("seller-b");
    let body = json!({"kind": "image", "name": "Agent image", "version": "1", "image": image()});
    let asset = app.create("/v1/assets", &token, body.clone()).await;
    let path = format!("/v1/assets/{}", id(&asset));
    app.get(&path, Some(&other)).await.problem(404);
    app.delete(&path, &other, Some("\"1\"")).await.problem(404);
    app.get(&format!("{path}/package"), Some(&other)).await.problem(404);
    assert_eq!(app.get("/v1/assets", Some(&other)).await.json()["items"], json!([]));
    app.get(&path, Some(&app.token("admin-1", Role::Admin))).await.problem(403);
    // A reviewer account that also sells cannot decide its own asset.
    let own = app.token("seller-a", Role::Reviewer);
    app.post(&format!("{path}/approve"), Some(&own), &json!({})).await.problem(403);
    app.post(&format!("{path}/approve"), Some(&token), &json!({})).await.problem(403);
    app.get("/v1/review/assets", Some(&token)).await.problem(403);
    app.post("/v1/assets/nope/approve", Some(&app.token("reviewer-1", Role::Reviewer)), &json!({})).await.problem(404);
}

#[actix_web::test]
async fn deleting_an_asset_needs_its_etag_and_releases_its_package() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let asset = create_package(&app, &token, "agent.zip", &package(), "1.0").await.json();
    let path = format!("/v1/assets/{}", id(&asset));
    app.delete(&path, &token, None).await.problem(428);
    app.delete(&path, &token, Some("\"7\"")).await.problem(412);
    app.delete(&path, &token, Some("\"1\"")).await.assert_status(204);
    app.get(&path, Some(&token)).await.problem(404);
    assert_eq!(app.db.read(shelf_persistence::files::blob_count).unwrap(), 0, "the package's bytes went");
    // Scanning a deleted asset is nothing to do.
    assert_eq!(scan(&app, None), 0);
}

#[actix_web::test]
async fn the_asset_queue_runs_earliest_due_first_in_pages_and_filters_overdue() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let reviewer = app.token("reviewer-1", Role::Reviewer);
    let mut ids = vec![];
    for version in ["1", "2", "3"] {
        let body = json!({"kind": "image", "name": "Agent image", "version": version, "image": image()});
        ids.push(app.create("/v1/assets", &token, body).await["id"].clone());
    }
    let first = app.get("/v1/review/assets?limit=2", Some(&reviewer)).await.json();
    let token_param = first["next_page_token"].as_str().unwrap();
    let second = app.get(&format!("/v1/review/assets?limit=2&page_token={token_param}"), Some(&reviewer)).await.json();
    let seen: Vec<Value> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|a| a["id"].clone())
        .collect();
    assert_eq!(seen, ids);
    assert_eq!(first["items"][0]["overdue"], false);
    let overdue = app.get("/v1/review/assets?overdue=true", Some(&reviewer)).await.json();
    assert_eq!(overdue["items"], json!([]), "nothing is due for three working days");
    let p = app.get("/v1/review/assets?page_token=bogus", Some(&reviewer)).await.problem(400);
    assert_eq!(p["errors"][0]["parameter"], "page_token");
}

/// A package asset of the seller's, scanned and approved.
pub(crate) async fn approved_package(app: &TestApp, token: &str, version: &str) -> Value {
    let asset = create_package(app, token, "agent.zip", &package(), version).await.json();
    scan(app, None);
    let reviewer = app.token("reviewer-1", Role::Reviewer);
    let approved = app.post(&format!("/v1/assets/{}/approve", id(&asset)), Some(&reviewer), &json!({})).await;
    approved.assert_status(200);
    approved.json()
}

/// A license naming the package (only licenses are delivered as software packages).
fn naming(asset_id: &str) -> Value {
    complete_content_of("license").with("/specifications/0/package_asset_id", json!(asset_id))
}

#[actix_web::test]
async fn a_release_names_only_approved_software_packages_of_its_seller() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let scanning = create_package(&app, &token, "agent.zip", &package(), "1.0").await.json();
    let body = json!({"kind": "image", "name": "Agent image", "version": "1", "image": image()});
    let image_asset = app.create("/v1/assets", &token, body).await;
    let others = approved_package(&app, &app.seller("seller-b"), "1.0").await;
    for (asset_id, message) in [
        (id(&scanning), "the asset is scanning; only an approved asset can be released"),
        (id(&image_asset), "the asset is of kind `image`; this needs a `software_package`"),
        (id(&others), "no such asset of yours"),
        ("nope", "no such asset of yours"),
    ] {
        let draft = app.ready_draft_with(&token, naming(asset_id)).await;
        let report = app.post(&format!("/v1/drafts/{}/validate", id(&draft)), Some(&token), &json!({})).await.json();
        assert_eq!(report["ready"], false);
        let v = &report["violations"][0];
        assert_eq!(
            (v["pointer"].as_str(), v["message"].as_str()),
            (Some("/specifications/0/package_asset_id"), Some(message))
        );
        let p = app.post(&format!("/v1/drafts/{}/submit", id(&draft)), Some(&token), &json!({})).await.problem(422);
        assert_eq!(p["errors"][0]["pointer"], "/specifications/0/package_asset_id", "{p}");
    }
    let approved = approved_package(&app, &token, "2.0").await;
    let draft = app.ready_draft_with(&token, naming(id(&approved))).await;
    app.submit_draft(&token, &draft).await;
}

#[actix_web::test]
async fn an_asset_named_by_an_application_under_review_or_a_listed_product_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let asset = approved_package(&app, &token, "1.0").await;
    let path = format!("/v1/assets/{}", id(&asset));
    let draft = app.ready_draft_with(&token, naming(id(&asset))).await;
    let application = app.submit_draft(&token, &draft).await;
    let p = app.delete(&path, &token, Some("*")).await.problem(409);
    assert!(p["detail"].as_str().unwrap().contains(id(&application)), "{p}");
    let reviewer = app.token("reviewer-1", Role::Reviewer);
    let approved =
        app.post(&format!("/v1/applications/{}/approve", id(&application)), Some(&reviewer), &json!({})).await.json();
    let product_id = approved["product_id"].as_str().unwrap();
    let p = app.delete(&path, &token, Some("*")).await.problem(409);
    assert!(p["detail"].as_str().unwrap().contains(product_id), "{p}");
    app.post(&format!("/v1/products/{product_id}/remove"), Some(&token), &json!({})).await.assert_status(200);
    app.delete(&path, &token, Some("*")).await.assert_status(204);
}

#[actix_web::test]
async fn a_rejected_or_withdrawn_application_holds_its_asset_no_more() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let asset = approved_package(&app, &token, "1.0").await;
    let draft = app.ready_draft_with(&token, naming(id(&asset))).await;
    let application = app.submit_draft(&token, &draft).await;
    app.post(&format!("/v1/applications/{}/withdraw", id(&application)), Some(&token), &json!({}))
        .await
        .assert_status(200);
    app.delete(&format!("/v1/assets/{}", id(&asset)), &token, Some("*")).await.assert_status(204);
}

#[actix_web::test]
async fn an_asset_id_over_64_characters_is_422_when_saved_whatever_if_match_says() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({"delivery_method": "license"})).await;
    let path = format!("/v1/drafts/{}", id(&draft));
    let content = naming(&"0".repeat(65));
    let p = app.patch(&path, &token, Some("\"9\""), &json!({"content": content})).await.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/content/specifications/0/package_asset_id", "{p}");
}
