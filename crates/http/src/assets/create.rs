use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use shelf_domain::asset::{AssetKind, ImageReference};
use shelf_domain::{Violation, ViolationCode};
use shelf_workflows as workflows;
use shelf_workflows::assets::Source;
use utoipa::ToSchema;

use super::AssetResponse;
use crate::auth::Seller;
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// A package's bytes: a completed upload (`POST /v1/uploads`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PackageSource {
    pub upload_id: String,
}

/// A new asset. Like Stripe's typed objects, `kind` says which of `software_package` or `image` is
/// given (exactly that one).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAssetRequest {
    pub kind: AssetKind,
    /// 1..100 characters; assets with the same name are versions of one another.
    #[schema(example = "Analytics agent", min_length = 1, max_length = 100)]
    pub name: String,
    /// 1..32 of `[A-Za-z0-9._-]`, unique per name.
    #[schema(example = "2.4.1", pattern = "^[A-Za-z0-9._-]{1,32}$")]
    pub version: String,
    /// For `software_package`: the completed upload of a `.zip`, `.tar` or `.tar.gz` (≤ 20 GB). The
    /// upload is consumed: its file becomes the asset's.
    pub software_package: Option<PackageSource>,
    /// For `image`.
    pub image: Option<ImageReference>,
}

impl CreateAssetRequest {
    /// The source `kind` names, when it is the one given.
    fn source(&self) -> Result<Source<'_>, ApiError> {
        let wrong = |pointer: &str, code, message: &str| {
            ApiError::from(shelf_domain::Refusal::Invalid(vec![Violation::error(pointer, code, message)]))
        };
        match (self.kind, &self.software_package, &self.image) {
            (AssetKind::SoftwarePackage, Some(p), None) => Ok(Source::Package { upload_id: &p.upload_id }),
            (AssetKind::Image, None, Some(image)) => Ok(Source::Image(image.clone())),
            (AssetKind::SoftwarePackage, None, _) => {
                Err(wrong("/software_package", ViolationCode::Required, "a software package names its upload"))
            }
            (AssetKind::Image, _, None) => {
                Err(wrong("/image", ViolationCode::Required, "an image asset describes its image"))
            }
            (AssetKind::SoftwarePackage, _, Some(_)) => {
                Err(wrong("/image", ViolationCode::NotAllowed, "only for kind `image`"))
            }
            (AssetKind::Image, Some(_), _) => {
                Err(wrong("/software_package", ViolationCode::NotAllowed, "only for kind `software_package`"))
            }
        }
    }
}

/// Creates an asset in review (`scanning`): a software package from a completed upload, or an image
/// reference. A package's listing is checked and the configured scanner runs on it before a reviewer
/// can approve it.
#[utoipa::path(
    operation_id = "createAsset",
    tag = "assets",
    request_body = CreateAssetRequest,
    responses(
        (status = 201, description = "The asset, in review", body = AssetResponse,
            headers(("Location" = String), ("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Not a seller"),
        (status = 409, description = "The upload is not completed, or this name and version exist"),
        (status = 413, description = "Body too large"),
        (status = 415, description = "Not application/json"),
        (status = 422, description = "A bad name, version or image; no such upload; a file that is not the package its name says; or 1,000 assets already (`limit_reached`)"),
    ),
    security(("bearer_jwt" = ["seller"]))
)]
#[post("/assets")]
pub async fn create(
    state: web::Data<AppState>,
    Seller(seller): Seller,
    JsonBody(body): JsonBody<CreateAssetRequest>,
) -> Result<HttpResponse, ApiError> {
    body.source()?;
    let (db, blobs, offset) = (state.db.clone(), state.blobs.clone(), state.marketplace_offset_seconds);
    let asset = blocking(move || {
        let source = body.source()?;
        Ok(workflows::assets::create(&db, &blobs, &seller, (&body.name, &body.version), source, offset)?)
    })
    .await?;
    Ok(crate::etag::respond(StatusCode::CREATED, asset))
}
