//! The `shelf` server: configuration, wiring and background workers.

pub mod config;
pub mod outbox;
pub mod webhooks;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{HttpServer, web};
use shelf_domain::Role;
use shelf_http::catalog::cache::{CatalogCache, PageCache};
use shelf_http::catalog::reader::EntryReader;
use shelf_http::rate_limit::RateLimits;
use shelf_http::{AppState, Authenticator, Claims, KeySource, Limits};
use shelf_persistence::blobs::{BlobStore, DirectoryBackend, S3Backend};
use shelf_persistence::{Db, notifications, products};
use tokio::sync::Notify;

pub use config::{Config, ConfigError, JwtKey};

/// Opens the database and builds the state every handler shares.
pub fn state(config: &Config, db: Db) -> Result<web::Data<AppState>, String> {
    let source = match &config.jwt_key {
        JwtKey::Secret(s) | JwtKey::Generated(s) => KeySource::Hs256Secret(s),
        JwtKey::PublicKeyPem(_, pem) => KeySource::Rs256PublicPem(pem),
    };
    let auth = Authenticator::new(source, config.jwt_issuer.as_deref(), config.jwt_audience.as_deref())?;
    let catalog_reader = EntryReader::start(db.clone(), catalog_readers())
        .map_err(|e| format!("cannot start the catalog readers: {e}"))?;
    Ok(web::Data::new(AppState {
        db,
        auth,
        limits: Limits {
            json_body_bytes: config.json_body_bytes,
            body_timeout: std::time::Duration::from_secs(config.body_timeout_seconds.into()),
        },
        marketplace_offset_seconds: config.marketplace_offset_seconds,
        rate_limits: RateLimits::new(
            config.rate_limit_per_minute,
            config.anonymous_rate_limit_per_minute,
            config.search_rate_limit_per_minute,
        ),
        // Entries live as long as the catalog's Cache-Control lets any cache keep them.
        catalog_cache: CatalogCache::new(config.catalog_cache_mb << 20, Duration::from_secs(60)),
        review_queue: PageCache::new(REVIEW_QUEUE_CACHE_BYTES, Duration::from_secs(60)),
        catalog_reader,
        blobs: blob_store(config)?,
        metrics: Default::default(),
        metrics_on_api_listener: config.metrics_bind.is_none(),
        outbound: config.outbound,
        catalog_default_region: config.catalog_default_region.clone(),
        sender: Arc::new(shelf_workflows::outbound::Sender::new(config.outbound)?),
    }))
}

/// Where file bytes go: the S3 bucket of `SHELF_S3_URL`, the directory of `SHELF_FILES_DIR`, else
/// the database.
pub fn blob_store(config: &Config) -> Result<BlobStore, String> {
    match (&config.s3, &config.files_dir) {
        (Some(_), Some(_)) => Err("set SHELF_S3_URL or SHELF_FILES_DIR, not both".into()),
        (Some(s3), None) => {
            let backend = S3Backend::open(s3).map_err(|e| format!("SHELF_S3_URL: {e}"))?;
            Ok(BlobStore::new(Arc::new(backend)))
        }
        (None, Some(dir)) => {
            let backend = DirectoryBackend::open(dir).map_err(|e| format!("SHELF_FILES_DIR: {e}"))?;
            Ok(BlobStore::new(Arc::new(backend)))
        }
        (None, None) => Ok(BlobStore::database()),
    }
}

/// Catalog reader threads: one per two cores (each answers a whole batch of lookups per statement;
/// on two cores, two readers only split the batches in half: bench/HISTORY.md).
fn catalog_readers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get() / 2).max(1)
}

/// An HS256 token for `sub` with `role`, valid for `ttl`.
pub fn token(
    secret: &[u8],
    sub: &str,
    role: Role,
    ttl: Duration,
    email: Option<String>,
    phone: Option<String>,
) -> Result<String, String> {
    let exp = chrono::Utc::now().timestamp().max(0) as u64 + ttl.as_secs();
    let claims = Claims { sub: sub.to_owned(), role, exp, email, phone, iss: None, aud: None };
    shelf_http::auth::issue_hs256(secret, &claims)
}

/// Memory for rendered review-queue pages.
const REVIEW_QUEUE_CACHE_BYTES: usize = 1 << 20;

