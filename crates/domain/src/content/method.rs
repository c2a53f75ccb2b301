//! What each delivery method adds to the common content and the release rules of its own (domain.md
//! "Rules per delivery method"): the members a method's content may hold, its billing modes, its
//! section (`consulting`, `saas`, `image`, `hardware`) and the checks of that section.

use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::specification::BillingMode;
use super::{DeliveryMethod, DraftContent};
use crate::contact::{is_email, is_phone};
use crate::service_flow::ServiceFlowTemplateCode;
use crate::violation::{Violation, ViolationCode};

/// A consulting service is not traded on the marketplace: its listing sends buyers to the seller.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Consulting {
    /// Where buyers are sent: https with a domain name (not an address), at most 2048 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "https://consulting.example.com/cloud-strategy")]
    pub landing_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "sales@example.com")]
    pub contact_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "+86 755 1234 5678")]
    pub contact_phone: Option<String>,
}

/// `common`, or `joint_operations` (run with the marketplace; pay-per-use allowed; the seller needs
/// the `joint_operations` capability).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SalesType {
    #[default]
    Common,
    JointOperations,
}

/// A parameter a customer gives when subscribing to a SaaS.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionParameter {
    /// `[a-z][a-z0-9_]{0,31}`, unique in the product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "tenant_domain")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "Your tenant's domain")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

/// What a SaaS product adds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Saas {
    /// `true`: settled only after a service flow completes (`service_flow_template` `standard`);
    /// `false`: usable at once, no service flow. Fixed once released.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub involves_service_supervision: Option<bool>,
    /// A SaaS endpoint of the seller's that passed access verification in the last 90 days
    /// (`POST /v1/saas-endpoints/{id}/verify`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "https://api.example.com/shelf")]
    pub production_api_url: Option<String>,
    /// Default `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_authorization_required: Option<bool>,
    /// At most 10 to release; at most 20 can be saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 20)]
    pub extension_parameters: Option<Vec<ExtensionParameter>>,
    /// Default `common`; pay-per-use needs `joint_operations`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_type: Option<SalesType>,
}

/// What an image product adds: the image it is released with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Image {
    /// An approved `image` asset of the seller's (`POST /v1/assets`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "0193a1b2-c3d4-7e5f-a6b7-c8d9e0f1a2b3", max_length = 64)]
    pub asset_id: Option<String>,
    /// Default `common`; pay-per-use `joint_operations` needs the capability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_type: Option<SalesType>,
}

/// What a hardware product adds (stock is set through the product's inventory, never reviewed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Hardware {
    /// Days from order to delivery, 1..90.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = 7)]
    pub delivery_days: Option<u32>,
}

/// Extension parameters a SaaS may ask for, and the most a draft may save.
pub const MAX_EXTENSION_PARAMETERS: usize = 10;
pub const SAVE_MAX_EXTENSION_PARAMETERS: usize = 20;
pub const HARDWARE_DELIVERY_DAYS: std::ops::RangeInclusive<u32> = 1..=90;
pub const LANDING_URL_MAX_CHARS: usize = 2048;

/// Members every method's content has.
const COMMON: [&str; 9] = [
    "delivery_method",
    "name",
    "version",
    "currency",
    "summary",
    "description",
    "highlights",
    "after_sales",
    "public_sales",
];

/// Whether a method needs, may have or may not have request templates (files a customer fills in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
    NotAllowed,
}

