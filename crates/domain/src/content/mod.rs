//! Product content: what a draft holds and a product lists, and the release-requirement check over it.
//!
//! Every field is optional at save (a draft may hold any subset); `check` reports what a complete
//! product still lacks or breaks, all at once.

pub mod after_sales;
pub mod currency;
pub mod method;
pub mod name;
pub mod specification;
pub mod text;
pub mod version;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use std::collections::{BTreeMap, BTreeSet};

pub use after_sales::AfterSales;
pub use method::{Consulting, ExtensionParameter, Hardware, Image, MethodContext, Saas, SalesType};
pub use specification::{Specification, TemplateRef};

use crate::attribute::CatalogueAttribute;
use crate::limits::{
    MAX_TIERS, SAVE_MAX_ATTRIBUTES, SAVE_MAX_HIGHLIGHTS, SAVE_MAX_SKU_ATTRIBUTES, SAVE_MAX_SKUS,
    SAVE_MAX_SPECIFICATIONS, SAVE_MAX_VALUES,
};
use crate::pricing::Price;
use specification::SpecContext;

use crate::service_flow::ServiceFlowTemplateCode;
use crate::violation::{Violation, ViolationCode};

/// How the product reaches the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMethod {
    Image,
    Saas,
    License,
    ProfessionalService,
    ConsultingService,
    Hardware,
}

text_enum!(DeliveryMethod "delivery method" {
    Image => "image",
    Saas => "saas",
    License => "license",
    ProfessionalService => "professional_service",
    ConsultingService => "consulting_service",
    Hardware => "hardware",
});

/// Average delivery period bounds (whole calendar days) and the band outside which a warning is given.
pub const AVG_DELIVERY_DAYS_MIN: u32 = 1;
pub const AVG_DELIVERY_DAYS_MAX: u32 = 365;
pub const AVG_DELIVERY_DAYS_USUAL: std::ops::RangeInclusive<u32> = 3..=180;
/// At most this many specifications per product (ours).
pub const MAX_SPECIFICATIONS: usize = 20;

/// The product content a draft holds. Any subset may be saved; nothing is required until validation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftContent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_method: Option<DeliveryMethod>,
    /// 1..100 characters; no phone numbers, prices or version strings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "Data Migration Supporting Service")]
    pub name: Option<String>,
    /// `V<major>(.<minor>)*`, e.g. `V1.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "V1.0")]
    pub version: Option<String>,
    /// ISO 4217 code; one currency per product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "USD")]
    pub currency: Option<String>,
    /// At most 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "Move your databases to the cloud with zero data loss.")]
    pub summary: Option<String>,
    /// At least 400 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// At most 5 items to release; at most 20 can be saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = json!(["Zero downtime cut-over", "Certified engineers"]), max_items = 20)]
    pub highlights: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_flow_template: Option<ServiceFlowTemplateCode>,
    /// Whole calendar days, 1..365 (a hard bound, refused at save); under 3 or over 180 earns a warning.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "avg_delivery_days_in_range")]
    #[schema(example = 10, minimum = 1, maximum = 365)]
    pub avg_delivery_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_sales: Option<AfterSales>,
    /// `true`: listed in the catalog; `false`: hidden, reachable by its URL only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_sales: Option<bool>,
    /// 1..20 to release; at most 50 can be saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 50)]
    pub specifications: Option<Vec<Specification>>,
    /// Consulting services: where buyers are sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consulting: Option<Consulting>,
    /// SaaS: supervision, the production API URL, extension parameters, sales type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saas: Option<Saas>,
    /// Images: the image asset and the sales type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// Hardware: the delivery period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardware: Option<Hardware>,
}

/// The files a draft carries beside its content, as far as the check needs to know.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attachments {
    pub has_logo: bool,
    pub request_templates: usize,
}

impl DraftContent {
    /// The release-requirement check: every broken rule, errors and warnings, in content order.
    /// `templates` holds the seller's pricing templates that the content names (see `price_template_ids`).
    pub fn check(&self, attachments: Attachments, templates: &BTreeMap<String, TemplateRef>) -> Vec<Violation> {
        self.check_with(attachments, templates, MethodContext::default())
    }

