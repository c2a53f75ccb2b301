use actix_web::{HttpResponse, get, web};
use shelf_domain::service_flow::{ServiceFlowTemplate, ServiceFlowTemplateCode};

use crate::problem::ApiError;

/// Gets one service flow template with its ordered stages.
#[utoipa::path(
    operation_id = "getServiceFlowTemplate",
    tag = "reference",
    params(("code" = String, Path, description = "`standard` or `website_building`")),
    responses(
        (status = 200, description = "The template", body = ServiceFlowTemplate),
        (status = 404, description = "No such template"),
    )
)]
#[get("/service-flow-templates/{code}")]
pub async fn get(code: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let code = code.parse::<ServiceFlowTemplateCode>().map_err(|_| ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(code.template()))
}
