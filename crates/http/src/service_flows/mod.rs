//! Service flow templates: read-only reference data.

mod get;
mod list;

pub fn configure(cfg: &mut impl crate::routes::Routes) {
    cfg.service(list::list).service(get::get);
}