    /// The check with what the delivery method's rules need from outside the content.
    pub fn check_with(
        &self,
        attachments: Attachments,
        templates: &BTreeMap<String, TemplateRef>,
        method_ctx: MethodContext<'_>,
    ) -> Vec<Violation> {
        let mut out = Vec::new();
        let members: Vec<&str> = self.delivery_method.map(|m| m.members().collect()).unwrap_or_default();
        // Before the method is known, the check asks for what every product needs.
        let has = |member: &str| self.delivery_method.is_none() || members.contains(&member);
        if self.delivery_method.is_none() {
            out.push(Violation::required("/delivery_method"));
        }
        required_then(&mut out, "/name", self.name.as_deref(), name::check);
        required_then(&mut out, "/version", self.version.as_deref(), version::check);
        required_then(&mut out, "/currency", self.currency.as_deref(), currency::check);
        required_then(&mut out, "/summary", self.summary.as_deref(), text::check_summary);
        required_then(&mut out, "/description", self.description.as_deref(), text::check_description);
        if let Some(highlights) = &self.highlights {
            out.extend(text::check_highlights(highlights));
        }
        if self.service_flow_template.is_none() && self.delivery_method == Some(DeliveryMethod::ProfessionalService) {
            out.push(Violation::required("/service_flow_template"));
        }
        match self.avg_delivery_days {
            None if has("avg_delivery_days") => out.push(Violation::required("/avg_delivery_days")),
            None => {}
            Some(days) => out.extend(check_avg_delivery_days(days)),
        }
        match &self.after_sales {
            None => out.push(Violation::required("/after_sales")),
            Some(after_sales) => out.extend(after_sales.check("/after_sales")),
        }
        if self.public_sales.is_none() {
            out.push(Violation::required("/public_sales"));
        }
        match self.specifications.as_deref() {
            None | Some([]) if !has("specifications") => {}
            None | Some([]) => out.push(Violation::required("/specifications")),
            Some(specs) => {
                let ctx = SpecContext {
                    delivery_method: self.delivery_method,
                    currency: self.currency.as_deref(),
                    templates,
                };
                out.extend(specification::check_all(specs, &ctx));
            }
        }
        if !attachments.has_logo {
            out.push(Violation::required("/logo"));
        }
        match self.delivery_method {
            None if attachments.request_templates == 0 => out.push(Violation::required("/request_templates")),
            None => {}
            Some(_) => out.extend(method::check(self, attachments.request_templates, method_ctx)),
        }
        out
    }
}

impl DraftContent {
    /// The pricing templates the SKUs point at.
    pub fn price_template_ids(&self) -> BTreeSet<String> {
        self.skus().filter_map(|sku| sku.price_template_id.clone()).collect()
    }

    /// The assets the content is released with: where each is named, and the kind it must be.
    pub fn asset_references(&self) -> Vec<crate::asset::AssetReference> {
        let image = self.image.as_ref().and_then(|i| i.asset_id.clone()).map(|id| crate::asset::AssetReference {
            pointer: "/image/asset_id".into(),
            id,
            kind: crate::asset::AssetKind::Image,
        });
        self.specifications
            .iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, s)| {
                s.package_asset_id.clone().map(|id| crate::asset::AssetReference {
                    pointer: format!("/specifications/{i}/package_asset_id"),
                    id,
                    kind: crate::asset::AssetKind::SoftwarePackage,
                })
            })
            .chain(image)
            .collect()
    }

    /// The ids of the assets the content is released with.
    pub fn asset_ids(&self) -> BTreeSet<String> {
        self.asset_references().into_iter().map(|r| r.id).collect()
    }

    /// The catalogue attributes that saving will copy: those named by `attribute_id` and not yet copied.
    pub fn catalogue_attribute_ids(&self) -> BTreeSet<String> {
        self.specifications
            .iter()
            .flatten()
            .flat_map(|s| s.attributes.iter().flatten())
            .filter(|a| a.code.is_none())
            .filter_map(|a| a.attribute_id.clone())
            .collect()
    }

    fn skus(&self) -> impl Iterator<Item = &specification::Sku> {
        self.specifications.iter().flatten().flat_map(|s| s.skus.iter().flatten())
    }

    /// What saving does to the content: copies the catalogue attributes named by `attribute_id` into
    /// attributes that have no code yet (the copy is then the specification's own: later catalogue edits
    /// never change it; clear `code` to copy again), and gives every SKU its stable code. An unknown
    /// attribute id is an error at its pointer.
    pub fn prepare_for_save(&mut self, catalogue: &BTreeMap<String, CatalogueAttribute>) -> Result<(), Vec<Violation>> {
        let over = self.check_caps();
        if !over.is_empty() {
            return Err(over);
        }
        let mut unknown = Vec::new();
        for (i, spec) in self.specifications.iter_mut().flatten().enumerate() {
            for (j, attribute) in spec.attributes.iter_mut().flatten().enumerate() {
                let Some(id) = attribute.attribute_id.as_ref().filter(|_| attribute.code.is_none()) else { continue };
                match catalogue.get(id) {
                    Some(source) => {
                        attribute.code = Some(source.code.clone());
                        attribute.name = Some(source.name.clone());
                        attribute.attribute_type = Some(source.attribute_type);
                        attribute.unit = source.unit.clone();
                    }
                    None => unknown.push(Violation::error(
                        format!("/specifications/{i}/attributes/{j}/attribute_id"),
                        ViolationCode::NotFound,
                        format!("no catalogue attribute `{id}`"),
                    )),
                }
            }
            spec.assign_sku_codes();
        }
        if unknown.is_empty() { Ok(()) } else { Err(unknown) }
    }
}

