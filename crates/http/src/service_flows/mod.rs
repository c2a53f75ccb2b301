//! Service flow templates: read-only reference data.

mod get;
mod list;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list::list).service(get::get);
}