impl DeliveryMethod {
    /// The top-level content members of this method beyond the common ones (the schema's variant for
    /// the method lists exactly these; saving any other is refused).
    pub fn own_members(self) -> &'static [&'static str] {
        match self {
            DeliveryMethod::ProfessionalService => &["service_flow_template", "avg_delivery_days", "specifications"],
            DeliveryMethod::License => &["service_flow_template", "avg_delivery_days", "specifications"],
            DeliveryMethod::Saas => &["service_flow_template", "saas", "specifications"],
            DeliveryMethod::Image => &["image", "specifications"],
            DeliveryMethod::ConsultingService => &["consulting"],
            DeliveryMethod::Hardware => &["hardware", "specifications"],
        }
    }

    /// Every top-level member a content of this method may hold.
    pub fn members(self) -> impl Iterator<Item = &'static str> {
        COMMON.into_iter().chain(self.own_members().iter().copied())
    }

    /// The billing modes a specification of this method may have.
    pub fn billing_modes(self) -> &'static [BillingMode] {
        match self {
            DeliveryMethod::ProfessionalService | DeliveryMethod::License => {
                &[BillingMode::YearlyMonthly, BillingMode::OneTime]
            }
            DeliveryMethod::Saas => &[BillingMode::YearlyMonthly, BillingMode::OneTime, BillingMode::PayPerUse],
            DeliveryMethod::Image => &[BillingMode::YearlyMonthly, BillingMode::PayPerUse, BillingMode::Free],
            DeliveryMethod::Hardware => &[BillingMode::OneTime],
            DeliveryMethod::ConsultingService => &[],
        }
    }

    /// Request templates: required for professional services, not for consulting or images (nothing
    /// is delivered against a customer's request), optional otherwise.
    pub fn request_templates(self) -> Need {
        match self {
            DeliveryMethod::ProfessionalService => Need::Required,
            DeliveryMethod::ConsultingService | DeliveryMethod::Image => Need::NotAllowed,
            _ => Need::Optional,
        }
    }
}

impl DraftContent {
    /// The members present in this content (top level), by name.
    fn present_members(&self) -> Vec<&'static str> {
        let DraftContent {
            delivery_method,
            name,
            version,
            currency,
            summary,
            description,
            highlights,
            service_flow_template,
            avg_delivery_days,
            after_sales,
            public_sales,
            specifications,
            consulting,
            saas,
            image,
            hardware,
        } = self;
        [
            ("delivery_method", delivery_method.is_some()),
            ("name", name.is_some()),
            ("version", version.is_some()),
            ("currency", currency.is_some()),
            ("summary", summary.is_some()),
            ("description", description.is_some()),
            ("highlights", highlights.is_some()),
            ("service_flow_template", service_flow_template.is_some()),
            ("avg_delivery_days", avg_delivery_days.is_some()),
            ("after_sales", after_sales.is_some()),
            ("public_sales", public_sales.is_some()),
            ("specifications", specifications.is_some()),
            ("consulting", consulting.is_some()),
            ("saas", saas.is_some()),
            ("image", image.is_some()),
            ("hardware", hardware.is_some()),
        ]
        .into_iter()
        .filter_map(|(member, present)| present.then_some(member))
        .collect()
    }

    /// The save rule of an edit: `check_members`, and the delivery method stays the one the draft was
    /// created with (a draft of another method is a new draft).
    pub fn check_edit(&self, before: &DraftContent) -> Vec<Violation> {
        let mut out = self.check_members();
        if before.delivery_method.is_some()
            && self.delivery_method.is_some()
            && self.delivery_method != before.delivery_method
        {
            out.push(Violation::error(
                "/delivery_method",
                ViolationCode::Immutable,
                "a draft's delivery method is fixed when it is created: start a new draft for another method",
            ));
        }
        out
    }

    /// The save rule of a typed content: it names its delivery method and holds only that method's
    /// members (a member of another method is no work in progress: it is refused, as an unknown field).
    pub fn check_members(&self) -> Vec<Violation> {
        let Some(method) = self.delivery_method else { return vec![Violation::required("/delivery_method")] };
        let allowed: HashSet<&str> = method.members().collect();
        self.present_members()
            .into_iter()
            .filter(|m| !allowed.contains(m))
            .map(|m| {
                Violation::error(
                    format!("/{m}"),
                    ViolationCode::NotAllowed,
                    format!("`{m}` is not part of a {method} product"),
                )
            })
            .collect()
    }
}

/// What the method's checks need from outside the content.
#[derive(Debug, Clone, Copy, Default)]
pub struct MethodContext<'a> {
    /// The seller's SaaS endpoint URLs that passed access verification in the last 90 days.
    pub verified_urls: Option<&'a BTreeSet<String>>,
}