impl DraftContent {
    /// The hard caps of `limits` that a saved draft must keep (each array within its cap). A level over
    /// its cap is reported without looking inside it, so the check is bounded by the caps themselves.
    pub fn check_caps(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        let mut over = |pointer: String, len: usize, cap: usize| {
            let exceeded = len > cap;
            if exceeded {
                out.push(Violation::error(
                    pointer,
                    ViolationCode::TooMany,
                    format!("at most {cap} can be saved, got {len}"),
                ));
            }
            !exceeded
        };
        over("/highlights".into(), self.highlights.as_ref().map_or(0, Vec::len), SAVE_MAX_HIGHLIGHTS);
        let specs = self.specifications.as_deref().unwrap_or_default();
        if !over("/specifications".into(), specs.len(), SAVE_MAX_SPECIFICATIONS) {
            return out;
        }
        let mut long_ids = Vec::new();
        let tiers = |price: &Option<Price>| match price {
            Some(Price::Tiered { tiers, .. }) => tiers.len(),
            _ => 0,
        };
        for (i, spec) in specs.iter().enumerate() {
            let at = format!("/specifications/{i}");
            if spec.package_asset_id.as_ref().is_some_and(|id| id.len() > crate::asset::ASSET_ID_MAX_CHARS) {
                long_ids.push(Violation::error(
                    format!("{at}/package_asset_id"),
                    ViolationCode::TooLong,
                    format!("an asset id is at most {} characters", crate::asset::ASSET_ID_MAX_CHARS),
                ));
            }
            over(format!("{at}/price/tiers"), tiers(&spec.price), MAX_TIERS);
            let attributes = spec.attributes.as_deref().unwrap_or_default();
            if over(format!("{at}/attributes"), attributes.len(), SAVE_MAX_ATTRIBUTES) {
                for (j, a) in attributes.iter().enumerate() {
                    over(format!("{at}/attributes/{j}/values"), a.values.as_ref().map_or(0, Vec::len), SAVE_MAX_VALUES);
                }
            }
            let skus = spec.skus.as_deref().unwrap_or_default();
            if over(format!("{at}/skus"), skus.len(), SAVE_MAX_SKUS) {
                for (k, sku) in skus.iter().enumerate() {
                    let named = sku.attributes.as_ref().map_or(0, BTreeMap::len);
                    over(format!("{at}/skus/{k}/attributes"), named, SAVE_MAX_SKU_ATTRIBUTES);
                    over(format!("{at}/skus/{k}/price/tiers"), tiers(&sku.price), MAX_TIERS);
                }
            }
        }
        if self
            .image
            .as_ref()
            .and_then(|i| i.asset_id.as_ref())
            .is_some_and(|id| id.len() > crate::asset::ASSET_ID_MAX_CHARS)
        {
            long_ids.push(Violation::error(
                "/image/asset_id",
                ViolationCode::TooLong,
                format!("an asset id is at most {} characters", crate::asset::ASSET_ID_MAX_CHARS),
            ));
        }
        let parameters = self.saas.as_ref().and_then(|s| s.extension_parameters.as_ref()).map_or(0, Vec::len);
        over("/saas/extension_parameters".into(), parameters, method::SAVE_MAX_EXTENSION_PARAMETERS);
        out.extend(long_ids);
        out
    }
}

fn required_then(out: &mut Vec<Violation>, pointer: &str, value: Option<&str>, check: fn(&str) -> Vec<Violation>) {
    match value {
        None => out.push(Violation::required(pointer)),
        Some(v) => out.extend(check(v)),
    }
}

