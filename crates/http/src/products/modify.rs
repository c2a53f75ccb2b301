use actix_web::{HttpResponse, post, web};
use shelf_domain::DraftKind;
use shelf_domain::limits::MAX_OPEN_DRAFTS;
use shelf_domain::product::ProductStatus;
use shelf_persistence::drafts::{self, NewDraft};
use shelf_persistence::{applications, files, products};

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
        db.write(|c| {
            let product = products::get_for_seller(c, &seller.id, &id)?;
            if product.status == ProductStatus::Discontinued {
                return Err(ApiError::Conflict("a discontinued product cannot be modified".into()));
            }
            if drafts::count_open(c, &seller.id)? >= MAX_OPEN_DRAFTS {
                return Err(ApiError::limit_reached("open drafts", MAX_OPEN_DRAFTS));
            }
            if drafts::open_modification_exists(c, &product.id)? {
                return Err(ApiError::Conflict("the product already has an open modification draft".into()));
            }
            let new = NewDraft {
                seller_id: &seller.id,
                kind: DraftKind::Modification,
                product_id: Some(&product.id),
                content: &product.content,
            };
            let draft = drafts::insert(c, new)?;
            // The modification starts with the product's files too.
            if let Some(source) = applications::latest_approved_for_product(c, &product.id)? {
                files::copy_into_draft(c, &seller.id, &draft.id, &source.snapshot.files)?;
            }
            Ok::<_, ApiError>(draft)
        })
    })
    .await?;
    Ok(respond_created(draft))
}
