//! How soon an approval made through one instance shows through another: a seller submits a complete
//! draft through `--base`, a reviewer approves it there, and the new product is then asked for
//! through `--other` (the first page of the catalog list, which that instance serves from its page
//! cache, and the product by id) until both show it. Run beside the read load on both instances
//! (bench/run.sh, two instances on one PostgreSQL database). Prints
//! `approvals worst_ms p50_ms p99_ms stale_after_bound`: the delay from the approval's answer to the
//! product's first sight on the other instance, and how many exceeded `--bound-ms`.
//!
//! `shelf-visibility --base http://127.0.0.1:18181 --other http://127.0.0.1:18182 --seconds 10 --secret …`

use std::time::{Duration, Instant};

use awc::Client;
use clap::Parser;
use serde_json::Value;
use shelf_bench::client::{expect, percentile, prepare, release_content, token};
use shelf_domain::Role;

#[derive(Parser)]
struct Args {
    /// The instance the release goes through.
    #[arg(long)]
    base: String,
    /// The instance that must show it.
    #[arg(long)]
    other: String,
    /// The measured window: one release after another, each waited for on the other instance.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// The documented bound (the event poll, 250 ms, plus one poll's read: the fallback when an
    /// announcement is missed): delays above it are counted.
    #[arg(long, default_value_t = 500)]
    bound_ms: u64,
    /// One release starts at most this often, so that the write load beside the read scenario is the
    /// same however soon the other instance shows each (a slower one starts the next at once). Not a
    /// multiple of the 250 ms poll, so that approvals land at every point of it.
    #[arg(long, default_value_t = 330)]
    every_ms: u64,
    /// Give up on one product after this long (counted as an error).
    #[arg(long, default_value_t = 10_000)]
    give_up_ms: u64,
    /// Complete drafts prepared before the window (default: as many as it can release in it, and two
    /// more: an account keeps at most 1,000 open drafts).
    #[arg(long)]
    drafts: Option<usize>,
    /// Created once the drafts are prepared, when the window starts (for a script to start the load).
    #[arg(long)]
    ready_file: Option<std::path::PathBuf>,
    /// The servers' HS256 secret (SHELF_JWT_SECRET).
    #[arg(long, env = "SHELF_JWT_SECRET")]
    secret: String,
}

fn main() {
    let args = Args::parse();
    actix_rt::System::new().block_on(run(args));
}

/// Whether the other instance shows `product`: first on its list's first page, and by id.
async fn shown(client: &Client, other: &str, product: &str) -> Result<bool, String> {
    let page = expect(client.get(format!("{other}/v1/catalog/products")).send().await, 200, "list").await?;
    let listed = page["items"].as_array().into_iter().flatten().any(|card| card["id"] == product);
    if !listed {
        return Ok(false);
    }
    let by_id = client.get(format!("{other}/v1/catalog/products/{product}")).send().await;
    Ok(by_id.map_err(|e| format!("by id: {e}"))?.status().as_u16() == 200)
}

async fn run(args: Args) {
    let client = Client::builder().timeout(Duration::from_secs(30)).finish();
    let files: Vec<(String, Vec<u8>)> =
        shelf_bench::files().into_iter().map(|(f, bytes)| (f.filename, bytes)).collect();
    let seller = token(&args.secret, "visibility-seller", Role::Seller);
    let reviewer = token(&args.secret, "visibility-reviewer", Role::Reviewer);
    let content = release_content();
    let mut drafts = Vec::new();
    let wanted = args.drafts.unwrap_or((args.seconds * 1000 / args.every_ms.max(1)) as usize + 2);
    for _ in 0..wanted {
        match prepare(&client, &args.base, &seller, &content, &files).await {
            Ok(id) => drafts.push(id),
            Err(e) => {
                eprintln!("prepare: {e}");
                std::process::exit(1);
            }
        }
    }
    if let Some(ready) = &args.ready_file {
        std::fs::write(ready, b"").expect("the ready file");
    }
    let (window, bound, give_up) = (
        Duration::from_secs(args.seconds),
        Duration::from_millis(args.bound_ms),
        Duration::from_millis(args.give_up_ms),
    );
    let started = Instant::now();
    let mut delays = Vec::new();
    let mut errors = 0u64;
    while started.elapsed() < window {
        let next = Instant::now() + Duration::from_millis(args.every_ms);
        let Some(draft) = drafts.pop() else {
            eprintln!("ran out of drafts before the window ended: raise --drafts");
            break;
        };
        match release(&client, &args.base, &seller, &reviewer, &draft).await {
            Ok(product) => {
                let approved = Instant::now();
                loop {
                    match shown(&client, &args.other, &product).await {
                        Ok(true) => {
                            delays.push(approved.elapsed());
                            break;
                        }
                        Ok(false) if approved.elapsed() < give_up => {
                            actix_rt::time::sleep(Duration::from_millis(2)).await
                        }
                        Ok(false) => {
                            errors += 1;
                            eprintln!("{product} not shown by {} after {give_up:?}", args.other);
                            break;
                        }
                        Err(e) => {
                            errors += 1;
                            eprintln!("{e}");
                            break;
                        }
                    }
                }
            }
            Err(e) => {
                errors += 1;
                eprintln!("{e}");
            }
        }
        actix_rt::time::sleep_until(next.into()).await;
    }
    delays.sort();
    let late = delays.iter().filter(|d| **d > bound).count();
    println!(
        "{} {:.1} {:.1} {:.1} {}",
        delays.len(),
        percentile(&delays, 100.0),
        percentile(&delays, 50.0),
        percentile(&delays, 99.0),
        late as u64 + errors
    );
}

/// Submits `draft` and approves it through `base`; the new product's id.
async fn release(client: &Client, base: &str, seller: &str, reviewer: &str, draft: &str) -> Result<String, String> {
    let submitted = client.post(format!("{base}/v1/drafts/{draft}/submit")).insert_header(("Authorization", seller));
    let application = expect(submitted.send().await, 201, "submit").await?;
    let id = application["id"].as_str().unwrap_or_default();
    let approve =
        client.post(format!("{base}/v1/applications/{id}/approve")).insert_header(("Authorization", reviewer));
    let approved: Value = expect(approve.send().await, 200, "approve").await?;
    approved["product_id"].as_str().map(str::to_owned).ok_or_else(|| "an approval without product_id".into())
}