/// The release rules of the content's delivery method (the common ones are `DraftContent::check`'s).
pub fn check(content: &DraftContent, request_templates: usize, ctx: MethodContext<'_>) -> Vec<Violation> {
    let Some(method) = content.delivery_method else { return vec![] };
    let mut out = Vec::new();
    match method.request_templates() {
        Need::Required if request_templates == 0 => out.push(Violation::required("/request_templates")),
        Need::NotAllowed if request_templates > 0 => out.push(Violation::error(
            "/request_templates",
            ViolationCode::NotAllowed,
            format!("a {method} product has no request templates; delete them"),
        )),
        _ => {}
    }
    for (i, spec) in content.specifications.iter().flatten().enumerate() {
        if let Some(mode) = spec.billing_mode
            && !method.billing_modes().contains(&mode)
        {
            out.push(Violation::error(
                format!("/specifications/{i}/billing_mode"),
                ViolationCode::BillingModeNotAllowed,
                format!(
                    "a {method} specification is billed {}",
                    method.billing_modes().iter().map(|m| m.as_str()).collect::<Vec<_>>().join(" or ")
                ),
            ));
        }
        if spec.package_asset_id.is_some() && method != DeliveryMethod::License {
            out.push(Violation::error(
                format!("/specifications/{i}/package_asset_id"),
                ViolationCode::NotAllowed,
                "only license specifications are delivered as a software package",
            ));
        }
    }
    match method {
        DeliveryMethod::ProfessionalService => {
            if content.service_flow_template == Some(ServiceFlowTemplateCode::LicenseDelivery) {
                out.push(Violation::error(
                    "/service_flow_template",
                    ViolationCode::InvalidValue,
                    "license_delivery is the flow of licenses; a professional service is `standard` or `website_building`",
                ));
            }
        }
        DeliveryMethod::License => out.extend(check_license(content)),
        DeliveryMethod::Saas => out.extend(check_saas(content, ctx)),
        DeliveryMethod::Image => out.extend(check_image(content)),
        DeliveryMethod::ConsultingService => out.extend(check_consulting(content)),
        DeliveryMethod::Hardware => out.extend(check_hardware(content)),
    }
    out
}

fn check_license(content: &DraftContent) -> Vec<Violation> {
    let mut out = Vec::new();
    match content.service_flow_template {
        None => out.push(Violation::required("/service_flow_template")),
        Some(ServiceFlowTemplateCode::LicenseDelivery) => {}
        Some(_) => out.push(Violation::error(
            "/service_flow_template",
            ViolationCode::InvalidValue,
            "a license is delivered through the `license_delivery` flow",
        )),
    }
    for (i, spec) in content.specifications.iter().flatten().enumerate() {
        if spec.package_asset_id.is_none() {
            out.push(Violation::required(format!("/specifications/{i}/package_asset_id")));
        }
    }
    out
}

fn check_saas(content: &DraftContent, ctx: MethodContext<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    let Some(saas) = &content.saas else { return vec![Violation::required("/saas")] };
    match (saas.involves_service_supervision, content.service_flow_template) {
        (None, _) => out.push(Violation::required("/saas/involves_service_supervision")),
        (Some(true), None) => out.push(Violation::required("/service_flow_template")),
        (Some(true), Some(ServiceFlowTemplateCode::Standard)) => {}
        (Some(true), Some(_)) => out.push(Violation::error(
            "/service_flow_template",
            ViolationCode::InvalidValue,
            "a supervised SaaS follows the `standard` service flow",
        )),
        (Some(false), Some(_)) => out.push(Violation::error(
            "/service_flow_template",
            ViolationCode::NotAllowed,
            "a SaaS without service supervision is usable at once: it has no service flow",
        )),
        (Some(false), None) => {}
    }
    match saas.production_api_url.as_deref() {
        None => out.push(Violation::required("/saas/production_api_url")),
        // Registration held the endpoint to the outbound rules (https and a public domain name in
        // production), so a verified URL has its form; anything else is only checked to be a URL.
        Some(url) if !url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "https" | "http")) => {
            out.push(Violation::error("/saas/production_api_url", ViolationCode::InvalidFormat, "an http(s) URL"))
        }
        Some(url) if !ctx.verified_urls.is_some_and(|v| v.contains(url)) => out.push(Violation::error(
            "/saas/production_api_url",
            ViolationCode::NotVerified,
            format!(
                "`{url}` has no passing access verification in the last {} days: register it as a SaaS endpoint \
                 and verify it",
                crate::saas::VERIFIED_FOR_DAYS
            ),
        )),
        Some(_) => {}
    }
    let parameters = saas.extension_parameters.as_deref().unwrap_or_default();
    if parameters.len() > MAX_EXTENSION_PARAMETERS {
        out.push(Violation::error(
            "/saas/extension_parameters",
            ViolationCode::TooMany,
            format!("at most {MAX_EXTENSION_PARAMETERS} extension parameters"),
        ));
    }
    let mut keys = HashSet::new();
    for (i, p) in parameters.iter().enumerate() {
        let at = format!("/saas/extension_parameters/{i}");
        match p.key.as_deref() {
            None => out.push(Violation::required(format!("{at}/key"))),
            Some(k) if !is_parameter_key(k) => out.push(Violation::error(
                format!("{at}/key"),
                ViolationCode::InvalidFormat,
                "a key is `[a-z][a-z0-9_]{0,31}`",
            )),
            Some(k) if !keys.insert(k) => {
                out.push(Violation::error(format!("{at}/key"), ViolationCode::Duplicate, format!("key `{k}` twice")))
            }
            Some(_) => {}
        }
        if p.label.as_deref().is_none_or(|l| l.trim().is_empty()) {
            out.push(Violation::required(format!("{at}/label")));
        }
    }
    out.extend(pay_per_use_needs_joint_operations(content, saas.sales_type.unwrap_or_default(), "/saas/sales_type"));
    out
}

