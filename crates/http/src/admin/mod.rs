//! Marketplace settings for admins: the holiday calendar and sellers' capabilities.

mod capabilities;
mod holidays;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(holidays::get).service(holidays::put).service(capabilities::get).service(capabilities::put);
}
