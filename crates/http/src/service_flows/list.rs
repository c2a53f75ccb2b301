use actix_web::{HttpResponse, get};
use serde::Serialize;
use shelf_domain::service_flow::{ServiceFlowTemplate, all_templates};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ServiceFlowTemplateList {
    pub items: Vec<ServiceFlowTemplate>,
    /// Always null: the list is short and complete.
    pub next_page_token: Option<String>,
}

/// Lists the service flow templates.
#[utoipa::path(
    operation_id = "listServiceFlowTemplates",
    tag = "reference",
    responses((status = 200, description = "Every template", body = ServiceFlowTemplateList))
)]
#[get("/service-flow-templates")]
pub async fn list() -> HttpResponse {
    HttpResponse::Ok().json(ServiceFlowTemplateList { items: all_templates(), next_page_token: None })
}
