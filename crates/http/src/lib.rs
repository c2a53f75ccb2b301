//! Shelf's HTTP API: actix-web handlers annotated for the OpenAPI document, auth, problem+json,
//! and the cross-cutting helpers (request ids, ETags, idempotency, pagination).

mod admin;
mod applications;
mod assets;
mod attributes;
pub mod auth;
pub mod catalog;
pub mod context;
pub(crate) mod drafts;
pub mod etag;
pub mod extract;
mod fallback;
mod health;
pub mod idempotency;
mod merge_patch;
pub mod metrics;
mod notifications;
pub mod openapi;
pub mod pagination;
mod pricing_templates;
pub mod problem;
mod products;
mod quote;
pub mod rate_limit;
pub mod request_id;
mod routes;
mod saas;
mod service_flows;
mod uploads;
mod webhooks;

use std::sync::Arc;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::{Condition, DefaultHeaders, from_fn};
use actix_web::{App, web};
use shelf_persistence::Db;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

pub use auth::{Account, Authenticator, Claims, KeySource};
pub use problem::ApiError;

/// Request-size limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest JSON body accepted (413 beyond).
    pub json_body_bytes: usize,
    /// How long a request body may take to arrive whole (408 beyond).
    pub body_timeout: std::time::Duration,
}

impl Limits {
    /// The largest body of any request: an upload with its multipart framing.
    pub fn any_body_bytes(&self) -> usize {
        self.json_body_bytes.max(shelf_domain::files::REQUEST_TEMPLATE_MAX_BYTES + 64 * 1024)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits { json_body_bytes: 1 << 20, body_timeout: std::time::Duration::from_secs(30) }
    }
}

/// What every handler shares.
pub struct AppState {
    pub db: Db,
    pub auth: Authenticator,
    pub limits: Limits,
    /// The marketplace time zone, seconds east of UTC (review deadlines count its working days).
    pub marketplace_offset_seconds: i32,
    pub rate_limits: rate_limit::RateLimits,
    /// Catalog entries served without a database read.
    pub catalog_cache: catalog::cache::CatalogCache,
    /// Rendered pages of the review queue, dropped at any application change (this instance's at
    /// once, others' through the event feed).
    pub review_queue: catalog::cache::PageCache,
    /// Catalog entries read by id, in batches.
    pub catalog_reader: catalog::reader::EntryReader,
    /// Where file bytes go (the database, or a directory).
    pub blobs: shelf_persistence::files::BlobStore,
    /// The process's metrics (`GET /metrics`).
    pub metrics: Arc<metrics::Metrics>,
    /// Whether the API's listener serves `/metrics` (false: `SHELF_METRICS_BIND` serves them elsewhere).
    pub metrics_on_api_listener: bool,
    /// Where outbound requests (webhooks, SaaS verifications) may go.
    pub outbound: shelf_domain::webhook::OutboundPolicy,
    /// Sends them.
    pub sender: Arc<shelf_workflows::outbound::Sender>,
    /// The catalog's region when a request names none (`SHELF_CATALOG_DEFAULT_REGION`).
    pub catalog_default_region: Option<String>,
}

/// Hex SHA-256 of `bytes` (file hashes, idempotency fingerprints).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs database work off the async workers.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    web::block(f).await?
}

/// The OpenAPI document of every route, finished (`openapi::finish`).
pub fn openapi() -> serde_json::Value {
    let (_, api) = App::new().into_utoipa_app().openapi(openapi::base()).configure(routes::document).split_for_parts();
    openapi::finish(api)
}

/// The OpenAPI document as served, rendered once and shared by every worker: its JSON and the route
/// table the fallbacks answer from. The document itself (several MiB as a JSON value) is not kept:
/// the process keeps only these.
#[derive(Clone)]
pub struct Document {
    json: web::Bytes,
    routes: web::Data<fallback::RouteTable>,
}

impl Document {
    pub fn new(api: &serde_json::Value) -> Document {
        Document {
            json: serde_json::to_vec(api).expect("a JSON value serialises").into(),
            routes: web::Data::new(fallback::RouteTable::from_openapi(api)),
        }
    }
}

async fn serve_document(document: web::Data<web::Bytes>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().content_type("application/json").body(document.get_ref().clone())
}

/// The whole application: routes, Swagger UI, fallbacks and middleware.
/// `cors_origins` is the browser-origin allow-list (empty: no cross-origin access).
pub fn app(
    state: web::Data<AppState>,
    document: Document,
    cors_origins: Vec<String>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let serve_metrics = state.metrics_on_api_listener;
    let Document { json, routes } = document;
    App::new()
        .app_data(state)
        .configure(routes::app)
        .app_data(routes)
        .configure(|cfg| {
            if serve_metrics {
                cfg.route("/metrics", web::get().to(metrics::scrape));
            }
        })
        .app_data(web::PathConfig::default().error_handler(|e, _| {
            ApiError::bad_parameter("path", shelf_domain::ViolationCode::InvalidValue, e.to_string()).into()
        }))
        .service(web::resource("/openapi.json").app_data(web::Data::new(json)).route(web::get().to(serve_document)))
        .service(SwaggerUi::new("/swagger-ui/{_:.*}").config(utoipa_swagger_ui::Config::from("/openapi.json")))
        .default_service(web::to(fallback::not_found_or_method))
        .wrap(from_fn(fallback::nul_in_path))
        .wrap(from_fn(idempotency::middleware))
        .wrap(from_fn(extract::body_deadline))
        .wrap(from_fn(fallback::authenticate_first))
        .wrap(from_fn(rate_limit::middleware))
        .wrap(Condition::new(!cors_origins.is_empty(), cors(&cors_origins)))
        .wrap(from_fn(no_store_when_authenticated))
        .wrap(from_fn(swagger_ui_policy))
        .wrap(DefaultHeaders::new().add((header::X_CONTENT_TYPE_OPTIONS, "nosniff")))
        .wrap(from_fn(metrics::track))
        .wrap(from_fn(request_id::middleware))
}

/// The metrics alone, for a listener of their own (`SHELF_METRICS_BIND`).
pub fn metrics_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new().app_data(state).route("/metrics", web::get().to(metrics::scrape))
}

/// Responses to authenticated requests are private: no cache keeps them.
async fn no_store_when_authenticated(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let authenticated = req.headers().contains_key(header::AUTHORIZATION);
    let mut res = next.call(req).await?;
    if authenticated && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    }
    Ok(res)
}

/// Swagger UI's pages load only their own scripts and styles, and no other site may frame them
/// (a page that can run requests with a pasted token is a clickjacking target).
const SWAGGER_UI_POLICY: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'none'";

async fn swagger_ui_policy(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let swagger = req.path().starts_with("/swagger-ui");
    let mut res = next.call(req).await?;
    if swagger {
        let headers = res.headers_mut();
        headers.insert(header::CONTENT_SECURITY_POLICY, header::HeaderValue::from_static(SWAGGER_UI_POLICY));
        headers.insert(header::X_FRAME_OPTIONS, header::HeaderValue::from_static("DENY"));
    }
    Ok(res)
}

fn cors(origins: &[String]) -> Cors {
    let cors = origins.iter().fold(Cors::default(), |cors, origin| cors.allowed_origin(origin));
    cors.allowed_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            idempotency::HEADER,
            request_id::HEADER,
        ])
        .expose_headers([header::ETAG, header::LOCATION, request_id::HEADER, idempotency::REPLAYED])
        // Same-origin requests (Swagger UI) carry an Origin too: let them through without CORS headers.
        .block_on_origin_mismatch(false)
        .max_age(3600)
}
