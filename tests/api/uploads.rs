//! Resumable uploads through the API, on the database store (the default), a directory and S3.

use actix_web::http::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::files::{FilesDir, s3_bucket, s3_holds, spawn_with_files_dir, spawn_with_s3};
use crate::helpers::{Body, TestApp};

const PART: usize = 8 << 20;

pub(crate) fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes that differ from part to part (a misplaced part changes the hash).
fn file_of(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8 ^ (i / PART) as u8).collect()
}

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

async fn declare(app: &TestApp, token: &str, size: usize, sha: &str) -> Value {
    declare_named(app, token, "agent-2.4.1.tar.gz", size, sha).await
}

async fn declare_named(app: &TestApp, token: &str, filename: &str, size: usize, sha: &str) -> Value {
    let body = json!({"filename": filename, "media_type": "application/gzip", "size": size, "sha256": sha});
    app.create("/v1/uploads", token, body).await
}

async fn put_part(app: &TestApp, token: &str, upload: &Value, number: usize, bytes: &[u8]) -> crate::helpers::Response {
    let path = format!("/v1/uploads/{}/parts/{number}", id(upload));
    app.call(Method::PUT, &path, Some(token), &[], Body::Raw("application/octet-stream", bytes.to_vec())).await
}

fn part(file: &[u8], number: usize) -> &[u8] {
    &file[(number - 1) * PART..(number * PART).min(file.len())]
}

async fn complete(app: &TestApp, token: &str, upload: &Value) -> crate::helpers::Response {
    app.post(&format!("/v1/uploads/{}/complete", id(upload)), Some(token), &json!({})).await
}

/// Declares `file`, sends its parts last first (the first twice), completes it; returns the upload.
async fn upload_whole(app: &TestApp, token: &str, file: &[u8]) -> Value {
    upload_named(app, token, "agent-2.4.1.tar.gz", file).await
}

/// `upload_whole` under this file name.
pub(crate) async fn upload_named(app: &TestApp, token: &str, filename: &str, file: &[u8]) -> Value {
    let upload = declare_named(app, token, filename, file.len(), &sha256(file)).await;
    let parts = upload["parts"].as_u64().unwrap() as usize;
    for number in (1..=parts).rev().chain([1]) {
        let res = put_part(app, token, &upload, number, part(file, number)).await;
        res.assert_status(200);
        assert_eq!(res.header("etag"), Some(format!("\"{}\"", sha256(part(file, number))).as_str()));
    }
    let done = complete(app, token, &upload).await;
    done.assert_status(200);
    done.json()
}

#[actix_web::test]
async fn a_file_uploads_in_parts_in_any_order_and_completes_with_its_sha256_checked() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let file = file_of(2 * PART + 100);
    let upload = declare(&app, &token, file.len(), &sha256(&file)).await;
    assert_eq!(
        (upload["part_size"].as_u64(), upload["parts"].as_u64(), upload["status"].as_str()),
        (Some(PART as u64), Some(3), Some("open"))
    );
    put_part(&app, &token, &upload, 3, part(&file, 3)).await.assert_status(200);
    put_part(&app, &token, &upload, 1, part(&file, 1)).await.assert_status(200);
    let now = app.get(&format!("/v1/uploads/{}", id(&upload)), Some(&token)).await.json();
    assert_eq!(now["received_parts"], json!([1, 3]));
    put_part(&app, &token, &upload, 2, part(&file, 2)).await.assert_status(200);
    put_part(&app, &token, &upload, 2, part(&file, 2)).await.assert_status(200);
    let done = complete(&app, &token, &upload).await.json();
    assert_eq!((done["status"].as_str(), done["sha256"].as_str()), (Some("completed"), Some(sha256(&file).as_str())));
    // Completing again answers the same; the file is one stored blob.
    assert_eq!(complete(&app, &token, &upload).await.json()["status"], "completed");
    assert_eq!(app.db.read(shelf_persistence::files::blob_count).unwrap(), 1);
}

#[actix_web::test]
async fn a_part_of_the_wrong_number_length_or_range_is_refused_naming_it() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let file = file_of(PART + 10);
    let upload = declare(&app, &token, file.len(), &sha256(&file)).await;
    let p = put_part(&app, &token, &upload, 3, b"x").await.problem(422);
    assert_eq!(p["errors"][0]["parameter"], "number", "{p}");
    let p = put_part(&app, &token, &upload, 1, &file[..100]).await.problem(422);
    assert!(p["detail"].as_str().unwrap().contains("part 1 is 8388608 bytes"), "{p}");
    let too_big = vec![0u8; PART + 1];
    put_part(&app, &token, &upload, 1, &too_big).await.problem(413);
    let path = format!("/v1/uploads/{}/parts/2", id(&upload));
    let wrong = [("Content-Range", "bytes 0-9/8388618")];
    let res = app
        .call(Method::PUT, &path, Some(&token), &wrong, Body::Raw("application/octet-stream", part(&file, 2).to_vec()))
        .await;
    assert_eq!(res.problem(422)["errors"][0]["parameter"], "Content-Range");
    let right = [("Content-Range", "bytes 8388608-8388617/8388618")];
    let res = app
        .call(Method::PUT, &path, Some(&token), &right, Body::Raw("application/octet-stream", part(&file, 2).to_vec()))
        .await;
    res.assert_status(200);
}

