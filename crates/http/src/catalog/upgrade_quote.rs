//! Upgrade quotes: what a customer pays mid-term to move to another SKU or add units, by the
//! formulas of the sales configuration (domain.md), prorated once and rounded half up once.

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use shelf_domain::pricing::{Money, Period};
use shelf_domain::sales::{UpgradeRequest, UpgradeTarget, upgrade_fee};
use shelf_domain::{Violation, ViolationCode};
use shelf_persistence::products;
use utoipa::ToSchema;

use super::offered;
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::{AppState, blocking};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpgradeQuoteRequest {
    /// Specification key.
    #[schema(example = "seats")]
    pub specification: String,
    /// The SKU bought now.
    pub sku: String,
    /// The units bought now (default 1).
    #[schema(minimum = 1)]
    pub quantity: Option<u64>,
    /// Another SKU of the specification (an upgrade rule must allow it); or give `added_quantity`.
    pub to_sku: Option<String>,
    /// Units to add to the same SKU; or give `to_sku`.
    #[schema(minimum = 1)]
    pub added_quantity: Option<u64>,
    /// The term: `month` (30 days) or `year` (365 days).
    pub period: Period,
    /// Days left of the current term, 1..30 or 1..365.
    #[schema(minimum = 1, maximum = 365)]
    pub remaining_days: u32,
    /// Percent of the list price the customer pays, 1..100 (default 100: no discount).
    #[schema(minimum = 1, maximum = 100)]
    pub discount_percent: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UpgradeLineResponse {
    #[schema(example = "premium × 5, per month")]
    pub description: String,
    /// For one full period; negative: credited.
    pub amount: Money,
}

/// The fee: the lines for one full period, prorated once by remaining/term × discount, rounded half up.
#[derive(Debug, Serialize, ToSchema)]
pub struct UpgradeQuoteResponse {
    pub fee: Money,
    pub lines: Vec<UpgradeLineResponse>,
    pub remaining_days: u32,
    pub term_days: u32,
    pub discount_percent: u32,
    /// How the fee is rounded: once, half up, to the currency's minor unit.
    #[schema(example = "half_up")]
    pub rounding: &'static str,
}

/// Quotes an upgrade of a listed SaaS product mid-term: another SKU (an upgrade rule allows it) or
/// more units. Downgrades and decreases are refused: they happen at renewal only.
#[utoipa::path(
    operation_id = "quoteCatalogProductUpgrade",
    tag = "catalog",
    params(("id" = String, Path, description = "Product id")),
    request_body = UpgradeQuoteRequest,
    responses(
        (status = 200, description = "The fee, line by line", body = UpgradeQuoteResponse),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such product"),
        (status = 409, description = "A downgrade, a rule that no longer holds, or not a yearly/monthly SaaS"),
        (status = 410, description = "The product was removed"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "Neither or both of to_sku and added_quantity, no rule for this upgrade, a quantity off the grid, days or discount out of range"),
    )
)]
#[post("/catalog/products/{id}/upgrade-quote")]
pub async fn upgrade_quote(
    state: web::Data<AppState>,
    id: web::Path<String>,
    JsonBody(body): JsonBody<UpgradeQuoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let target = match (body.to_sku, body.added_quantity) {
        (Some(sku), None) => UpgradeTarget::Sku(sku),
        (None, Some(added)) => UpgradeTarget::AddedQuantity(added),
        _ => {
            let why = "give exactly one of `to_sku` and `added_quantity`";
            return Err(ApiError::invalid("", vec![Violation::error("/to_sku", ViolationCode::Required, why)]));
        }
    };
    let request = UpgradeRequest {
        specification: body.specification,
        sku: body.sku,
        quantity: body.quantity.unwrap_or(1),
        target,
        period: body.period,
        remaining_days: body.remaining_days,
        discount_percent: body.discount_percent.unwrap_or(100),
    };
    let db = state.db.clone();
    let product = offered(blocking(move || Ok(db.read(|c| products::get(c, &id))?)).await?)?;
    let quote = upgrade_fee(&product, &product.offer.sales.upgrade_rules, &request)?;
    let currency = product.content.currency.clone().unwrap_or_default();
    let money = |amount: i64| Money { amount, currency: currency.clone() };
    Ok(HttpResponse::Ok().json(UpgradeQuoteResponse {
        fee: money(quote.fee),
        lines: quote
            .lines
            .into_iter()
            .map(|l| UpgradeLineResponse { description: l.description, amount: money(l.amount) })
            .collect(),
        remaining_days: request.remaining_days,
        term_days: quote.term_days,
        discount_percent: request.discount_percent,
        rounding: "half_up",
    }))
}
