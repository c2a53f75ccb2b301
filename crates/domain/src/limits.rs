//! How much one seller may keep, so that no account can grow without bound.

/// Open (not closed) drafts per seller.
pub const MAX_OPEN_DRAFTS: i64 = 1000;
/// Pricing templates per seller.
pub const MAX_PRICING_TEMPLATES: i64 = 500;
/// Catalogue attributes per seller.
pub const MAX_ATTRIBUTES: i64 = 500;

/// Hard caps on what a saved draft may hold, so that checking, storing and rendering one is bounded
/// work. A draft in progress may break a release rule, never one of these; each is at least the
/// release rule's own bound (5 highlights, 20 specifications, 200 SKUs, 20 values).
pub const SAVE_MAX_HIGHLIGHTS: usize = 20;
pub const SAVE_MAX_SPECIFICATIONS: usize = 50;
pub const SAVE_MAX_ATTRIBUTES: usize = 20;
pub const SAVE_MAX_VALUES: usize = 50;
pub const SAVE_MAX_SKUS: usize = 400;
/// Attribute values a SKU names (one per enumeration attribute).
pub const SAVE_MAX_SKU_ATTRIBUTES: usize = 20;
/// Tiers of one tiered price: a release rule and a hard cap alike, so a quote has at most this many lines.
pub const MAX_TIERS: usize = 50;
/// A report or a 422 lists at most this many violations (with the total count).
pub const MAX_VIOLATIONS_LISTED: usize = 100;
/// Longest catalog or draft search text, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;

/// The largest usage a pay-per-use quote takes (and the bound its prices are checked for overflow at).
pub const MAX_USAGE_QUANTITY: u64 = 1_000_000_000;