#[actix_web::test]
async fn a_missing_part_is_409_listing_it_and_a_wrong_sha256_is_422_and_stays_resumable() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let file = file_of(PART + 10);
    let upload = declare(&app, &token, file.len(), &sha256(&file)).await;
    put_part(&app, &token, &upload, 2, part(&file, 2)).await.assert_status(200);
    let p = complete(&app, &token, &upload).await.problem(409);
    assert!(p["detail"].as_str().unwrap().contains("1 of 2 parts are missing: 1"), "{p}");
    let mut corrupted = part(&file, 1).to_vec();
    corrupted[7] ^= 1;
    put_part(&app, &token, &upload, 1, &corrupted).await.assert_status(200);
    let p = complete(&app, &token, &upload).await.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/sha256", "{p}");
    assert_eq!(app.db.read(shelf_persistence::files::blob_count).unwrap(), 0, "nothing stored");
    // The right bytes again, and it completes.
    put_part(&app, &token, &upload, 1, part(&file, 1)).await.assert_status(200);
    assert_eq!(complete(&app, &token, &upload).await.json()["status"], "completed");
}

#[actix_web::test]
async fn declarations_are_checked_and_at_most_twenty_uploads_are_open() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let sha = sha256(b"x");
    for (body, pointer) in [
        (json!({"filename": "a.zip", "media_type": "ZIP", "size": 1, "sha256": sha}), "/media_type"),
        (json!({"filename": "a.zip", "media_type": "application/zip", "size": 1, "sha256": "abc"}), "/sha256"),
        (json!({"filename": "a.zip", "media_type": "application/zip", "size": 0, "sha256": sha}), "/size"),
        // The database store holds a file in one row: 64 MiB at most (a directory or S3 takes 20 GB).
        (
            json!({"filename": "a.zip", "media_type": "application/zip", "size": (64u64 << 20) + 1, "sha256": sha}),
            "/size",
        ),
    ] {
        let p = app.post("/v1/uploads", Some(&token), &body).await.problem(422);
        assert_eq!(p["errors"][0]["pointer"], pointer, "{p}");
    }
    for _ in 0..20 {
        declare(&app, &token, 1, &sha).await;
    }
    let body = json!({"filename": "a.zip", "media_type": "application/zip", "size": 1, "sha256": sha});
    let p = app.post("/v1/uploads", Some(&token), &body).await.problem(422);
    assert_eq!(p["errors"][0]["code"], "limit_reached");
}

#[actix_web::test]
async fn another_sellers_upload_is_404_on_every_route() {
    let app = TestApp::spawn().await;
    let (a, b) = (app.seller("seller-a"), app.seller("seller-b"));
    let upload = declare(&app, &a, 10, &sha256(&[0; 10])).await;
    app.get(&format!("/v1/uploads/{}", id(&upload)), Some(&b)).await.problem(404);
    put_part(&app, &b, &upload, 1, &[0; 10]).await.problem(404);
    complete(&app, &b, &upload).await.problem(404);
    app.delete(&format!("/v1/uploads/{}", id(&upload)), &b, None).await.problem(404);
    put_part(&app, &a, &upload, 1, &[0; 10]).await.assert_status(200);
}

#[actix_web::test]
async fn deleting_uploads_aborts_open_ones_and_releases_a_completed_ones_file() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let done = upload_whole(&app, &token, &file_of(1000)).await;
    assert_eq!(app.db.read(shelf_persistence::files::blob_count).unwrap(), 1);
    app.delete(&format!("/v1/uploads/{}", id(&done)), &token, None).await.assert_status(204);
    assert_eq!(app.db.read(shelf_persistence::files::blob_count).unwrap(), 0);
    let open = declare(&app, &token, 10, &sha256(&[0; 10])).await;
    put_part(&app, &token, &open, 1, &[0; 10]).await.assert_status(200);
    app.delete(&format!("/v1/uploads/{}", id(&open)), &token, None).await.assert_status(204);
    app.get(&format!("/v1/uploads/{}", id(&open)), Some(&token)).await.problem(404);
}

#[actix_web::test]
async fn an_upload_past_its_24_hours_takes_no_part_and_expires() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let upload = declare(&app, &token, 10, &sha256(&[0; 10])).await;
    put_part(&app, &token, &upload, 1, &[0; 10]).await.assert_status(200);
    let upload_id = id(&upload).to_owned();
    app.db
        .read(|c| {
            use diesel::prelude::*;
            use shelf_persistence::schema::uploads;
            let past = chrono::Utc::now().naive_utc() - chrono::Duration::hours(1);
            diesel::update(uploads::table.find(&upload_id)).set(uploads::expires_at.eq(past)).execute(c)?;
            Ok(())
        })
        .unwrap();
    let p = put_part(&app, &token, &upload, 1, &[0; 10]).await.problem(409);
    assert!(p["detail"].as_str().unwrap().contains("expired"), "{p}");
    let blobs = shelf_persistence::blobs::BlobStore::database();
    assert_eq!(shelf_workflows::uploads::expire_due(&app.db, &blobs, 100).unwrap(), 1);
    let now = app.get(&format!("/v1/uploads/{}", id(&upload)), Some(&token)).await.json();
    assert_eq!((now["status"].as_str(), now["received_parts"].clone()), (Some("expired"), json!([])));
}

