//! Marketplace settings for admins.

mod holidays;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(holidays::get).service(holidays::put);
}
