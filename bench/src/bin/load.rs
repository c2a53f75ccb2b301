//! Releases per second over the HTTP API: each client is a seller with complete drafts (content,
//! logo, request template) made beforehand; in the measured window it submits a draft and a
//! reviewer approves it, again and again. Prints `releases/s p50_ms p99_ms errors`.
//!
//! `shelf-load --base http://127.0.0.1:8080 --clients 64 --seconds 10 --secret …`

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use awc::Client;
use clap::Parser;
use rand::SeedableRng;
use serde_json::{Value, json};
use shelf_domain::Role;
use shelf_http::auth::{Claims, issue_hs256};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base: String,
    /// Concurrent clients (each a seller of its own).
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// The measured window.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Complete drafts each client prepares (more than it can release in the window).
    #[arg(long, default_value_t = 120)]
    drafts_per_client: usize,
    /// The server's HS256 secret (SHELF_JWT_SECRET).
    #[arg(long, env = "SHELF_JWT_SECRET")]
    secret: String,
    /// Webhook endpoints each client's seller registers (0: webhooks off), all pointing here.
    #[arg(long, default_value_t = 0)]
    webhook_endpoints: usize,
    #[arg(long, default_value = "http://127.0.0.1:18292/hook")]
    webhook_url: String,
}

fn token(secret: &str, sub: &str, role: Role) -> String {
    let exp = (chrono::Utc::now() + chrono::Duration::hours(2)).timestamp() as u64;
    let claims = Claims { sub: sub.into(), role, exp, email: None, phone: None, iss: None, aud: None };
    format!("Bearer {}", issue_hs256(secret.as_bytes(), &claims).expect("token"))
}