/// A period outside 1..365 days is no draft's work in progress: it is refused when saved, like a wrong type.
fn avg_delivery_days_in_range<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let days = Option::<u32>::deserialize(d)?;
    match days {
        Some(n) if !(AVG_DELIVERY_DAYS_MIN..=AVG_DELIVERY_DAYS_MAX).contains(&n) => {
            Err(serde::de::Error::invalid_value(serde::de::Unexpected::Unsigned(u64::from(n)), &"whole days, 1..365"))
        }
        _ => Ok(days),
    }
}

fn check_avg_delivery_days(days: u32) -> Vec<Violation> {
    const P: &str = "/avg_delivery_days";
    if !(AVG_DELIVERY_DAYS_MIN..=AVG_DELIVERY_DAYS_MAX).contains(&days) {
        return vec![Violation::error(
            P,
            ViolationCode::OutOfRange,
            format!("avg_delivery_days must be {AVG_DELIVERY_DAYS_MIN}..{AVG_DELIVERY_DAYS_MAX} days, got {days}"),
        )];
    }
    if !AVG_DELIVERY_DAYS_USUAL.contains(&days) {
        return vec![Violation::warning(
            P,
            ViolationCode::DeliveryDaysUnusual,
            format!(
                "{days} days is unusually {}: periods under {} or over {} days get releases rejected and customers complaining",
                if days < *AVG_DELIVERY_DAYS_USUAL.start() { "short" } else { "long" },
                AVG_DELIVERY_DAYS_USUAL.start(),
                AVG_DELIVERY_DAYS_USUAL.end()
            ),
        )];
    }
    Vec::new()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::violation::Severity;

    #[test]
    fn delivery_method_names_are_their_wire_names() {
        use DeliveryMethod::*;
        for m in [Image, Saas, License, ProfessionalService, ConsultingService, Hardware] {
            assert_eq!(serde_json::to_value(m).unwrap(), serde_json::json!(m.as_str()));
        }
    }

    pub fn complete() -> DraftContent {
        serde_json::from_value(serde_json::json!({
            "delivery_method": "professional_service",
            "name": "Data Migration Supporting Service",
            "version": "V1.0",
            "currency": "USD",
            "summary": "Move your databases to the cloud with zero data loss.",
            "description": "x".repeat(400),
            "highlights": ["Zero downtime cut-over", "Certified engineers"],
            "service_flow_template": "standard",
            "avg_delivery_days": 10,
            "after_sales": {"email": "support@example.com", "hotline": "+86 755 1234 5678",
                            "hours": "09:00-18:00", "days": "mon-fri", "timezone": "+08:00"},
            "public_sales": true,
            "specifications": [{
                "key": "migration", "name": "Database migration", "billing_mode": "one_time", "pricing": "custom",
                "attributes": [
                    {"code": "edition", "name": "Edition", "type": "enumeration", "values": ["basic", "enterprise"]},
                    {"code": "person_days", "name": "Person-days", "type": "quantity", "unit": "person-day",
                     "min": 1, "max": 100, "step": 1}
                ],
                "skus": [
                    {"attributes": {"edition": "basic"}, "price": {"model": "linear", "unit_amounts": {"one_time": 50000}}},
                    {"attributes": {"edition": "enterprise"}, "price_template_id": "tpl-1"}
                ]
            }]
        }))
        .unwrap()
    }

    const ALL_FILES: Attachments = Attachments { has_logo: true, request_templates: 1 };

    pub fn templates() -> BTreeMap<String, TemplateRef> {
        let price = serde_json::from_value(serde_json::json!({"model": "linear", "unit_amounts": {"one_time": 90000}}))
            .unwrap();
        BTreeMap::from([("tpl-1".to_owned(), TemplateRef { currency: "USD".into(), price })])
    }

    fn codes(v: &[Violation]) -> Vec<(&str, ViolationCode)> {
        v.iter().map(|v| (v.pointer.as_str(), v.code)).collect()
    }

    #[test]
    fn complete_content_with_files_has_no_violations() {
        assert_eq!(complete().check(ALL_FILES, &templates()), vec![]);
    }

    #[test]
    fn empty_content_reports_every_required_field_at_once() {
        let v = DraftContent::default().check(Attachments::default(), &templates());
        let pointers: Vec<_> = v.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/delivery_method",
                "/name",
                "/version",
                "/currency",
                "/summary",
                "/description",
                "/avg_delivery_days",
                "/after_sales",
                "/public_sales",
                "/specifications",
                "/logo",
                "/request_templates"
            ]
        );
        assert!(v.iter().all(|v| v.code == ViolationCode::Required && v.severity == Severity::Error));
    }

    #[test]
    fn professional_service_needs_a_service_flow_template() {
        let mut c = complete();
        c.service_flow_template = None;
        assert_eq!(codes(&c.check(ALL_FILES, &templates())), [("/service_flow_template", ViolationCode::Required)]);
        // Other methods have rules of their own: a SaaS without supervision has no service flow.
        c.delivery_method = Some(DeliveryMethod::Saas);
        c.saas = Some(Saas { involves_service_supervision: Some(false), ..Default::default() });
        assert!(!c.check(ALL_FILES, &templates()).iter().any(|v| v.pointer == "/service_flow_template"));
    }

    #[test]
    fn delivery_days_outside_the_usual_band_warn_and_outside_the_range_fail() {
        let mut c = complete();
        for (days, code, severity) in [
            (2, ViolationCode::DeliveryDaysUnusual, Severity::Warning),
            (181, ViolationCode::DeliveryDaysUnusual, Severity::Warning),
            (0, ViolationCode::OutOfRange, Severity::Error),
            (366, ViolationCode::OutOfRange, Severity::Error),
        ] {
            c.avg_delivery_days = Some(days);
            let v = c.check(ALL_FILES, &templates());
            assert_eq!(v.len(), 1, "{days}");
            assert_eq!((v[0].code, v[0].severity), (code, severity), "{days}");
        }
        for days in [3, 180] {
            c.avg_delivery_days = Some(days);
            assert_eq!(c.check(ALL_FILES, &templates()), vec![]);
        }
    }

    #[test]
    fn missing_files_are_reported_at_their_pointers() {
        let v = complete().check(Attachments::default(), &templates());
        assert_eq!(codes(&v), [("/logo", ViolationCode::Required), ("/request_templates", ViolationCode::Required)]);
    }

    #[test]
    fn unknown_fields_are_refused_when_parsing() {
        let err = serde_json::from_value::<DraftContent>(serde_json::json!({"nmae": "x"})).unwrap_err();
        assert!(err.to_string().starts_with("unknown field `nmae`"), "{err}");
    }

    #[test]
    fn saving_copies_catalogue_attributes_once_and_gives_skus_codes() {
        use crate::content::specification::AttributeType;
        let mut c: DraftContent = serde_json::from_value(serde_json::json!({"specifications": [{
            "key": "s", "attributes": [{"attribute_id": "a1"}, {"attribute_id": "a2", "code": "kept"}],
            "skus": [{"attributes": {}}]
        }]}))
        .unwrap();
        let catalogue = |name: &str| {
            BTreeMap::from([(
                "a1".to_owned(),
                CatalogueAttribute {
                    code: "seats".into(),
                    name: name.into(),
                    description: None,
                    attribute_type: AttributeType::Quantity,
                    unit: Some("user".into()),
                },
            )])
        };
        assert_eq!(c.catalogue_attribute_ids(), BTreeSet::from(["a1".to_owned()]));
        c.prepare_for_save(&catalogue("Seats")).unwrap();
        let spec = &c.specifications.as_ref().unwrap()[0];
        let copied = &spec.attributes.as_ref().unwrap()[0];
        assert_eq!(
            (copied.code.as_deref(), copied.name.as_deref(), copied.unit.as_deref()),
            (Some("seats"), Some("Seats"), Some("user"))
        );
        assert_eq!(spec.attributes.as_ref().unwrap()[1].code.as_deref(), Some("kept"));
        assert!(spec.skus.as_ref().unwrap()[0].code.is_some());
        // A later catalogue edit does not reach the copy.
        assert!(c.catalogue_attribute_ids().is_empty());
        c.prepare_for_save(&catalogue("Renamed")).unwrap();
        assert_eq!(
            c.specifications.as_ref().unwrap()[0].attributes.as_ref().unwrap()[0].name.as_deref(),
            Some("Seats")
        );
        let mut unknown: DraftContent =
            serde_json::from_value(serde_json::json!({"specifications": [{"attributes": [{"attribute_id": "zz"}]}]}))
                .unwrap();
        let err = unknown.prepare_for_save(&BTreeMap::new()).unwrap_err();
        assert_eq!(err[0].pointer, "/specifications/0/attributes/0/attribute_id");
    }

    #[test]
    fn too_many_specifications_is_an_error() {
        let mut c = complete();
        let spec = c.specifications.as_ref().unwrap()[0].clone();
        c.specifications =
            Some((0..21).map(|i| Specification { key: Some(format!("s{i}")), ..spec.clone() }).collect());
        assert_eq!(codes(&c.check(ALL_FILES, &templates())), [("/specifications", ViolationCode::TooMany)]);
    }
}