/// Opens and migrates the database.
pub fn open_db(config: &Config) -> Result<Db, String> {
    let db = Db::open(&config.database_url, config.pool_size).map_err(|e| format!("cannot open the database: {e}"))?;
    db.migrate().map_err(|e| e.to_string())?;
    Ok(db)
}

/// Serves until SIGTERM or Ctrl-C, then drains in-flight requests.
pub async fn serve(config: Config) -> Result<(), String> {
    let db = open_db(&config)?;
    // Where following other instances' changes starts: taken before anything is cached, so no change
    // after it can be missed.
    let events_seen = db.read(notifications::last_cursor).map_err(|e| format!("cannot read the event feed: {e}"))?;
    let state = state(&config, db.clone())?;
    let document = shelf_http::Document::new(&shelf_http::openapi());
    let cors = config.cors_origins.clone();
    let app_state = state.clone();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let server = HttpServer::new(move || shelf_http::app(app_state.clone(), document.clone(), cors.clone()))
        .bind(&config.bind)
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?
        .shutdown_timeout(30)
        .workers(workers)
        // Blocking work is database work, and each worker has a blocking pool of its own: together
        // they have as many threads as there are connections (more would only queue for one, and
        // contend on the pool's lock: bench/HISTORY.md).
        .worker_max_blocking_threads((db.max_connections() as usize).div_ceil(workers));
    let addr = server.addrs().first().copied().map(|a| a.to_string()).unwrap_or(config.bind.clone());
    log::info!("shelf listening on http://{addr} ({:?} database)", db.backend());
    if let JwtKey::Generated(secret) = &config.jwt_key {
        print_demo_tokens(secret, &addr);
    }
    let delivery = delivery_of(&config)?;
    actix_web::rt::spawn(outbox::run(db.clone(), Arc::new(delivery), Duration::from_millis(500)));
    let poll = Duration::from_millis(config.event_poll_ms);
    let new_events = Arc::new(Notify::new());
    actix_web::rt::spawn(follow_events(db.clone(), state.clone(), events_seen, poll, new_events.clone()));
    actix_web::rt::spawn(merge_search_index(db.clone()));
    actix_web::rt::spawn(sweep_released_blobs(db.clone(), state.blobs.clone()));
    actix_web::rt::spawn(expire_uploads(db.clone(), state.blobs.clone()));
    let lease = Duration::from_secs(config.webhook_lease_seconds.into());
    actix_web::rt::spawn(webhooks::run(db.clone(), state.sender.clone(), poll, lease, new_events));
    actix_web::rt::spawn(scan_assets(db.clone(), state.blobs.clone(), config.scanner.clone(), config.scan_dir.clone()));
    actix_web::rt::spawn(purge_idempotency_keys(db));
    if let Some(bind) = &config.metrics_bind {
        let metrics_state = state.clone();
        let metrics = HttpServer::new(move || shelf_http::metrics_app(metrics_state.clone()))
            .bind(bind)
            .map_err(|e| format!("cannot listen on SHELF_METRICS_BIND {bind}: {e}"))?
            .workers(1)
            .disable_signals()
            .run();
        log::info!("metrics on http://{bind}/metrics");
        actix_web::rt::spawn(metrics);
    }
    server.run().await.map_err(|e| e.to_string())
}

fn print_demo_tokens(secret: &[u8], addr: &str) {
    log::warn!("SHELF_JWT_SECRET is not set: using a random secret for this run; tokens die with the process");
    let day = Duration::from_secs(24 * 3600);
    let seller = token(secret, "demo-seller", Role::Seller, day, Some("seller@example.com".into()), None);
    let reviewer = token(secret, "demo-reviewer", Role::Reviewer, day, None, None);
    if let (Ok(seller), Ok(reviewer)) = (seller, reviewer) {
        println!("\nSwagger UI: http://{addr}/swagger-ui/  (Authorize, then paste a token)");
        println!("Demo seller token (24 h):\n  {seller}");
        println!("Demo reviewer token (24 h):\n  {reviewer}\n");
    }
}