/// Pay-per-use exists for joint-operations products only (SaaS; images choose it freely but need the
/// capability when they are joint operations, which `capability::needed_by` reports).
fn pay_per_use_needs_joint_operations(content: &DraftContent, sales_type: SalesType, pointer: &str) -> Vec<Violation> {
    let pay_per_use = content.specifications.iter().flatten().any(|s| s.billing_mode == Some(BillingMode::PayPerUse));
    if pay_per_use && sales_type != SalesType::JointOperations {
        return vec![Violation::error(
            pointer,
            ViolationCode::NotAllowed,
            "pay-per-use SaaS is sold through joint operations only: set `joint_operations`",
        )];
    }
    vec![]
}

fn check_image(content: &DraftContent) -> Vec<Violation> {
    let mut out = Vec::new();
    match &content.image {
        None => out.push(Violation::required("/image")),
        Some(image) if image.asset_id.is_none() => out.push(Violation::required("/image/asset_id")),
        Some(_) => {}
    }
    out
}

fn check_consulting(content: &DraftContent) -> Vec<Violation> {
    let mut out = Vec::new();
    let Some(consulting) = &content.consulting else { return vec![Violation::required("/consulting")] };
    match consulting.landing_url.as_deref() {
        None => out.push(Violation::required("/consulting/landing_url")),
        Some(url) if url.len() > LANDING_URL_MAX_CHARS => out.push(Violation::error(
            "/consulting/landing_url",
            ViolationCode::TooLong,
            format!("at most {LANDING_URL_MAX_CHARS} characters"),
        )),
        Some(url) if !is_http_domain_url(url, &["https"]) => out.push(Violation::error(
            "/consulting/landing_url",
            ViolationCode::InvalidFormat,
            "an https URL with a domain name (not an address)",
        )),
        Some(_) => {}
    }
    match consulting.contact_email.as_deref() {
        None => out.push(Violation::required("/consulting/contact_email")),
        Some(e) if !is_email(e) => out.push(Violation::error(
            "/consulting/contact_email",
            ViolationCode::InvalidFormat,
            "not an email address",
        )),
        Some(_) => {}
    }
    if consulting.contact_phone.as_deref().is_some_and(|p| !is_phone(p)) {
        out.push(Violation::error("/consulting/contact_phone", ViolationCode::InvalidFormat, "not a phone number"));
    }
    out
}

