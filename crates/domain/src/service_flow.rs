//! Service flow templates: the ordered delivery stages a professional service follows (reference data).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The code of a service flow template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceFlowTemplateCode {
    Standard,
    WebsiteBuilding,
    /// Licenses: keys and packages delivered offline, then accepted.
    LicenseDelivery,
}

/// One delivery stage of a service flow.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Stage {
    #[schema(example = "seller_delivering")]
    pub code: &'static str,
    #[schema(example = "Seller delivering")]
    pub name: &'static str,
    pub description: &'static str,
}

/// A service flow template with its ordered stages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceFlowTemplate {
    pub code: ServiceFlowTemplateCode,
    #[schema(example = "Standard")]
    pub name: &'static str,
    pub description: &'static str,
    pub stages: Vec<Stage>,
}

const fn stage(code: &'static str, name: &'static str, description: &'static str) -> Stage {
    Stage { code, name, description }
}

text_enum!(ServiceFlowTemplateCode "service flow template" {
    Standard => "standard",
    WebsiteBuilding => "website_building",
    LicenseDelivery => "license_delivery",
});

impl ServiceFlowTemplateCode {
    pub fn template(self) -> ServiceFlowTemplate {
        match self {
            ServiceFlowTemplateCode::Standard => ServiceFlowTemplate {
                code: self,
                name: "Standard",
                description: "Environment configuration, data migration and similar services. Settled only \
                              once completed; a customer may appeal after 5 days without an update or 3 rejections.",
                stages: vec![
                    stage(
                        "waiting_for_customer_request",
                        "Waiting for customer request",
                        "The customer fills in the request template after purchase.",
                    ),
                    stage(
                        "waiting_for_seller_confirmation",
                        "Waiting for seller confirmation",
                        "The seller confirms the customer's request.",
                    ),
                    stage("seller_delivering", "Seller delivering", "The seller delivers the service."),
                    stage(
                        "waiting_for_customer_acceptance",
                        "Waiting for customer acceptance",
                        "The customer accepts or rejects the delivery.",
                    ),
                    stage("completed", "Completed", "The service is accepted and can be settled."),
                ],
            },
            ServiceFlowTemplateCode::WebsiteBuilding => ServiceFlowTemplate {
                code: self,
                name: "Website building",
                description: "Website design and construction delivered in stages.",
                stages: vec![
                    stage("requirements", "Requirements", "The customer and seller agree on the requirements."),
                    stage("design", "Design", "The seller designs the site."),
                    stage("development", "Development", "The seller builds the site."),
                    stage("deployment", "Deployment", "The site is deployed."),
                    stage("acceptance", "Acceptance", "The customer accepts the site."),
                    stage("completed", "Completed", "The service is accepted and can be settled."),
                ],
            },
            ServiceFlowTemplateCode::LicenseDelivery => ServiceFlowTemplate {
                code: self,
                name: "License delivery",
                description: "Licenses delivered offline (keys, packages). Settlement starts the month after \
                              completion; a renewal creates no new service flow.",
                stages: vec![
                    stage("paid", "Paid", "The customer has paid."),
                    stage("seller_delivering", "Seller delivering", "The seller delivers the keys or packages."),
                    stage(
                        "waiting_for_customer_acceptance",
                        "Waiting for customer acceptance",
                        "The customer accepts or rejects the delivery.",
                    ),
                    stage("completed", "Completed", "The license is accepted; settlement starts next month."),
                ],
            },
        }
    }
}

/// Every template, in a stable order.
pub fn all_templates() -> Vec<ServiceFlowTemplate> {
    ServiceFlowTemplateCode::ALL.into_iter().map(ServiceFlowTemplateCode::template).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_flow_ends_in_completed_after_acceptance() {
        let t = ServiceFlowTemplateCode::Standard.template();
        let codes: Vec<_> = t.stages.iter().map(|s| s.code).collect();
        assert_eq!(
            codes,
            [
                "waiting_for_customer_request",
                "waiting_for_seller_confirmation",
                "seller_delivering",
                "waiting_for_customer_acceptance",
                "completed"
            ]
        );
    }

    #[test]
    fn codes_parse_back() {
        for c in ServiceFlowTemplateCode::ALL {
            assert_eq!(c.as_str().parse::<ServiceFlowTemplateCode>(), Ok(c));
        }
        assert!("nope".parse::<ServiceFlowTemplateCode>().is_err());
    }
}
