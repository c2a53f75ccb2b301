//! Every route of the API, on one screen.

use actix_web::dev::HttpServiceFactory;
use actix_web::web;
use utoipa_actix_web::OpenApiFactory;
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    admin, applications, assets, attributes, catalog, drafts, health, notifications, pricing_templates, products, saas,
    service_flows, uploads, webhooks,
};

/// Where routes are registered: the OpenAPI document (utoipa collects each operation's paths and
/// schemas, tens of milliseconds and MiB of work) or a worker's app (actix alone: the document is
/// built once, at start-up, and each worker only routes).
pub trait Routes {
    fn service<F: HttpServiceFactory + OpenApiFactory + 'static>(&mut self, factory: F) -> &mut Self;
}

impl Routes for ServiceConfig<'_> {
    fn service<F: HttpServiceFactory + OpenApiFactory + 'static>(&mut self, factory: F) -> &mut Self {
        ServiceConfig::service(self, factory)
    }
}

impl Routes for web::ServiceConfig {
    fn service<F: HttpServiceFactory + OpenApiFactory + 'static>(&mut self, factory: F) -> &mut Self {
        web::ServiceConfig::service(self, factory)
    }
}

/// Every route, for the OpenAPI document.
pub fn document(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz).service(health::readyz).service(scope::scope("/v1").configure(|cfg| v1(cfg)));
}

/// Every route, for a worker's app: the same routes as [`document`], without the document.
pub fn app(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz).service(health::readyz).service(web::scope("/v1").configure(v1));
}

/// Routes are matched in this order: the catalog, the busiest reads, comes first.
fn v1(cfg: &mut impl Routes) {
    catalog::configure(cfg);
    service_flows::configure(cfg);
    drafts::configure(cfg);
    attributes::configure(cfg);
    pricing_templates::configure(cfg);
    applications::configure(cfg);
    products::configure(cfg);
    notifications::configure(cfg);
    uploads::configure(cfg);
    assets::configure(cfg);
    webhooks::configure(cfg);
    saas::configure(cfg);
    admin::configure(cfg);
}