/// Every `poll` (250 ms unless configured), and on PostgreSQL as soon as events are announced:
/// numbers committed events for the feed (PostgreSQL; readers also do it first), drops the cached
/// catalog entries of products that changed and the catalog's list pages, and the review queue's
/// pages when an application changed, whichever instance changed them; and tells `new_events` (the
/// webhook worker) when the feed has grown, so their deliveries go out without waiting for its tick.
async fn follow_events(db: Db, state: web::Data<AppState>, mut cursor: i64, poll: Duration, new_events: Arc<Notify>) {
    const BATCH: i64 = 1000;
    // However often events are announced, at most one round per SPACING.
    const SPACING: Duration = Duration::from_millis(20);
    let announced = Arc::new(Notify::new());
    let mut newest = cursor;
    listen_for_events(db.clone(), Arc::downgrade(&announced));
    loop {
        let _ = actix_web::rt::time::timeout(poll, announced.notified()).await;
        let (db, after) = (db.clone(), cursor);
        let followed = background("following events", move || {
            notifications::sequence_committed_events(&db)?;
            db.read(|c| Ok((notifications::last_cursor(c)?, notifications::followed_events_after(c, after, BATCH)?)))
        });
        if let Some((last, changed)) = followed.await {
            if last > newest {
                newest = last;
                new_events.notify_one();
            }
            changed.iter().filter_map(|e| e.product_id.as_deref()).for_each(|id| state.catalog_cache.invalidate(id));
            if changed.iter().any(|e| e.about_an_application()) {
                state.review_queue.clear();
            }
            cursor = changed.last().map_or(cursor, |e| e.cursor);
            // A short batch read everything up to `last` (the metrics' lag is what lies beyond).
            let seen = if changed.len() < BATCH as usize { last.max(cursor) } else { cursor };
            state.metrics.events_followed.store(seen, std::sync::atomic::Ordering::Relaxed);
        }
        actix_web::rt::time::sleep(SPACING).await;
    }
}

/// On PostgreSQL, a thread of its own wakes the follower when committed events are announced: it
/// holds a connection outside the pool and looks at what the connection received every 10 ms (a
/// read of its socket, no round trip). It reconnects after an error (the follower's poll goes on
/// meanwhile), wakes the follower once each time it starts listening (for what committed before),
/// and ends with the follower.
fn listen_for_events(db: Db, wake: std::sync::Weak<Notify>) {
    const LOOK: Duration = Duration::from_millis(10);
    const RECONNECT: Duration = Duration::from_secs(1);
    if db.backend() != shelf_persistence::Backend::Postgres {
        return;
    }
    let listen = move || {
        let mut failing = false;
        while wake.strong_count() > 0 {
            let mut listener = match notifications::EventListener::open(&db) {
                Some(Ok(listener)) => listener,
                Some(Err(e)) => {
                    if !failing {
                        log::warn!("cannot listen for announced events (the follower polls meanwhile): {e}");
                    }
                    failing = true;
                    std::thread::sleep(RECONNECT);
                    continue;
                }
                None => return,
            };
            failing = false;
            log::info!("listening for announced events");
            // Whatever committed before LISTEN took effect was announced to nobody: one round now.
            match wake.upgrade() {
                Some(follower) => follower.notify_one(),
                None => return,
            }
            loop {
                std::thread::sleep(LOOK);
                match listener.heard() {
                    Ok(true) => match wake.upgrade() {
                        Some(follower) => follower.notify_one(),
                        None => return,
                    },
                    Ok(false) if wake.strong_count() == 0 => return,
                    Ok(false) => {}
                    Err(e) => {
                        log::warn!("the event listener's connection broke (reconnecting): {e}");
                        break;
                    }
                }
            }
        }
    };
    if let Err(e) = std::thread::Builder::new().name("event-listener".into()).spawn(listen) {
        log::warn!("cannot start the event listener (the follower polls alone): {e}");
    }
}

