//! The route table read from the OpenAPI document (so it always matches the handlers), and what it
//! answers before and after routing: authentication first for secured operations, 405 with `Allow` when
//! the path exists under another method, else 404.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;
use shelf_domain::Role;

use crate::auth::account_of;
use crate::problem::ApiError;

/// Who may call an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Access {
    Anonymous,
    /// Authenticated, with one of these roles (empty: any role).
    Roles(Vec<Role>),
}

struct Route {
    def: ResourceDef,
    /// The path as the document names it (`/v1/drafts/{id}`).
    template: Arc<str>,
    methods: Vec<(Method, Access)>,
}

/// Routes grouped by their first two path segments (`/v1/drafts`), so a lookup tries a handful.
pub struct RouteTable(HashMap<String, Vec<Route>>);

impl RouteTable {
    /// The table of an OpenAPI document (as JSON).
    pub fn from_openapi(api: &Value) -> Self {
        let mut table: HashMap<String, Vec<Route>> = HashMap::new();
        for (path, item) in api["paths"].as_object().into_iter().flatten() {
            let methods = operations(item).map(|(method, op)| (method, access(api, op))).collect();
            table.entry(prefix(path).to_owned()).or_default().push(Route {
                def: ResourceDef::new(path.as_str()),
                template: Arc::from(path.as_str()),
                methods,
            });
        }
        RouteTable(table)
    }

    fn route(&self, path: &str) -> Option<&Route> {
        self.0.get(prefix(path))?.iter().find(|r| r.def.is_match(path))
    }

    /// The template of the documented route `path` names, if any (the metrics' route label).
    pub fn template(&self, path: &str) -> Option<Arc<str>> {
        self.route(path).map(|r| r.template.clone())
    }
}

/// A path item's operations, by method.
fn operations(item: &Value) -> impl Iterator<Item = (Method, &Value)> {
    [
        (Method::GET, "get"),
        (Method::PUT, "put"),
        (Method::POST, "post"),
        (Method::DELETE, "delete"),
        (Method::PATCH, "patch"),
    ]
    .into_iter()
    .filter_map(|(method, key)| Some((method, item.get(key)?)))
}

/// An operation's security requirement, or the document's: its scopes are the roles it serves.
fn access(api: &Value, op: &Value) -> Access {
    let requirements = op.get("security").or(api.get("security")).and_then(Value::as_array);
    let Some(requirement) = requirements.and_then(|r| r.first()) else { return Access::Anonymous };
    let Some(scopes) = requirement.as_object().and_then(|o| o.values().next()).and_then(Value::as_array) else {
        return Access::Anonymous;
    };
    Access::Roles(scopes.iter().filter_map(|s| s.as_str()?.parse().ok()).collect())
}

/// `/v1/drafts/x/logo` → `/v1/drafts`; `/healthz` → `/healthz`.
fn prefix(path: &str) -> &str {
    let third_slash = path.bytes().enumerate().filter(|&(_, b)| b == b'/').nth(2);
    &path[..third_slash.map_or(path.len(), |(i, _)| i)]
}

/// A secured operation checks the caller first: no valid token is 401 and a role the operation does not
/// serve is 403, whatever else is wrong with the request (an anonymous caller learns nothing about it).
pub async fn authenticate_first(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let access = req.app_data::<web::Data<RouteTable>>().and_then(|table| {
        let route = table.route(req.path())?;
        route.methods.iter().find(|(m, _)| m == req.method()).map(|(_, access)| access.clone())
    });
    if let Some(Access::Roles(roles)) = access {
        match account_of(req.request()) {
            Err(e) => return Ok(req.error_response(e)),
            Ok(account) if !roles.is_empty() && !roles.contains(&account.role) => {
                let served: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                let e = ApiError::Forbidden(format!(
                    "this operation is for the {} role; yours is {}",
                    served.join(" or "),
                    account.role.as_str()
                ));
                return Ok(req.error_response(e));
            }
            Ok(_) => {}
        }
    }
    next.call(req).await.map(ServiceResponse::map_into_boxed_body)
}

pub async fn not_found_or_method(req: HttpRequest, table: web::Data<RouteTable>) -> Result<HttpResponse, ApiError> {
    match table.route(req.path()) {
        Some(route) => Err(ApiError::MethodNotAllowed {
            allow: route.methods.iter().map(|(m, _)| m.as_str().to_owned()).collect(),
        }),
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

#[cfg(test)]
mod tests {
    use super::prefix;

    #[test]
    fn the_prefix_is_the_first_two_segments() {
        assert_eq!(prefix("/v1/drafts/x/logo"), "/v1/drafts");
        assert_eq!(prefix("/v1/drafts"), "/v1/drafts");
        assert_eq!(prefix("/healthz"), "/healthz");
        assert_eq!(prefix("/"), "/");
    }
}
