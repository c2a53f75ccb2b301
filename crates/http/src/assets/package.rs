use std::io::Read;

use actix_web::body::SizedStream;
use actix_web::http::header::{CONTENT_TYPE, ContentDisposition, DispositionParam, DispositionType, ETAG};
use actix_web::{HttpResponse, get, web};
use shelf_domain::AssetId;
use shelf_workflows as workflows;

use crate::auth::Authenticated;
use crate::problem::ApiError;
use crate::{AppState, blocking};

/// How much of a package is read at a time, and how many such chunks wait for the client at most:
/// a download holds at most about a megabyte, whatever the package's size.
const CHUNK: usize = 256 << 10;
const CHUNKS_IN_FLIGHT: usize = 4;

/// Downloads a software package's bytes, streamed: a seller its own, a reviewer any.
#[utoipa::path(
    operation_id = "getAssetPackage",
    tag = "assets",
    params(("id" = String, Path, description = "Asset id")),
    responses(
        (status = 200, description = "The package's bytes", headers(("ETag" = String, description = "The package's SHA-256")),
            content(
                (Vec<u8> = "application/zip"),
                (Vec<u8> = "application/x-tar"),
                (Vec<u8> = "application/gzip"),
            )),
        (status = 401, description = "Missing or bad token"),
        (status = 403, description = "Neither a seller nor a reviewer"),
        (status = 404, description = "No such asset (or another seller's)"),
        (status = 409, description = "An image asset has no bytes"),
    ),
    security(("bearer_jwt" = ["seller", "reviewer"]))
)]
#[get("/assets/{id}/package")]
pub async fn download(
    state: web::Data<AppState>,
    Authenticated(account): Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (db, blobs) = (state.db.clone(), state.blobs.clone());
    let (package, size, reader) =
        blocking(move || Ok(workflows::assets::open_package(&db, &blobs, &account, &AssetId(id.into_inner()))?))
            .await?;
    let chunks = chunks_of(reader);
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(package.filename)],
    };
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, package.media_type))
        .insert_header((ETAG, format!("\"{}\"", package.sha256)))
        .insert_header(disposition)
        .body(SizedStream::new(size, chunks)))
}

/// The reader's bytes as a stream of chunks. The reader blocks (a file, S3 ranges): it runs on the
/// blocking pool, at most `CHUNKS_IN_FLIGHT` chunks ahead of the client, and stops when the client goes
/// (the channel closes).
fn chunks_of(
    mut reader: Box<dyn Read + Send>,
) -> impl futures_util::Stream<Item = Result<web::Bytes, std::io::Error>> + 'static {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<web::Bytes, std::io::Error>>(CHUNKS_IN_FLIGHT);
    actix_web::rt::task::spawn_blocking(move || {
        let mut buffer = vec![0u8; CHUNK];
        loop {
            let item = match reader.read(&mut buffer) {
                Ok(0) => return,
                Ok(n) => Ok(web::Bytes::copy_from_slice(&buffer[..n])),
                Err(e) => Err(e),
            };
            let failed = item.is_err();
            if sender.blocking_send(item).is_err() || failed {
                return;
            }
        }
    });
    futures_util::stream::unfold(receiver, |mut r| async { r.recv().await.map(|item| (item, r)) })
}