/// Every ten minutes on SQLite, when anything happened since the last time: merges the catalog's
/// search index toward one segment, a slice at a time (short write transactions that writers
/// interleave with), so searches keep reading few segments however the catalog grew. A whole merge
/// at a million products is about 2 s of work. Nothing on PostgreSQL (GIN keeps itself).
async fn merge_search_index(db: Db) {
    const PAGES_PER_SLICE: u32 = 256;
    const SLICES_PER_RUN: u32 = 1000;
    if db.backend() != shelf_persistence::Backend::Sqlite {
        return;
    }
    let mut every = actix_web::rt::time::interval(Duration::from_secs(600));
    let mut merged_at = None;
    loop {
        every.tick().await;
        let last = db.clone();
        let Some(cursor) = background("reading the event feed", move || last.read(notifications::last_cursor)).await
        else {
            continue;
        };
        if merged_at == Some(cursor) {
            continue;
        }
        merged_at = Some(cursor);
        for _ in 0..SLICES_PER_RUN {
            let db = db.clone();
            let merged = background("merging the search index", move || {
                db.write(|c| products::merge_search_index(c, PAGES_PER_SLICE))
            });
            if merged.await != Some(true) {
                break;
            }
        }
    }
}

/// Deletes the bytes of released blobs outside the database (a minute after their last reference
/// went), every minute.
async fn sweep_released_blobs(db: Db, blobs: BlobStore) {
    let mut every = actix_web::rt::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        let (db, blobs) = (db.clone(), blobs.clone());
        let swept = background("sweeping released files", move || blobs.sweep(&db, chrono::Duration::minutes(1), 1000));
        if let Some(n) = swept.await.filter(|n| *n > 0) {
            log::info!("deleted the bytes of {n} released files");
        }
    }
}

/// Scans new software packages (their listing, then the configured scanner) every five seconds,
/// a few at a time.
async fn scan_assets(db: Db, blobs: BlobStore, scanner: Option<shelf_workflows::assets::Scanner>, dir: PathBuf) {
    let mut every = actix_web::rt::time::interval(Duration::from_secs(5));
    loop {
        every.tick().await;
        let (db, blobs, scanner, dir) = (db.clone(), blobs.clone(), scanner.clone(), dir.clone());
        let scanned =
            web::block(move || shelf_workflows::assets::scan_due(&db, &blobs, scanner.as_ref(), &dir, 4)).await;
        match scanned {
            Ok(Ok(n)) if n > 0 => log::info!("scanned {n} software packages"),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => log::warn!("scanning packages failed: {e}"),
            Err(e) => log::warn!("scanning packages failed: {e}"),
        }
    }
}

/// Expires open uploads past their 24 hours and removes their parts, every ten minutes.
async fn expire_uploads(db: Db, blobs: BlobStore) {
    let mut every = actix_web::rt::time::interval(Duration::from_secs(600));
    loop {
        every.tick().await;
        let (db, blobs) = (db.clone(), blobs.clone());
        let expired = web::block(move || shelf_workflows::uploads::expire_due(&db, &blobs, 1000)).await;
        match expired {
            Ok(Ok(n)) if n > 0 => log::info!("expired {n} unfinished uploads"),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => log::warn!("expiring uploads failed: {e}"),
            Err(e) => log::warn!("expiring uploads failed: {e}"),
        }
    }
}

/// Deletes expired idempotency keys every ten minutes.
async fn purge_idempotency_keys(db: Db) {
    let mut every = actix_web::rt::time::interval(Duration::from_secs(600));
    loop {
        every.tick().await;
        let db = db.clone();
        let purged = background("purging idempotency keys", move || {
            db.write(|c| shelf_persistence::idempotency::purge_expired(c, shelf_persistence::now()))
        });
        if let Some(n) = purged.await.filter(|n| *n > 0) {
            log::info!("purged {n} expired idempotency keys");
        }
    }
}

/// Database work of a background task, off the async workers; a failure is logged as `what`
/// failing and gives `None` (the task tries again on its next tick).
async fn background<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> Result<T, shelf_persistence::Error> + Send + 'static,
) -> Option<T> {
    match web::block(work).await {
        Ok(Ok(value)) => Some(value),
        Ok(Err(e)) => {
            log::warn!("{what} failed: {e}");
            None
        }
        Err(e) => {
            log::warn!("{what} failed: {e}");
            None
        }
    }
}

/// The outbox worker's delivery, as configured: its channels and how long a claim lasts.
pub fn delivery_of(config: &Config) -> Result<outbox::Delivery, String> {
    let delivery = outbox::Delivery::new(
        config.smtp_url.as_deref(),
        config.mail_from.as_deref(),
        config.sms_webhook_url.as_deref(),
    )?;
    Ok(delivery.with_lease(config.outbox_lease_seconds))
}
