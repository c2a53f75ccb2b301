//! How much one seller may keep, so that no account can grow without bound.

/// Open (not closed) drafts per seller.
pub const MAX_OPEN_DRAFTS: i64 = 1000;
/// Pricing templates per seller.
pub const MAX_PRICING_TEMPLATES: i64 = 500;
/// Catalogue attributes per seller.
pub const MAX_ATTRIBUTES: i64 = 500;
