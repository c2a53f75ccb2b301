use actix_web::http::StatusCode;
use actix_web::http::header::{ACCEPT_ENCODING, AcceptEncoding, CONTENT_ENCODING, Encoding, Header, HeaderValue, VARY};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use shelf_persistence::products;

use serde::Deserialize;
use shelf_domain::product::{CatalogProduct, ProductStatus};
use shelf_domain::sales::RegionView;
use utoipa::IntoParams;

use crate::extract::Query;

use super::cache::Coding;
use super::respond_cached;
use crate::AppState;
use crate::etag::IfNoneMatch;
use crate::problem::ApiError;

/// Gets a product by its URL, hidden ones too.
///
/// To a client that accepts gzip (`Accept-Encoding`, as browsers and HTTP libraries send it) the
/// entry is sent gzip-coded as stored (`Content-Encoding: gzip`, `Vary: Accept-Encoding`, a weak
/// ETag); to others as JSON. `If-None-Match` compares weakly: either tag of a version gives 304.
#[utoipa::path(
    operation_id = "getCatalogProduct",
    tag = "catalog",
    params(
        ("id" = String, Path, description = "Product id"),
        RegionParams,
        ("If-None-Match" = Option<String>, Header, description = "ETags of copies the client holds: 304 when one is current"),
    ),
    responses(
        (status = 200, description = "The product as offered", body = CatalogProduct,
         headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "A region that is not an ISO 3166-1 alpha-2 code"),
        (status = 404, description = "No such product"),
        (status = 410, description = "The product was removed"),
    )
)]
#[get("/catalog/products/{id}")]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    Query(params): Query<RegionParams>,
    if_none_match: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let region = super::region(params.region, &state)?;
    // A region's answer is built from the JSON; otherwise the form the client accepts, as stored.
    let coding = match region.is_none() && accepts_gzip(&req) {
        true => Coding::Gzip,
        false => Coding::Identity,
    };
    let entry = match state.catalog_cache.get(&id, coding) {
        Some(entry) => entry,
        None => {
            let ticket = state.catalog_cache.ticket();
            let products::ProductEntry { id, status, version, json, gzip } =
                state.catalog_reader.get(id.into_inner()).await?;
            let bytes = match coding {
                Coding::Identity => Bytes::from(json),
                Coding::Gzip => Bytes::from(gzip),
            };
            state.catalog_cache.put(ticket, &id, status, version, coding, bytes)
        }
    };
    if entry.status == ProductStatus::Discontinued {
        return Err(ApiError::Gone("the product was removed from the catalog".into()));
    }
    let body = entry.body;
    let Some(region) = region else {
        let tag = crate::etag::etag(entry.version);
        // The coded form is a representation of its own: its tag is weak.
        let etag = if coding == Coding::Gzip { format!("W/{tag}") } else { tag };
        let mut response = respond_cached(&if_none_match, etag, super::PRODUCT_CACHE_CONTROL, body);
        coded(&mut response, coding);
        return Ok(response);
    };
    // Asked about a region: the stored entry says where the product is sold; the answer is the entry
    // with `available_in_region` first (and an ETag of its own per region).
    let view: RegionView = serde_json::from_slice(&body).map_err(ApiError::internal)?;
    let mut answer = Vec::with_capacity(body.len() + 32);
    answer.extend_from_slice(format!("{{\"available_in_region\":{},", view.available_in(&region)).as_bytes());
    answer.extend_from_slice(body.get(1..).unwrap_or_default());
    let etag = format!("\"{}-{region}\"", entry.version);
    Ok(respond_cached(&if_none_match, etag, super::PRODUCT_CACHE_CONTROL, answer))
}

/// Whether the request accepts a gzip-coded answer (`Accept-Encoding`, q-values honoured; a header
/// that does not parse asks for the JSON as it is). The usual headers are read without the full
/// negotiation, which cost 3,200 instructions a lookup (bench/HISTORY.md): no header asks for the
/// JSON, and one list without q-values accepts gzip when it names it (at equal quality the
/// negotiation ranks gzip above identity, and nothing else is offered here).
fn accepts_gzip(req: &HttpRequest) -> bool {
    let mut headers = req.headers().get_all(ACCEPT_ENCODING);
    let Some(first) = headers.next() else { return false };
    if headers.next().is_none()
        && let Ok(list) = first.to_str()
        && !list.contains(';')
    {
        return list.split(',').any(|coding| coding.trim().eq_ignore_ascii_case("gzip"));
    }
    negotiated_gzip(req)
}

/// The full negotiation of `Accept-Encoding` between gzip and identity.
fn negotiated_gzip(req: &HttpRequest) -> bool {
    AcceptEncoding::parse(req)
        .ok()
        .and_then(|accepted| accepted.negotiate([Encoding::gzip(), Encoding::identity()].iter()))
        .is_some_and(|chosen| chosen == Encoding::gzip())
}

/// Marks the answer gzip-coded or not; either way it varies with `Accept-Encoding`.
fn coded(response: &mut HttpResponse, coding: Coding) {
    let with_body = response.status() == StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(VARY, HeaderValue::from_static("Accept-Encoding"));
    if coding == Coding::Gzip && with_body {
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
}

/// The catalog's region parameter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionParams {
    /// Answer for this region (ISO 3166-1 alpha-2): the product says `available_in_region`. Default:
    /// the marketplace's configured region, else none.
    #[param(example = "SG", pattern = "^[A-Z]{2}$")]
    pub region: Option<String>,
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::{accepts_gzip, negotiated_gzip};

    #[test]
    fn the_usual_accept_encoding_headers_read_quickly_answer_as_the_full_negotiation() {
        let lists: [&[&str]; 20] = [
            &[],
            &["gzip"],
            &["GZIP"],
            &[" gzip "],
            &["deflate, gzip"],
            &["identity, gzip"],
            &["gzip, deflate, br, zstd"],
            &["br"],
            &["*"],
            &[""],
            &["x-gzip"],
            &["gzip x"],
            &["gzip;q=0"],
            &["gzip;q=0.5, identity"],
            &["identity;q=0, br"],
            &["*;q=0, gzip"],
            &["br", "gzip"],
            &["br, gzip;q=0.8, deflate"],
            &["gzip,,br"],
            &["identity"],
        ];
        for headers in lists {
            let req = headers.iter().fold(TestRequest::default(), |req, h| req.append_header(("Accept-Encoding", *h)));
            let req = req.to_http_request();
            assert_eq!(accepts_gzip(&req), negotiated_gzip(&req), "Accept-Encoding: {headers:?}");
        }
    }
}