fn check_hardware(content: &DraftContent) -> Vec<Violation> {
    let mut out = Vec::new();
    match content.hardware.as_ref().and_then(|h| h.delivery_days) {
        None => out.push(Violation::required("/hardware/delivery_days")),
        Some(d) if !HARDWARE_DELIVERY_DAYS.contains(&d) => out.push(Violation::error(
            "/hardware/delivery_days",
            ViolationCode::OutOfRange,
            format!("delivery takes {}..{} days", HARDWARE_DELIVERY_DAYS.start(), HARDWARE_DELIVERY_DAYS.end()),
        )),
        Some(_) => {}
    }
    for (i, spec) in content.specifications.iter().flatten().enumerate() {
        use super::specification::AttributeType;
        let quantities =
            spec.attributes.iter().flatten().filter(|a| a.attribute_type == Some(AttributeType::Quantity)).count();
        if quantities == 0 {
            out.push(Violation::error(
                format!("/specifications/{i}/attributes"),
                ViolationCode::QuantityAttributeRequired,
                "a hardware specification has a quantity attribute: the units bought",
            ));
        }
    }
    out
}

/// A URL of one of `schemes` whose host is a domain name (not an address).
fn is_http_domain_url(url: &str, schemes: &[&str]) -> bool {
    url::Url::parse(url).is_ok_and(|u| {
        schemes.contains(&u.scheme()) && matches!(u.host(), Some(url::Host::Domain(d)) if d.contains('.'))
    })
}

