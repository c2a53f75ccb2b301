//! Assets (api.md "Files"): software packages and image references that products are released
//! against, each reviewed on its own: the seller's resource, its package download, and the
//! reviewers' queue and decisions.

mod create;
mod delete;
mod get;
mod list;
mod package;
mod review;

use chrono::{DateTime, Utc};
use serde::Serialize;
use shelf_domain::asset::{Asset, AssetKind, AssetStatus, ImageReference, ScanStatus};
use shelf_persistence::now;
use utoipa::ToSchema;

pub fn configure(cfg: &mut impl crate::routes::Routes) {
    cfg.service(create::create)
        .service(list::list)
        .service(review::queue)
        .service(get::get)
        .service(delete::delete)
        .service(package::download)
        .service(review::approve)
        .service(review::reject);
}

/// A software package's file.
#[derive(Debug, Serialize, ToSchema)]
pub struct PackageResponse {
    #[schema(example = "analytics-agent-2.4.1.tar.gz")]
    pub filename: String,
    /// `application/zip`, `application/x-tar` or `application/gzip`, by what the bytes are.
    #[schema(example = "application/gzip")]
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
    /// Where its bytes are (for its seller and for reviewers).
    #[schema(example = "/v1/assets/0193a1b2c3d4e5f6a7b8c9d0e1f2a3b4/package")]
    pub download_url: String,
}

/// An asset: one version of a software package or of an image reference, and its review.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetResponse {
    pub id: String,
    pub kind: AssetKind,
    #[schema(example = "Analytics agent")]
    pub name: String,
    #[schema(example = "2.4.1")]
    pub version: String,
    /// `scanning` until a reviewer (or the scanner) decides.
    pub status: AssetStatus,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// Whether the package's bytes were checked (`skipped` for an image).
    pub scan: ScanStatus,
    /// For `software_package`.
    pub software_package: Option<PackageResponse>,
    /// For `image`.
    pub image: Option<ImageReference>,
    pub created_at: DateTime<Utc>,
    /// A reviewer decides by then (3 working days).
    pub due_at: DateTime<Utc>,
    /// Still undecided past `due_at`.
    pub overdue: bool,
    pub decided_at: Option<DateTime<Utc>>,
    /// The reviewer's id, or `scanner` when the scan refused the package.
    pub decided_by: Option<String>,
}

impl From<Asset> for AssetResponse {
    fn from(a: Asset) -> Self {
        let overdue = a.is_overdue(now());
        let download_url = format!("/v1/assets/{}/package", a.id);
        AssetResponse {
            software_package: a.package.map(|p| PackageResponse {
                filename: p.filename,
                media_type: p.media_type,
                size: p.size,
                sha256: p.sha256,
                download_url,
            }),
            id: a.id,
            kind: a.kind,
            name: a.label.name,
            version: a.label.version,
            status: a.status,
            reason: a.reason,
            scan: a.scan,
            image: a.image,
            created_at: a.created_at,
            due_at: a.due_at,
            overdue,
            decided_at: a.decided_at,
            decided_by: a.decided_by,
        }
    }
}

crate::etag::versioned!(Asset => AssetResponse, "/v1/assets");

#[derive(Debug, Serialize, ToSchema)]
pub struct AssetList {
    pub items: Vec<AssetResponse>,
    /// Pass as `page_token` for the next page; absent on the last page.
    pub next_page_token: Option<String>,
}
