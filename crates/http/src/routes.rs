//! Every route of the API, on one screen.

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    admin, applications, assets, attributes, catalog, drafts, health, notifications, pricing_templates, products, saas,
    service_flows, uploads, webhooks,
};

/// Routes are matched in this order: the catalog, the busiest reads, comes first.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz).service(health::readyz).service(
        scope::scope("/v1")
            .configure(catalog::configure)
            .configure(service_flows::configure)
            .configure(drafts::configure)
            .configure(attributes::configure)
            .configure(pricing_templates::configure)
            .configure(applications::configure)
            .configure(products::configure)
            .configure(notifications::configure)
            .configure(uploads::configure)
            .configure(assets::configure)
            .configure(webhooks::configure)
            .configure(saas::configure)
            .configure(admin::configure),
    );
}
