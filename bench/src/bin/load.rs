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
use serde_json::json;
use shelf_bench::client::{expect, percentile, prepare, release_content, token};
use shelf_domain::Role;

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
    let content = release_content();

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
