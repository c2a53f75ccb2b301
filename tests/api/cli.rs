//! The `shelf` binary itself: its subcommands, start-up and shutdown.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SHELF: &str = env!("CARGO_BIN_EXE_shelf");

fn http_get(addr: &str, path: &str, token: Option<&str>) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// The one drift check: the committed document is what `shelf openapi` prints (CI runs it with the suite).
#[test]
fn shelf_openapi_prints_the_committed_document() {
    let out = Command::new(SHELF).arg("openapi").output().unwrap();
    assert!(out.status.success());
    let committed =
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json")).unwrap();
    assert!(
        out.stdout == committed,
        "openapi/openapi.json is stale: run `make openapi` (cargo run -q -- openapi > openapi/openapi.json) and commit it"
    );
}

#[test]
fn shelf_token_needs_the_secret_and_refuses_unknown_roles() {
    let out = Command::new(SHELF)
        .args(["token", "--sub", "s1", "--role", "seller"])
        .env_remove("SHELF_JWT_SECRET")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("SHELF_JWT_SECRET"));
    let out = Command::new(SHELF)
        .args(["token", "--sub", "s1", "--role", "owner"])
        .env("SHELF_JWT_SECRET", "0123456789abcdef0123456789abcdef")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let out = Command::new(SHELF)
        .args(["token", "--sub", "s1", "--role", "seller", "--ttl", "30m", "--email", "a@b.io"])
        .env("SHELF_JWT_SECRET", "0123456789abcdef0123456789abcdef")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim().split('.').count(), 3);
}

#[test]
fn serve_refuses_an_event_poll_outside_its_range_naming_the_variable() {
    for bad in ["0", "9", "3600001", "soon"] {
        let out = Command::new(SHELF)
            .arg("serve")
            .env("SHELF_EVENT_POLL_MS", bad)
            .env("SHELF_JWT_SECRET", "0123456789abcdef0123456789abcdef")
            .env("SHELF_DATABASE_URL", ":memory:")
            .env("SHELF_BIND", "127.0.0.1:0")
            .output()
            .unwrap();
        assert!(!out.status.success(), "SHELF_EVENT_POLL_MS={bad} was taken");
        assert!(String::from_utf8_lossy(&out.stderr).contains("SHELF_EVENT_POLL_MS"), "SHELF_EVENT_POLL_MS={bad}");
    }
}

#[cfg(unix)]
#[test]
fn serve_without_a_secret_prints_working_demo_tokens_and_stops_cleanly_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("shelf_cli_{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(SHELF)
        .arg("serve")
        .current_dir(&dir)
        .env_remove("SHELF_JWT_SECRET")
        .env_remove("SHELF_DATABASE_URL")
        .env("SHELF_BIND", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let addr_thread = std::thread::spawn(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .find_map(|l| l.split("listening on http://").nth(1).map(|rest| rest.split(' ').next().unwrap().to_owned()))
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines().map_while(Result::ok);
    let mut seller_token = None;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        match stdout.next() {
            Some(line) if line.starts_with("Demo seller token") => {
                seller_token = stdout.next().map(|t| t.trim().to_owned())
            }
            Some(line) if line.starts_with("Demo reviewer token") => break,
            Some(_) => {}
            None => break,
        }
    }
    let addr = addr_thread.join().unwrap().expect("the server says where it listens");
    let token = seller_token.expect("a demo seller token is printed");
    assert!(http_get(&addr, "/v1/drafts", Some(&token)).starts_with("HTTP/1.1 200"));
    assert!(http_get(&addr, "/swagger-ui/", None).starts_with("HTTP/1.1 200"));
    assert!(dir.join("shelf.db").exists(), "the default database is shelf.db in the working directory");
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "exit after SIGTERM: {status}");
    let _ = std::fs::remove_dir_all(&dir);
}
