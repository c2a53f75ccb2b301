use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use shelf_persistence::pricing_templates;
use utoipa::ToSchema;

use super::PricingTemplateResponse;
use crate::AppState;
use crate::auth::Seller;
use crate::extract::Query;
use crate::pagination::{self, PageParams};
use crate::problem::ApiError;

#[derive(Debug, Serialize, ToSchema)]
pub struct PricingTemplateList {
    pub items: Vec<PricingTemplateResponse>,
    /// Pass as `page_token` for the next page; null on the last.
    pub next_page_token: Option<String>,
}

/// Lists the seller's pricing templates, newest first.
#[utoipa::path(
    operation_id = "listPricingTemplates",
    tag = "pricing-templates",
    params(PageParams),
    responses(
        (status = 200, description = "A page of pricing templates", body = PricingTemplateList),
        (status = 400, description = "A bad parameter"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[get("/pricing-templates")]
pub async fn list(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    Query(params): Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let read = move |c: &mut _, page: &_| pricing_templates::list_for_seller(c, &seller.id, page);
    let (items, next_page_token) = pagination::read_page(&state.db, params.page()?, read).await?;
    let items = items.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(PricingTemplateList { items, next_page_token }))
}
