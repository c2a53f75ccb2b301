//! What no route answers: 405 with `Allow` when the path exists under another method, else 404.
//! The route table is read from the OpenAPI document, so it always matches the handlers.

use actix_web::dev::ResourceDef;
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
