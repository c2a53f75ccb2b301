use actix_web::{HttpResponse, post, web};
use shelf_domain::ProductId;
use shelf_workflows as workflows;

use crate::auth::Seller;
use crate::drafts::{DraftResponse, respond_created};
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// Starts a modification: a draft holding the product's live content and files. At most one is open per product.
#[utoipa::path(
    operation_id = "createProductDraft",
    tag = "products",
    params(
        ("id" = String, Path, description = "Product id"),
    ),
    responses(
        (status = 201, description = "The modification draft", body = DraftResponse, headers(("Location" = String), ("ETag" = String))),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 404, description = "No such product (or another seller's)"),
        (status = 409, description = "The product already has an open modification, or is discontinued"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/products/{id}/drafts")]
pub async fn modify(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let draft = blocking(move || {
        Ok(workflows::drafts::start_modification(&db, &seller.seller_id(), &ProductId(id.into_inner()))?)
    })
    .await?;
    Ok(respond_created(draft))
}
