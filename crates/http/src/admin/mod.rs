//! Marketplace settings for admins: the holiday calendar and sellers' capabilities.

mod capabilities;
mod holidays;

pub fn configure(cfg: &mut impl crate::routes::Routes) {
    cfg.service(holidays::get).service(holidays::put).service(capabilities::get).service(capabilities::put);
}
