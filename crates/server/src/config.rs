//! Configuration from the environment (api.md "The `shelf` binary").

use std::path::PathBuf;

use rand::RngCore;

#[derive(Debug, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

/// How tokens are verified.
#[derive(Clone)]
pub enum JwtKey {
    /// `SHELF_JWT_SECRET` (HS256).
    Secret(Vec<u8>),
    /// No secret configured: a random one for this run only.
    Generated(Vec<u8>),
    /// `SHELF_JWT_PUBLIC_KEY` (RS256), the PEM file's contents.
    PublicKeyPem(PathBuf, Vec<u8>),
}

impl std::fmt::Debug for JwtKey {
    // Never print key material.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JwtKey::Secret(_) => f.write_str("Secret(..)"),
            JwtKey::Generated(_) => f.write_str("Generated(..)"),
            JwtKey::PublicKeyPem(path, _) => write!(f, "PublicKeyPem({})", path.display()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub bind: String,
    pub jwt_key: JwtKey,
    pub jwt_issuer: Option<String>,
    pub jwt_audience: Option<String>,
    pub pool_size: Option<u32>,
    pub cors_origins: Vec<String>,
    /// Seconds east of UTC of the marketplace's calendar.
    pub marketplace_offset_seconds: i32,
    pub json_body_bytes: usize,
    /// How long a request body may take to arrive (`SHELF_BODY_TIMEOUT_SECONDS`, default 30; 408 beyond).
    pub body_timeout_seconds: u32,
    /// Writes and quotes per minute per account (`SHELF_RATE_LIMIT_PER_MINUTE`).
    pub rate_limit_per_minute: u32,
    /// Writes and quotes per minute per client address when anonymous (`SHELF_ANONYMOUS_RATE_LIMIT_PER_MINUTE`).
    pub anonymous_rate_limit_per_minute: u32,
    /// Catalog searches per minute per client address (`SHELF_SEARCH_RATE_LIMIT_PER_MINUTE`, default 600).
    pub search_rate_limit_per_minute: u32,
    /// How long a delivery claim on an outbox row lasts (`SHELF_OUTBOX_LEASE_SECONDS`, default 60).
    pub outbox_lease_seconds: u32,
    /// How long a webhook delivery's claim lasts (`SHELF_WEBHOOK_LEASE_SECONDS`, default 60): a worker
    /// that dies holding one leaves it to be sent again, with the same webhook-id, after this.
    pub webhook_lease_seconds: u32,
    /// `SHELF_SMTP_URL`, e.g. `smtp://host:25`: where notification emails go.
    pub smtp_url: Option<String>,
    /// `SHELF_MAIL_FROM`: the sender of notification emails.
    pub mail_from: Option<String>,
    /// `SHELF_SMS_WEBHOOK_URL`: notification SMS are POSTed here as JSON.
    pub sms_webhook_url: Option<String>,
    /// How often each instance polls the event feed to drop what it cached of others' changes, and
    /// its webhook worker looks for due deliveries (`SHELF_EVENT_POLL_MS`, default 250, 10 to
    /// 3,600,000). On PostgreSQL committed events are also announced (LISTEN/NOTIFY), and the
    /// follower acts on those at once and wakes the webhook worker: there the poll is the fallback
    /// for an announcement lost with a broken connection (and the retries' clock).
    pub event_poll_ms: u64,
    /// Memory for catalog entries served without a database read (`SHELF_CATALOG_CACHE_MB`, default 32; 0: off).
    pub catalog_cache_mb: usize,
    /// `SHELF_FILES_DIR`: file bytes go to this directory instead of the database.
    pub files_dir: Option<std::path::PathBuf>,
    /// `SHELF_S3_URL`, `SHELF_S3_BUCKET`, `SHELF_S3_REGION`: file bytes go to this S3-compatible bucket
    /// (credentials from the usual AWS environment variables).
    pub s3: Option<shelf_persistence::blobs::S3Location>,
    /// `SHELF_METRICS_BIND`: serve `/metrics` on this address instead of the API's listener.
    pub metrics_bind: Option<String>,
    /// `SHELF_SCAN_COMMAND` (a program and its arguments, split at spaces, run without a shell with
    /// the package's path appended) and `SHELF_SCAN_TIMEOUT_SECONDS` (default 300): the scanner each
    /// new software package goes through.
    pub scanner: Option<shelf_workflows::assets::Scanner>,
    /// `SHELF_SCAN_DIR` (default the system's temporary directory): where packages not stored as
    /// local files are copied for their scan.
    pub scan_dir: std::path::PathBuf,
    /// `SHELF_ALLOW_PRIVATE_ENDPOINTS=true` (tests only): webhooks may go to http and to loopback,
    /// private and link-local addresses.
    pub outbound: shelf_domain::webhook::OutboundPolicy,
    /// `SHELF_CATALOG_DEFAULT_REGION` (an ISO 3166-1 alpha-2 code): the catalog's region when a request
    /// names none (unset: every region).
    pub catalog_default_region: Option<String>,
}

/// The scanner of `SHELF_SCAN_COMMAND`, bounded by `SHELF_SCAN_TIMEOUT_SECONDS`.
fn scanner() -> Result<Option<shelf_workflows::assets::Scanner>, ConfigError> {
    let Some(command) = var("SHELF_SCAN_COMMAND") else { return Ok(None) };
    let seconds: u64 = parse("SHELF_SCAN_TIMEOUT_SECONDS", "a number of seconds")?.unwrap_or(300);
    if !(1..=86_400).contains(&seconds) {
        return Err(ConfigError { var: "SHELF_SCAN_TIMEOUT_SECONDS", message: "1..86400 seconds".into() });
    }
    let argv = command.split_whitespace().map(str::to_owned).collect();
    Ok(Some(shelf_workflows::assets::Scanner { argv, timeout: std::time::Duration::from_secs(seconds) }))
}

/// `SHELF_CATALOG_DEFAULT_REGION`, checked against the ISO 3166-1 list.
fn default_region() -> Result<Option<String>, ConfigError> {
    let Some(region) = var("SHELF_CATALOG_DEFAULT_REGION") else { return Ok(None) };
    if !shelf_domain::region::is_region(&region) {
        let message = "an ISO 3166-1 alpha-2 code, e.g. SG".into();
        return Err(ConfigError { var: "SHELF_CATALOG_DEFAULT_REGION", message });
    }
    Ok(Some(region))
}

fn var(name: &'static str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn parse<T: std::str::FromStr>(name: &'static str, what: &str) -> Result<Option<T>, ConfigError> {
    var(name)
        .map(|v| v.parse().map_err(|_| ConfigError { var: name, message: format!("`{v}` is not {what}") }))
        .transpose()
}

/// `SHELF_EVENT_POLL_MS`: 10 ms to an hour.
fn event_poll_ms() -> Result<u64, ConfigError> {
    const RANGE: std::ops::RangeInclusive<u64> = 10..=3_600_000;
    match parse::<u64>("SHELF_EVENT_POLL_MS", "a number of milliseconds")? {
        None => Ok(250),
        Some(ms) if RANGE.contains(&ms) => Ok(ms),
        Some(ms) => Err(ConfigError {
            var: "SHELF_EVENT_POLL_MS",
            message: format!("{ms} is outside {} to {} milliseconds", RANGE.start(), RANGE.end()),
        }),
    }
}

/// The S3 store of `SHELF_S3_URL`: it needs a bucket; https unless the endpoint is on loopback.
fn s3_location() -> Result<Option<shelf_persistence::blobs::S3Location>, ConfigError> {
    let Some(endpoint) = var("SHELF_S3_URL") else { return Ok(None) };
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"].iter().any(|p| endpoint.starts_with(p));
    if !(endpoint.starts_with("https://") || loopback) {
        return Err(ConfigError {
            var: "SHELF_S3_URL",
            message: format!("`{endpoint}`: use https (http only on loopback)"),
        });
    }
    let bucket = var("SHELF_S3_BUCKET")
        .ok_or(ConfigError { var: "SHELF_S3_BUCKET", message: "SHELF_S3_URL is set: name the bucket too".into() })?;
    let region = var("SHELF_S3_REGION").or_else(|| var("AWS_REGION")).unwrap_or_else(|| "us-east-1".into());
    Ok(Some(shelf_persistence::blobs::S3Location { endpoint, bucket, region }))
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        let jwt_key = match (var("SHELF_JWT_PUBLIC_KEY"), var("SHELF_JWT_SECRET")) {
            (Some(path), _) => {
                let pem = std::fs::read(&path).map_err(|e| ConfigError {
                    var: "SHELF_JWT_PUBLIC_KEY",
                    message: format!("cannot read {path}: {e}"),
                })?;
                JwtKey::PublicKeyPem(path.into(), pem)
            }
            (None, Some(secret)) => JwtKey::Secret(secret.into_bytes()),
            (None, None) => {
                let mut secret = vec![0u8; 32];
                rand::rng().fill_bytes(&mut secret);
                JwtKey::Generated(secret)
            }
        };
        let marketplace_tz = var("SHELF_MARKETPLACE_TZ").unwrap_or_else(|| "+08:00".into());
        let marketplace_offset_seconds =
            shelf_domain::content::after_sales::parse_utc_offset(&marketplace_tz).ok_or(ConfigError {
                var: "SHELF_MARKETPLACE_TZ",
                message: format!("`{marketplace_tz}` is not ±HH:MM"),
            })?;
        Ok(Config {
            database_url: var("SHELF_DATABASE_URL").unwrap_or_else(|| "shelf.db".into()),
            bind: var("SHELF_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            jwt_key,
            jwt_issuer: var("SHELF_JWT_ISSUER"),
            jwt_audience: var("SHELF_JWT_AUDIENCE"),
            pool_size: parse("SHELF_POOL_SIZE", "a number of connections")?,
            cors_origins: var("SHELF_CORS_ORIGINS")
                .map(|v| {
                    v.split(',').map(|o| o.trim().trim_end_matches('/').to_owned()).filter(|o| !o.is_empty()).collect()
                })
                .unwrap_or_default(),
            marketplace_offset_seconds,
            json_body_bytes: parse("SHELF_MAX_JSON_BYTES", "a number of bytes")?.unwrap_or(1 << 20),
            body_timeout_seconds: parse("SHELF_BODY_TIMEOUT_SECONDS", "a number of seconds")?.unwrap_or(30).max(1),
            rate_limit_per_minute: parse("SHELF_RATE_LIMIT_PER_MINUTE", "a number of requests")?.unwrap_or(600),
            anonymous_rate_limit_per_minute: parse("SHELF_ANONYMOUS_RATE_LIMIT_PER_MINUTE", "a number of requests")?
                .unwrap_or(120),
            search_rate_limit_per_minute: parse("SHELF_SEARCH_RATE_LIMIT_PER_MINUTE", "a number of requests")?
                .unwrap_or(600),
            outbox_lease_seconds: parse("SHELF_OUTBOX_LEASE_SECONDS", "a number of seconds")?.unwrap_or(60),
            webhook_lease_seconds: parse("SHELF_WEBHOOK_LEASE_SECONDS", "a number of seconds")?.unwrap_or(60),
            smtp_url: var("SHELF_SMTP_URL"),
            mail_from: var("SHELF_MAIL_FROM"),
            sms_webhook_url: var("SHELF_SMS_WEBHOOK_URL"),
            event_poll_ms: event_poll_ms()?,
            catalog_cache_mb: parse("SHELF_CATALOG_CACHE_MB", "a number of MiB")?.unwrap_or(32),
            files_dir: var("SHELF_FILES_DIR").map(Into::into),
            s3: s3_location()?,
            metrics_bind: var("SHELF_METRICS_BIND"),
            scanner: scanner()?,
            scan_dir: var("SHELF_SCAN_DIR").map_or_else(std::env::temp_dir, Into::into),
            outbound: shelf_domain::webhook::OutboundPolicy {
                allow_private: parse("SHELF_ALLOW_PRIVATE_ENDPOINTS", "true or false")?.unwrap_or(false),
            },
            catalog_default_region: default_region()?,
        })
    }
}
