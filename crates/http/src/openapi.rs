//! The OpenAPI document: metadata, tags, the bearer-JWT scheme, and the problem+json body on every
//! error response.

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi as _};

use crate::problem::{FieldError, Problem};

pub const BEARER: &str = "bearer_jwt";

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Shelf",
        description = "The seller side of a cloud marketplace: write a product as a draft, check it against the \
                       release requirements, submit it for review and see it listed.\n\n\
                       Errors are RFC 9457 `application/problem+json`. Changes need `If-Match` with the ETag; \
                       every POST accepts `Idempotency-Key`. Lists are keyset-paginated with `page_token`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    tags(
        (name = "drafts", description = "A seller's products while they are written"),
        (name = "attributes", description = "A seller's catalogue of custom attributes; specifications copy what they use"),
        (name = "pricing-templates", description = "A seller's reusable, named prices, and their quotes"),
        (name = "reference", description = "Reference data, open to everyone"),
        (name = "applications", description = "Submissions under review, as their seller sees them"),
        (name = "review", description = "The reviewers' queue and decisions"),
        (name = "products", description = "A seller's listed products: modification and removal"),
        (name = "catalog", description = "The public catalog, open to everyone"),
        (name = "messages", description = "Internal messages and who hears about decisions"),
        (name = "events", description = "The seller's event feed, for integrations that poll"),
        (name = "admin", description = "Marketplace settings"),
        (name = "health", description = "Liveness and readiness"),
    ),
    components(schemas(Problem, FieldError, shelf_domain::ViolationCode)),
    modifiers(&BearerScheme),
)]
struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut OpenApi) {
        openapi.components.get_or_insert_default().add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A JWT with `sub`, `role` (seller, reviewer or admin) and `exp`; `shelf token` makes one.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document's fixed part, before the handlers add their paths.
pub fn base() -> OpenApi {
    ApiDoc::openapi()
}

/// Gives every error response the problem+json body, every operation its 500 and every write its 429.
pub fn finish(mut api: OpenApi) -> OpenApi {
    for item in api.paths.paths.values_mut() {
        if let Some(op) = &mut item.get {
            add_problem_bodies(op, false);
        }
        if let Some(op) = &mut item.post {
            add_idempotency_responses(op);
        }
        for op in [&mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten() {
            add_problem_bodies(op, true);
        }
    }
    api
}

/// What `Idempotency-Key` can answer on any POST.
fn add_idempotency_responses(op: &mut Operation) {
    for (status, description) in [
        ("400", "A malformed request or Idempotency-Key"),
        ("409", "A request with this Idempotency-Key is still being processed"),
        ("422", "This Idempotency-Key was used with a different request"),
    ] {
        op.responses
            .responses
            .entry(status.into())
            .or_insert_with(|| RefOr::T(ResponseBuilder::new().description(description).build()));
    }
}

fn add_problem_bodies(op: &mut Operation, write: bool) {
    let problem = || ContentBuilder::new().schema(Some(RefOr::Ref(Ref::from_schema_name("Problem")))).build();
    if write {
        op.responses.responses.entry("429".into()).or_insert_with(|| {
            RefOr::T(ResponseBuilder::new().description("Too many requests; `Retry-After` says when to retry").build())
        });
    }
    op.responses.responses.entry("500".into()).or_insert_with(|| {
        RefOr::T(ResponseBuilder::new().description("Internal error; the body names the request id").build())
    });
    for (status, response) in op.responses.responses.iter_mut() {
        if status.as_str() < "400" {
            continue;
        }
        if let RefOr::T(response) = response {
            response.content.clear();
            response.content.insert("application/problem+json".into(), RefOr::T(problem()));
        }
    }
}