fn multipart(filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "shelf-load-boundary-7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn expect<S>(
    response: Result<awc::ClientResponse<S>, awc::error::SendRequestError>,
    status: u16,
    what: &str,
) -> Result<Value, String>
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, awc::error::PayloadError>> + Unpin,
{
    let mut response = response.map_err(|e| format!("{what}: {e}"))?;
    let body = response.body().limit(1 << 22).await.map_err(|e| format!("{what}: {e}"))?;
    if response.status().as_u16() != status {
        return Err(format!("{what}: {} {}", response.status(), String::from_utf8_lossy(&body)));
    }
    Ok(serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// Makes one complete draft and returns its id.
async fn prepare(
    client: &Client,
    base: &str,
    seller: &str,
    content: &Value,
    files: &[(String, Vec<u8>)],
) -> Result<String, String> {
    let draft = expect(
        client
            .post(format!("{base}/v1/drafts"))
            .insert_header(("Authorization", seller))
            .send_json(&json!({"content": content}))
            .await,
        201,
        "create draft",
    )
    .await?;
    let id = draft["id"].as_str().ok_or("a draft without id")?.to_owned();
    let logo = client
        .put(format!("{base}/v1/drafts/{id}/logo"))
        .insert_header(("Authorization", seller))
        .content_type("image/png")
        .send_body(files[0].1.clone())
        .await;
    expect(logo, 200, "logo").await?;
    let (content_type, body) = multipart(&files[1].0, &files[1].1);
    let template = client
        .post(format!("{base}/v1/drafts/{id}/request-templates"))
        .insert_header(("Authorization", seller))
        .content_type(content_type)
        .send_body(body)
        .await;
    expect(template, 201, "request template").await?;
    Ok(id)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize - 1;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

fn main() {
    let args = Args::parse();
    actix_rt::System::new().block_on(run(args));
}

async fn run(args: Args) {
    let client = Client::builder()
        .timeout(Duration::from_secs(30))
        .connector(awc::Connector::new().limit(args.clients * 2))
        .finish();
    let files: Vec<(String, Vec<u8>)> =
        shelf_bench::files().into_iter().map(|(f, bytes)| (f.filename, bytes)).collect();
    let reviewer = token(&args.secret, "load-reviewer", Role::Reviewer);
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let mut content = serde_json::to_value(shelf_bench::content(&mut rng, 1)).expect("content");
    content["public_sales"] = json!(true);
    // Codes are the server's to assign.
    for spec in content["specifications"].as_array_mut().into_iter().flatten() {
        for sku in spec["skus"].as_array_mut().into_iter().flatten() {
            sku.as_object_mut().map(|s| s.remove("code"));
        }
    }

    let started = Instant::now();
    let queues: Vec<Rc<RefCell<Vec<String>>>> = (0..args.clients).map(|_| Rc::default()).collect();
    let sellers: Vec<String> =
        (0..args.clients).map(|c| token(&args.secret, &format!("load-seller-{c:03}"), Role::Seller)).collect();
    let mut tasks = Vec::new();
    for seller in &sellers {
        for _ in 0..args.webhook_endpoints {
            let registered = client
                .post(format!("{}/v1/webhook-endpoints", args.base))
                .insert_header(("Authorization", seller.as_str()))
                .send_json(&json!({"url": args.webhook_url}))
                .await;
            if let Err(e) = expect(registered, 201, "webhook endpoint").await {
                eprintln!("{e}");
            }
        }
    }
    for c in 0..args.clients {
        let (client, base, seller, content, files, queue) =
            (client.clone(), args.base.clone(), sellers[c].clone(), content.clone(), files.clone(), queues[c].clone());
        let count = args.drafts_per_client;
        tasks.push(actix_rt::spawn(async move {
            for _ in 0..count {
                match prepare(&client, &base, &seller, &content, &files).await {
                    Ok(id) => queue.borrow_mut().push(id),
                    Err(e) => {
                        eprintln!("prepare: {e}");
                        break;
                    }
                }
            }
        }));
    }
    for task in tasks.drain(..) {
        let _ = task.await;
    }
    let prepared: usize = queues.iter().map(|q| q.borrow().len()).sum();
    eprintln!("prepared {prepared} complete drafts in {:.1}s", started.elapsed().as_secs_f64());

    let window = Duration::from_secs(args.seconds);
    let started = Instant::now();
    let latencies: Rc<RefCell<Vec<Duration>>> = Rc::default();
    let errors: Rc<RefCell<u64>> = Rc::default();
    let exhausted: Rc<RefCell<u64>> = Rc::default();
    for c in 0..args.clients {
        let (client, base, seller, reviewer, queue) =
            (client.clone(), args.base.clone(), sellers[c].clone(), reviewer.clone(), queues[c].clone());
        let (latencies, errors, exhausted) = (latencies.clone(), errors.clone(), exhausted.clone());
        tasks.push(actix_rt::spawn(async move {
            while started.elapsed() < window {
                let Some(draft) = queue.borrow_mut().pop() else {
                    *exhausted.borrow_mut() += 1;
                    break;
                };
                let t0 = Instant::now();
                let submitted = expect(
                    client
                        .post(format!("{base}/v1/drafts/{draft}/submit"))
                        .insert_header(("Authorization", seller.as_str()))
                        .send()
                        .await,
                    201,
                    "submit",
                )
                .await;
                let approved = match submitted {
                    Ok(application) => {
                        let id = application["id"].as_str().unwrap_or_default().to_owned();
                        expect(
                            client
                                .post(format!("{base}/v1/applications/{id}/approve"))
                                .insert_header(("Authorization", reviewer.as_str()))
                                .send()
                                .await,
                            200,
                            "approve",
                        )
                        .await
                    }
                    Err(e) => Err(e),
                };
                match approved {
                    Ok(_) if started.elapsed() <= window => latencies.borrow_mut().push(t0.elapsed()),
                    Ok(_) => {}
                    Err(e) => {
                        *errors.borrow_mut() += 1;
                        eprintln!("{e}");
                    }
                }
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    let elapsed = started.elapsed().min(window).as_secs_f64();
    let mut latencies = latencies.take();
    latencies.sort();
    if *exhausted.borrow() > 0 {
        eprintln!(
            "{} clients ran out of drafts before the window ended: raise --drafts-per-client",
            exhausted.borrow()
        );
    }
    println!(
        "{:.0} {:.3} {:.3} {}",
        latencies.len() as f64 / elapsed,
        percentile(&latencies, 50.0),
        percentile(&latencies, 99.0),
        errors.borrow()
    );
}
