//! What no route answers: 405 with `Allow` when the path exists under another method, else 404.
//! The route table is read from the OpenAPI document, so it always matches the handlers.

use actix_web::body::MessageBody;
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::openapi::OpenApi;

use crate::problem::ApiError;

pub struct RouteTable(Vec<(ResourceDef, Vec<String>)>);

impl RouteTable {
    pub fn from_openapi(api: &OpenApi) -> Self {
        let routes = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ];
                let allow = methods.iter().filter(|(_, present)| *present).map(|(m, _)| (*m).to_owned()).collect();
                (ResourceDef::new(path.as_str()), allow)
            })
            .collect();
        RouteTable(routes)
    }
}

pub async fn not_found_or_method(req: HttpRequest, table: web::Data<RouteTable>) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    match table.0.iter().find(|(def, _)| def.is_match(path)) {
        Some((_, allow)) => Err(ApiError::MethodNotAllowed { allow: allow.clone() }),
        None => Err(ApiError::NotFound),
    }
}

/// A path with an encoded NUL names nothing: every id is text, and no store keeps U+0000 in text
/// (PostgreSQL refuses it), so such a request is 404 before any route sees it.
pub async fn nul_in_path(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let path = req.uri().path().as_bytes();
    if path.windows(3).any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0') {
        return Err(ApiError::NotFound.into());
    }
    next.call(req).await
}