fn is_parameter_key(key: &str) -> bool {
    let b = key.as_bytes();
    (1..=32).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::*;
    use crate::content::Attachments;
    use crate::content::specification::Specification;

    fn common(method: &str) -> Value {
        json!({
            "delivery_method": method,
            "name": "Cloud Thing", "version": "V1.0", "currency": "USD",
            "summary": "A thing.", "description": "x".repeat(400),
            "after_sales": {"email": "support@example.com", "hotline": "+86 755 1234 5678",
                            "hours": "09:00-18:00", "days": "mon-fri", "timezone": "+08:00"},
            "public_sales": true,
        })
    }

    fn with(mut base: Value, extra: Value) -> DraftContent {
        for (k, v) in extra.as_object().unwrap() {
            base[k] = v.clone();
        }
        serde_json::from_value(base).unwrap()
    }

    fn spec(mode: &str, extra: Value) -> Value {
        let mut s = json!({"key": "std", "name": "Standard", "billing_mode": mode, "pricing": "custom",
                           "skus": [{"attributes": {}, "price": {"model": "flat", "amounts": {"month": 100, "year": 1000}}}]});
        for (k, v) in extra.as_object().unwrap() {
            s[k] = v.clone();
        }
        s
    }

    const LOGO: Attachments = Attachments { has_logo: true, request_templates: 0 };

    fn check(c: &DraftContent, verified: &[&str]) -> Vec<(String, ViolationCode)> {
        let urls: BTreeSet<String> = verified.iter().map(|s| s.to_string()).collect();
        c.check_with(LOGO, &BTreeMap::new(), MethodContext { verified_urls: Some(&urls) })
            .into_iter()
            .filter(|v| v.is_error())
            .map(|v| (v.pointer, v.code))
            .collect()
    }

    fn saas(extra: Value) -> DraftContent {
        let mut s =
            json!({"involves_service_supervision": false, "production_api_url": "https://api.example.com/shelf"});
        for (k, v) in extra.as_object().unwrap() {
            s[k] = v.clone();
        }
        with(common("saas"), json!({"saas": s, "specifications": [spec("yearly_monthly", json!({}))]}))
    }

    #[test]
    fn a_complete_saas_needs_a_verified_production_url() {
        assert_eq!(check(&saas(json!({})), &["https://api.example.com/shelf"]), []);
        assert_eq!(check(&saas(json!({})), &[]), [("/saas/production_api_url".into(), ViolationCode::NotVerified)]);
        let ftp = saas(json!({"production_api_url": "ftp://api.example.com/"}));
        assert_eq!(check(&ftp, &[]), [("/saas/production_api_url".into(), ViolationCode::InvalidFormat)]);
    }

    #[test]
    fn saas_supervision_decides_the_service_flow() {
        let url = ["https://api.example.com/shelf"];
        let mut supervised = saas(json!({"involves_service_supervision": true}));
        assert_eq!(check(&supervised, &url), [("/service_flow_template".into(), ViolationCode::Required)]);
        supervised.service_flow_template = Some(ServiceFlowTemplateCode::Standard);
        assert_eq!(check(&supervised, &url), []);
        let mut unsupervised = saas(json!({}));
        unsupervised.service_flow_template = Some(ServiceFlowTemplateCode::Standard);
        assert_eq!(check(&unsupervised, &url), [("/service_flow_template".into(), ViolationCode::NotAllowed)]);
        let unknown = saas(json!({"involves_service_supervision": null}));
        assert_eq!(check(&unknown, &url), [("/saas/involves_service_supervision".into(), ViolationCode::Required)]);
    }

    #[test]
    fn pay_per_use_saas_is_joint_operations_only() {
        let url = ["https://api.example.com/shelf"];
        let mut c = saas(json!({}));
        c.specifications = Some(vec![
            serde_json::from_value(spec(
                "pay_per_use",
                json!({"usage_unit": "call", "skus": [{"attributes": {}, "price": {"model": "linear", "unit_amounts": {"usage": 2}}}]}),
            ))
            .unwrap(),
        ]);
        assert_eq!(check(&c, &url), [("/saas/sales_type".into(), ViolationCode::NotAllowed)]);
        c.saas.as_mut().unwrap().sales_type = Some(SalesType::JointOperations);
        assert_eq!(check(&c, &url), []);
        assert_eq!(
            crate::capability::needed_by(&c),
            [("/saas/sales_type", crate::capability::Capability::JointOperations)]
        );
    }

    #[test]
    fn extension_parameters_have_unique_well_formed_keys_and_labels() {
        let url = ["https://api.example.com/shelf"];
        let c = saas(json!({"extension_parameters": [
            {"key": "tenant", "label": "Tenant"}, {"key": "tenant", "label": "Again"}, {"key": "Bad", "label": "B"}, {"key": "x"}
        ]}));
        assert_eq!(
            check(&c, &url),
            [
                ("/saas/extension_parameters/1/key".into(), ViolationCode::Duplicate),
                ("/saas/extension_parameters/2/key".into(), ViolationCode::InvalidFormat),
                ("/saas/extension_parameters/3/label".into(), ViolationCode::Required),
            ]
        );
        let many: Vec<Value> = (0..11).map(|i| json!({"key": format!("k{i}"), "label": "L"})).collect();
        let c = saas(json!({"extension_parameters": many}));
        assert_eq!(check(&c, &url), [("/saas/extension_parameters".into(), ViolationCode::TooMany)]);
    }

    #[test]
    fn a_license_is_delivered_by_its_flow_with_a_package_per_specification() {
        let c = with(
            common("license"),
            json!({"avg_delivery_days": 5, "service_flow_template": "standard", "specifications": [spec("one_time", json!({"skus": [{"attributes": {}, "price": {"model": "flat", "amounts": {"one_time": 100}}}]}))]}),
        );
        assert_eq!(
            check(&c, &[]),
            [
                ("/service_flow_template".into(), ViolationCode::InvalidValue),
                ("/specifications/0/package_asset_id".into(), ViolationCode::Required),
            ]
        );
    }

    #[test]
    fn a_consulting_service_has_a_landing_url_and_a_contact_and_nothing_to_price() {
        let c = with(
            common("consulting_service"),
            json!({"consulting": {"landing_url": "https://consulting.example.com/x", "contact_email": "sales@example.com"}}),
        );
        assert_eq!(check(&c, &[]), []);
        let bad = with(
            common("consulting_service"),
            json!({"consulting": {"landing_url": "http://consulting.example.com/", "contact_email": "nope", "contact_phone": "x"}}),
        );
        assert_eq!(
            check(&bad, &[]),
            [
                ("/consulting/landing_url".into(), ViolationCode::InvalidFormat),
                ("/consulting/contact_email".into(), ViolationCode::InvalidFormat),
                ("/consulting/contact_phone".into(), ViolationCode::InvalidFormat),
            ]
        );
        let address = with(
            common("consulting_service"),
            json!({"consulting": {"landing_url": "https://198.51.100.7/", "contact_email": "sales@example.com"}}),
        );
        assert_eq!(check(&address, &[]), [("/consulting/landing_url".into(), ViolationCode::InvalidFormat)]);
        let priced = with(c.clone().into_value(), json!({"specifications": []}));
        assert_eq!(
            priced.check_members(),
            [Violation::error(
                "/specifications",
                ViolationCode::NotAllowed,
                "`specifications` is not part of a consulting_service product"
            )]
        );
        let files = Attachments { has_logo: true, request_templates: 1 };
        let v = c.check_with(files, &BTreeMap::new(), MethodContext::default());
        assert!(v.iter().any(|v| v.pointer == "/request_templates" && v.code == ViolationCode::NotAllowed));
    }

    #[test]
    fn hardware_needs_its_delivery_days_and_a_quantity_in_every_specification() {
        let c = with(
            common("hardware"),
            json!({"hardware": {"delivery_days": 91}, "specifications": [spec("yearly_monthly", json!({}))]}),
        );
        assert_eq!(
            check(&c, &[]),
            [
                ("/specifications/0/billing_mode".into(), ViolationCode::BillingModeNotAllowed),
                ("/hardware/delivery_days".into(), ViolationCode::OutOfRange),
                ("/specifications/0/attributes".into(), ViolationCode::QuantityAttributeRequired),
            ]
        );
    }

    #[test]
    fn an_image_names_its_image_and_a_free_specification_has_no_prices() {
        let free = spec("free", json!({"pricing": null, "skus": [{"attributes": {}}]}));
        let c = with(common("image"), json!({"image": {"asset_id": "a1"}, "specifications": [free]}));
        assert_eq!(check(&c, &[]), []);
        assert_eq!(c.asset_references()[0].kind, crate::asset::AssetKind::Image);
        let priced_free = with(common("image"), json!({"image": {}, "specifications": [spec("free", json!({}))]}));
        assert_eq!(
            check(&priced_free, &[]),
            [
                ("/specifications/0/skus/0/price".into(), ViolationCode::NotAllowed),
                ("/image/asset_id".into(), ViolationCode::Required),
            ]
        );
    }

    #[test]
    fn members_of_another_method_are_refused_when_saved() {
        let c = with(common("image"), json!({"saas": {}, "avg_delivery_days": 3}));
        let pointers: Vec<String> = c.check_members().into_iter().map(|v| v.pointer).collect();
        assert_eq!(pointers, ["/avg_delivery_days", "/saas"]);
        assert_eq!(DraftContent::default().check_members()[0].pointer, "/delivery_method");
        let saas = with(common("saas"), json!({}));
        assert_eq!(saas.check_edit(&c)[0].code, ViolationCode::Immutable);
    }

    impl DraftContent {
        fn into_value(self) -> Value {
            serde_json::to_value(self).unwrap()
        }
    }

    proptest! {
        /// A free image specification quotes 0 for any period, quantity and number of periods.
        #[test]
        fn a_free_image_quotes_zero_whatever_is_asked(q in 1u64..1_000_000, periods in 1u32..=120, p in 0usize..4) {
            let period = crate::pricing::Period::ALL[p];
            let total = crate::pricing::total(&crate::pricing::FREE, period, Some(q), periods).unwrap();
            prop_assert_eq!(total, 0);
        }

        /// Hardware SKUs are the cartesian product of its enumeration attributes: as many as the values
        /// multiply to, each combination once, whatever the quantity attribute says.
        #[test]
        fn hardware_skus_are_the_product_of_the_enumerations(sizes in proptest::collection::vec(1usize..5, 0..4), max in 1u32..100) {
            let mut attributes: Vec<Value> = sizes.iter().enumerate().map(|(i, n)| json!({
                "code": format!("e{i}"), "name": format!("E{i}"), "type": "enumeration",
                "values": (0..*n).map(|v| format!("v{v}")).collect::<Vec<_>>()
            })).collect();
            attributes.push(json!({"code": "units", "name": "Units", "type": "quantity", "min": 1, "max": max, "step": 1}));
            let s: Specification = serde_json::from_value(json!({"key": "rack", "attributes": attributes})).unwrap();
            let skus = s.expected_skus();
            prop_assert_eq!(skus.len(), sizes.iter().product::<usize>());
            let distinct: BTreeSet<_> = skus.iter().collect();
            prop_assert_eq!(distinct.len(), skus.len());
            prop_assert!(skus.iter().all(|combo| !combo.contains_key("units")));
        }
    }
}
