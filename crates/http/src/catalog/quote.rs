use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use shelf_domain::ViolationCode;
use shelf_domain::content::specification::{AttributeType, PricingKind};
use shelf_domain::pricing::Period;
use shelf_persistence::products;
use utoipa::ToSchema;

use super::offered;
use crate::extract::JsonBody;
use crate::problem::{ApiError, FieldError};
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
}

fn unprocessable(pointer: &str, code: ViolationCode, message: String) -> ApiError {
    ApiError::Unprocessable {
        detail: format!("{pointer}: {message}"),
        errors: vec![FieldError::at_pointer(pointer, code, message)],
    }
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
    let spec = product
        .content
        .specifications
        .iter()
        .flatten()
        .find(|s| s.key.as_deref() == Some(request.specification.as_str()))
        .ok_or_else(|| unprocessable("/specification", ViolationCode::NotFound, "no such specification".into()))?;
    let sku =
        spec.skus.iter().flatten().find(|s| s.code.as_deref() == Some(request.sku.as_str())).ok_or_else(|| {
            unprocessable("/sku", ViolationCode::NotFound, "no such SKU in this specification".into())
        })?;
    if product.removed.is_sku_removed(&request.specification, &request.sku) {
        return Err(unprocessable("/sku", ViolationCode::Removed, "this SKU is no longer offered".into()));
    }
    let price = match spec.pricing {
        Some(PricingKind::Simple) => spec.price.as_ref(),
        _ => sku.price.as_ref(),
    }
    .ok_or_else(|| ApiError::internal("a listed SKU without a price"))?;
    let quantity_attribute =
        spec.attributes.iter().flatten().find(|a| a.attribute_type == Some(AttributeType::Quantity));
    if let (Some(q), Some(attribute)) = (request.quantity, quantity_attribute) {
        let (min, max, step) =
            (attribute.min.unwrap_or(1), attribute.max.unwrap_or(u32::MAX), attribute.step.unwrap_or(1).max(1));
        if q < u64::from(min) || q > u64::from(max) {
            return Err(unprocessable(
                "/quantity",
                ViolationCode::OutOfRange,
                format!("quantity must be {min}..{max}"),
            ));
        }
        if (q - u64::from(min)) % u64::from(step) != 0 {
            return Err(unprocessable(
                "/quantity",
                ViolationCode::NotOnStepGrid,
                format!("quantity must be {min} plus a multiple of {step}"),
            ));
        }
    }
    let currency = product.content.currency.as_deref().unwrap_or("");
    let request = QuoteRequest { quantity: request.quantity, period: request.period, periods: request.periods };
    Ok(HttpResponse::Ok().json(respond(price, currency, &request)?))
}