#[actix_web::test]
async fn on_a_directory_parts_are_files_until_complete_then_the_file_is_one_blob() {
    let dir = FilesDir::new();
    let app = spawn_with_files_dir(&dir).await;
    let token = app.seller("seller-a");
    let file = file_of(PART + 300);
    let upload = declare(&app, &token, file.len(), &sha256(&file)).await;
    put_part(&app, &token, &upload, 2, part(&file, 2)).await.assert_status(200);
    let staged = dir.0.join("uploads").join(id(&upload));
    assert_eq!(std::fs::read(staged.join("2")).unwrap(), part(&file, 2));
    put_part(&app, &token, &upload, 1, part(&file, 1)).await.assert_status(200);
    complete(&app, &token, &upload).await.assert_status(200);
    assert!(!staged.exists(), "the parts are removed once complete");
    assert_eq!(std::fs::read(dir.path_of(&sha256(&file))).unwrap(), file);
}

#[actix_web::test]
#[cfg_attr(not(s3_tests), ignore = "S3 only: runs when SHELF_TEST_S3_URL is set (.ci/run starts a moto server)")]
async fn on_s3_parts_go_to_an_s3_multipart_upload_and_the_file_is_one_object() {
    let location = s3_bucket();
    let app = spawn_with_s3(&location).await;
    let token = app.seller("seller-a");
    let file = file_of(PART + 300);
    let done = upload_whole(&app, &token, &file).await;
    assert_eq!(done["status"], "completed");
    assert!(s3_holds(&location, &sha256(&file)));
    // A wrong hash on S3: S3 consumed the parts when it joined them, so the upload is aborted.
    let other = file_of(PART + 5);
    let upload = declare(&app, &token, other.len(), &sha256(b"something else")).await;
    put_part(&app, &token, &upload, 1, part(&other, 1)).await.assert_status(200);
    put_part(&app, &token, &upload, 2, part(&other, 2)).await.assert_status(200);
    let p = complete(&app, &token, &upload).await.problem(422);
    assert_eq!(p["errors"][0]["pointer"], "/sha256");
    let now = app.get(&format!("/v1/uploads/{}", id(&upload)), Some(&token)).await.json();
    assert_eq!(now["status"], "aborted");
    assert!(now["failure"].as_str().unwrap().contains("start a new one"));
}

#[actix_web::test]
async fn parts_go_through_shelf_unless_the_store_is_s3() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let upload = declare(&app, &token, 10, &sha256(&[0; 10])).await;
    let p =
        app.post(&format!("/v1/uploads/{}/parts/1/presign", id(&upload)), Some(&token), &json!({})).await.problem(409);
    assert!(p["detail"].as_str().unwrap().contains("PUT /v1/uploads/"), "{p}");
    let confirm = format!("/v1/uploads/{}/parts/1/confirm", id(&upload));
    app.post(&confirm, Some(&token), &json!({"etag": "\"abc\""})).await.problem(409);
}

/// Sends `bytes` to a presigned URL of the test S3 server; returns the ETag it answered.
fn put_presigned(url: &str, bytes: &[u8]) -> String {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "PUT {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        bytes.len()
    )
    .unwrap();
    stream.write_all(bytes).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let etag = response.lines().find_map(|l| l.strip_prefix("ETag: ").or_else(|| l.strip_prefix("etag: ")));
    etag.unwrap().trim().to_owned()
}

#[actix_web::test]
#[cfg_attr(not(s3_tests), ignore = "S3 only: runs when SHELF_TEST_S3_URL is set (.ci/run starts a moto server)")]
async fn on_s3_a_part_sent_by_presigned_url_bypasses_shelf_and_completes_the_file() {
    let location = s3_bucket();
    let app = spawn_with_s3(&location).await;
    let token = app.seller("seller-a");
    let file = file_of(PART + 77);
    let upload = declare(&app, &token, file.len(), &sha256(&file)).await;
    let presigned = app.post(&format!("/v1/uploads/{}/parts/2/presign", id(&upload)), Some(&token), &json!({})).await;
    let presigned = presigned.json();
    assert_eq!(presigned["method"], "PUT");
    let etag = put_presigned(presigned["url"].as_str().unwrap(), part(&file, 2));
    let confirm = format!("/v1/uploads/{}/parts/2/confirm", id(&upload));
    let now = app.post(&confirm, Some(&token), &json!({ "etag": etag })).await.json();
    assert_eq!(now["received_parts"], json!([2]));
    put_part(&app, &token, &upload, 1, part(&file, 1)).await.assert_status(200);
    assert_eq!(complete(&app, &token, &upload).await.json()["status"], "completed");
    assert!(s3_holds(&location, &sha256(&file)));
}
