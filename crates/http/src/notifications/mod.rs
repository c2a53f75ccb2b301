//! What sellers are told: internal messages, notification receivers, and the event feed.

mod events;
mod messages;
mod settings;

pub fn configure(cfg: &mut impl crate::routes::Routes) {
    cfg.service(messages::list)
        .service(messages::read)
        .service(settings::get)
        .service(settings::put)
        .service(events::list);
}
