//! What sellers are told: internal messages, notification receivers, and the event feed.

mod events;
mod messages;
mod settings;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(messages::list)
        .service(messages::read)
        .service(settings::get)
        .service(settings::put)
        .service(events::list);
}
