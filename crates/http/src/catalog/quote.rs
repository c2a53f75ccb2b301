use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use shelf_domain::pricing::Period;
use shelf_persistence::products;
use utoipa::ToSchema;

use super::offered;
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::quote::{QuoteRequest, QuoteResponse, respond};
use crate::{AppState, blocking};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogQuoteRequest {
    /// Specification key.
    #[schema(example = "migration")]
    pub specification: String,
    /// SKU code.
    pub sku: String,
    /// Units, on the step grid of the specification's quantity attribute.
    #[schema(minimum = 1)]
    pub quantity: Option<u64>,
    pub period: Period,
    /// 1..120, default 1.
    #[schema(minimum = 1, maximum = 120)]
    pub periods: Option<u32>,
    /// Where the buyer is (ISO 3166-1 alpha-2): a specification not sold there is 409.
    #[schema(example = "SG")]
    pub region: Option<String>,
}

/// Quotes a SKU of a product: the same engine as every quote, with the quantity checked against the
/// specification's quantity attribute (range and step).
#[utoipa::path(
    operation_id = "quoteCatalogProduct",
    tag = "catalog",
    params(
        ("id" = String, Path, description = "Product id"),
    ),
    request_body = CatalogQuoteRequest,
    responses(
        (status = 200, description = "The quote; its lines add up to the total", body = QuoteResponse),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such product"),
        (status = 409, description = "The SKU is sold out (hardware), or not sold in the region"),
        (status = 410, description = "The product was removed"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "Unknown or removed specification or SKU, a quantity off the grid, a period the price lacks"),
    )
)]
#[post("/catalog/products/{id}/quote")]
pub async fn quote(
    state: web::Data<AppState>,
    id: web::Path<String>,
    JsonBody(request): JsonBody<CatalogQuoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let terms = QuoteRequest { quantity: request.quantity, period: request.period, periods: request.periods };
    crate::quote::check_terms(&terms)?;
    let db = state.db.clone();
    let product = offered(blocking(move || Ok(db.read(|c| products::get(c, &id))?)).await?)?;
    let price = product.quotable(&request.specification, &request.sku, request.quantity, request.region.as_deref())?;
    let currency = product.content.currency.as_deref().unwrap_or("");
    Ok(HttpResponse::Ok().json(respond(price, currency, &terms)?))
}
