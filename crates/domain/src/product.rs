//! Products: what an approved release lists, what modifications change and what removal discontinues.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::asset::{Architecture, ImageReference, OsFamily};
use crate::content::DeliveryMethod;
use crate::content::DraftContent;
use crate::content::specification::{AttributeType, BillingMode, PricingKind, SpecAttribute, Specification};
use crate::notification::EventType;
use crate::pricing::Price;
use crate::refusal::Refusal;
use crate::sales::{SalesSettings, SpecificationSales, UpgradeRule, UpgradeRuleStatus};
use crate::violation::{Violation, ViolationCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    /// Listed in the catalog.
    OnSale,
    /// Not in catalog lists or search; reachable by its URL.
    Hidden,
    /// Removed: gone from the catalog, readable by its seller.
    Discontinued,
}

impl ProductStatus {
    /// The status a live content gives: listed when `public_sales`, else hidden.
    pub fn for_content(content: &DraftContent) -> ProductStatus {
        if content.public_sales == Some(false) { ProductStatus::Hidden } else { ProductStatus::OnSale }
    }
}

text_enum!(ProductStatus "product status" { OnSale => "on_sale", Hidden => "hidden", Discontinued => "discontinued" });

/// A product as the catalog offers it: removed specifications and SKUs are left out; beside the
/// content, what a buyer of its delivery method needs to know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CatalogProduct {
    pub id: String,
    /// `on_sale` (listed) or `hidden` (reachable by its URL only).
    pub status: ProductStatus,
    pub content: DraftContent,
    /// The billing modes its specifications offer (none for a consulting service: not traded here).
    pub billing_modes: Vec<BillingMode>,
    /// Images: what the image runs and needs (from its approved image asset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageFacts>,
    /// Hardware: whether each SKU is in stock (stock 0 is sold out: no quote).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stock: Vec<SkuStock>,
    /// Where the product is sold (ISO 3166-1 alpha-2); absent: everywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
    /// How the listed specifications sell (purchase limits, narrower regions, a trial), by key; hidden
    /// specifications are left out of the page (quotable by key).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub specification_sales: BTreeMap<String, SpecificationSales>,
    /// The upgrades a customer may make mid-term (valid rules only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upgrade_rules: Vec<UpgradeRule>,
    /// Asked with `?region=` (or under a configured default region): whether the product is sold there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_in_region: Option<bool>,
    pub updated_at: DateTime<Utc>,
}

/// A product as a catalog list shows it: a storefront card, not the whole product (a page of twenty
/// cards is a twentieth of twenty entries). The whole entry is one request away:
/// `GET /v1/catalog/products/{id}` (AWS Marketplace's ListEntities and DescribeEntity, the same split).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CatalogCard {
    pub id: String,
    /// Always `on_sale`: lists show listed products only.
    pub status: ProductStatus,
    pub delivery_method: DeliveryMethod,
    #[schema(example = "Data Migration Supporting Service")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The currency of its prices (none for a consulting service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "USD")]
    pub currency: Option<String>,
    /// The billing modes its listed specifications offer.
    pub billing_modes: Vec<BillingMode>,
    /// A SaaS with a free trial: its length in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trial_days: Option<u32>,
    /// Images: what the image runs and needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageFacts>,
    pub updated_at: DateTime<Utc>,
}

impl CatalogProduct {
    /// Its card, for catalog lists.
    pub fn card(&self) -> CatalogCard {
        CatalogCard {
            id: self.id.clone(),
            status: self.status,
            delivery_method: self.content.delivery_method.unwrap_or(DeliveryMethod::ProfessionalService),
            name: self.content.name.clone().unwrap_or_default(),
            summary: self.content.summary.clone(),
            currency: self.content.currency.clone(),
            billing_modes: self.billing_modes.clone(),
            trial_days: self.specification_sales.values().find_map(|s| s.trial_days),
            image: self.image.clone(),
            updated_at: self.updated_at,
        }
    }

    /// Where the product is sold (None: everywhere): the product's regions, narrowed to those at least
    /// one listed specification is sold in (a product without specifications follows its own). The same
    /// answer as `RegionView::available_in` for every region, as a set a list can filter on.
    pub fn sold_in(&self) -> Option<BTreeSet<String>> {
        let product: Option<BTreeSet<String>> = self.regions.as_ref().map(|r| r.iter().cloned().collect());
        let mut keys = self.content.specifications.iter().flatten().filter_map(|s| s.key.as_deref()).peekable();
        if keys.peek().is_none() {
            return product;
        }
        let mut union = BTreeSet::new();
        for key in keys {
            match self.specification_sales.get(key).and_then(|s| s.regions.as_ref()) {
                None => return product,
                Some(regions) => union.extend(regions.iter().cloned()),
            }
        }
        Some(match product {
            None => union,
            Some(product) => product.intersection(&union).cloned().collect(),
        })
    }
}

/// Whether a hardware SKU can be bought now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SkuStock {
    pub specification_key: String,
    pub sku_code: String,
    pub in_stock: bool,
}

/// What an image product's image runs and needs, copied from its approved image asset at approval
/// (an approved asset never changes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImageFacts {
    pub os_family: OsFamily,
    #[schema(example = "Ubuntu 24.04")]
    pub os_name: String,
    pub architecture: Architecture,
    pub min_vcpu: u32,
    pub min_memory_gib: u32,
}

impl From<&ImageReference> for ImageFacts {
    fn from(r: &ImageReference) -> ImageFacts {
        ImageFacts {
            os_family: r.os_family,
            os_name: r.os_name.clone(),
            architecture: r.architecture,
            min_vcpu: r.min_vcpu,
            min_memory_gib: r.min_memory_gib,
        }
    }
}

/// What a listed product carries beside its content, never reviewed: the stock of each hardware SKU
/// (by SKU code; a SKU not named has none) and the facts of an image product's image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stock: BTreeMap<String, u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageFacts>,
    #[serde(default, skip_serializing_if = "is_unset")]
    pub sales: SalesSettings,
}

fn is_unset(sales: &SalesSettings) -> bool {
    *sales == SalesSettings::default()
}

/// The most units of one SKU a seller may hold in stock (ours).
pub const MAX_STOCK: u32 = 1_000_000;
/// The most SKUs one inventory may name: as many as a product can have.
pub const MAX_STOCK_ENTRIES: usize = crate::content::MAX_SPECIFICATIONS * crate::content::specification::MAX_SKUS;

/// A hardware product's inventory: stock per SKU code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    /// SKU code → units in stock, 0..1,000,000; a SKU not named has none (sold out).
    #[schema(example = json!({"rack-1u-a1b2c3d4": 12}))]
    pub stock: BTreeMap<String, u32>,
}

/// What the seller removed: discontinued specifications (by key) and SKUs (by specification key and code).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Removed {
    pub specifications: BTreeSet<String>,
    pub skus: BTreeMap<String, BTreeSet<String>>,
}

impl Removed {
    pub fn is_sku_removed(&self, key: &str, code: &str) -> bool {
        self.specifications.contains(key) || self.skus.get(key).is_some_and(|codes| codes.contains(code))
    }
}

/// A product as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub id: String,
    pub seller_id: String,
    pub status: ProductStatus,
    pub content: DraftContent,
    pub removed: Removed,
    pub offer: Offer,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Product {
    /// The keys of the specifications still offered.
    pub fn offered_specifications(&self) -> impl Iterator<Item = &Specification> {
        self.content
            .specifications
            .iter()
            .flatten()
            .filter(|s| s.key.as_ref().is_some_and(|k| !self.removed.specifications.contains(k)))
    }

    /// The assets the product is released with now: those of the specifications still offered (none
    /// once it is discontinued).
    pub fn asset_ids(&self) -> std::collections::BTreeSet<String> {
        if self.status == ProductStatus::Discontinued {
            return Default::default();
        }
        let image = self.content.image.as_ref().and_then(|i| i.asset_id.clone());
        self.offered_specifications().filter_map(|s| s.package_asset_id.clone()).chain(image).collect()
    }

    /// The product as the catalog offers it (rendered once per version and served as stored bytes).
    pub fn catalog_entry(&self) -> CatalogProduct {
        let sales = &self.offer.sales;
        let mut content = self.offered_content();
        if let Some(specs) = content.specifications.as_mut() {
            specs.retain(|s| s.key.as_deref().is_none_or(|k| !sales.of(k).hidden));
        }
        let specification_sales = content
            .specifications
            .iter()
            .flatten()
            .filter_map(|s| s.key.clone())
            .filter_map(|k| sales.specifications.get(&k).map(|v| (k, v.clone())))
            .collect();
        let upgrade_rules =
            sales.upgrade_rules.iter().filter(|r| r.status == UpgradeRuleStatus::Valid).cloned().collect();
        let mut billing_modes: Vec<BillingMode> =
            content.specifications.iter().flatten().filter_map(|s| s.billing_mode).collect();
        billing_modes.sort_by_key(|m| m.as_str());
        billing_modes.dedup();
        let stock = match content.delivery_method {
            Some(DeliveryMethod::Hardware) => content
                .specifications
                .iter()
                .flatten()
                .flat_map(|spec| {
                    let key = spec.key.clone().unwrap_or_default();
                    spec.skus.iter().flatten().filter_map(move |sku| {
                        let code = sku.code.clone()?;
                        Some(SkuStock {
                            specification_key: key.clone(),
                            in_stock: self.offer.stock.get(&code).is_some_and(|n| *n > 0),
                            sku_code: code,
                        })
                    })
                })
                .collect(),
            _ => Vec::new(),
        };
        CatalogProduct {
            id: self.id.clone(),
            status: self.status,
            billing_modes,
            image: self.offer.image.clone(),
            stock,
            regions: sales.regions.clone(),
            specification_sales,
            upgrade_rules,
            available_in_region: None,
            content,
            updated_at: self.updated_at,
        }
    }

    /// The status its content and sales settings give a product that is not discontinued: hidden when
    /// `public_sales` is false or every specification is hidden.
    pub fn listing_status(&self) -> ProductStatus {
        match self.status {
            ProductStatus::Discontinued => ProductStatus::Discontinued,
            _ if self.offer.sales.hides_everything(self) => ProductStatus::Hidden,
            _ => ProductStatus::for_content(&self.content),
        }
    }

    /// Whether a SKU is sold out: a hardware SKU with no stock (other methods have no stock).
    pub fn sold_out(&self, sku_code: &str) -> bool {
        self.content.delivery_method == Some(DeliveryMethod::Hardware)
            && self.offer.stock.get(sku_code).is_none_or(|n| *n == 0)
    }

    /// Sets a hardware product's stock (never reviewed). Every code is an offered SKU of the product
    /// and every count within `MAX_STOCK`; returns the SKUs this leaves sold out that were not before.
    pub fn set_stock(&mut self, inventory: Inventory) -> Result<Vec<String>, Refusal> {
        if self.content.delivery_method != Some(DeliveryMethod::Hardware) {
            return Err(Refusal::Conflict("only hardware products have an inventory".into()));
        }
        if self.status == ProductStatus::Discontinued {
            return Err(Refusal::Conflict("a discontinued product has no inventory".into()));
        }
        let offered: BTreeSet<String> = self
            .offered_content()
            .specifications
            .iter()
            .flatten()
            .flat_map(|s| s.skus.iter().flatten().filter_map(|k| k.code.clone()))
            .collect();
        if inventory.stock.len() > MAX_STOCK_ENTRIES {
            let why = format!("at most {MAX_STOCK_ENTRIES} SKUs");
            return Err(Refusal::Invalid(vec![Violation::error("/stock", ViolationCode::TooMany, why)]));
        }
        let mut violations = Vec::new();
        for (code, units) in &inventory.stock {
            let at = format!("/stock/{}", code.replace('~', "~0").replace('/', "~1"));
            if !offered.contains(code.as_str()) {
                violations.push(Violation::error(at, ViolationCode::NotFound, format!("no offered SKU `{code}`")));
            } else if *units > MAX_STOCK {
                violations.push(Violation::error(at, ViolationCode::OutOfRange, format!("at most {MAX_STOCK} units")));
            }
        }
        if !violations.is_empty() {
            return Err(Refusal::Invalid(violations));
        }
        let was_sold_out: BTreeSet<&String> = offered.iter().filter(|c| self.sold_out(c)).collect();
        self.offer.stock = inventory.stock;
        Ok(offered.iter().filter(|c| self.sold_out(c) && !was_sold_out.contains(c)).cloned().collect())
    }

    /// The content as the catalog offers it: without removed specifications and SKUs.
    pub fn offered_content(&self) -> DraftContent {
        let mut content = self.content.clone();
        if let Some(specs) = content.specifications.as_mut() {
            specs.retain(|s| s.key.as_ref().is_some_and(|k| !self.removed.specifications.contains(k)));
            for spec in specs.iter_mut() {
                let key = spec.key.clone().unwrap_or_default();
                if let Some(skus) = spec.skus.as_mut() {
                    skus.retain(|sku| sku.code.as_ref().is_none_or(|c| !self.removed.is_sku_removed(&key, c)));
                }
            }
        }
        content
    }

    /// Whether every specification is removed (which discontinues the product).
    pub fn nothing_offered(&self) -> bool {
        self.offered_specifications().next().is_none()
    }

    /// A modification may start from any product that is not discontinued.
    pub fn check_modifiable(&self) -> Result<(), Refusal> {
        if self.status == ProductStatus::Discontinued {
            return Err(Refusal::Conflict("a discontinued product cannot be modified".into()));
        }
        Ok(())
    }

    /// The specification `key` of the content (removed or not).
    pub fn specification(&self, key: &str) -> Option<&Specification> {
        self.content.specifications.iter().flatten().find(|s| s.key.as_deref() == Some(key))
    }

    /// Applies a removal (domain.md "Removal"): discontinued at once and for good; removing the last
    /// offered SKU of a specification removes the specification, removing every specification
    /// discontinues the product. Returns the event to record, or None when nothing changed (a
    /// repeated removal); an unknown specification or SKU is not found.
    pub fn remove(&mut self, removal: &Removal) -> Result<Option<EventType>, Refusal> {
        let before = (self.status, self.removed.clone());
        match removal {
            Removal::Product => self.status = ProductStatus::Discontinued,
            Removal::Specification(key) => {
                self.specification(key).ok_or(Refusal::NotFound)?;
                self.removed.specifications.insert(key.clone());
            }
            Removal::Sku { specification: key, code } => {
                let spec = self.specification(key).ok_or(Refusal::NotFound)?;
                let codes: Vec<String> = spec.skus.iter().flatten().filter_map(|s| s.code.clone()).collect();
                if !codes.contains(code) {
                    return Err(Refusal::NotFound);
                }
                self.removed.skus.entry(key.clone()).or_default().insert(code.clone());
                if codes.iter().all(|c| self.removed.is_sku_removed(key, c)) {
                    self.removed.specifications.insert(key.clone());
                }
            }
        }
        if self.nothing_offered() {
            self.status = ProductStatus::Discontinued;
        }
        if (self.status, &self.removed) == (before.0, &before.1) {
            return Ok(None);
        }
        Ok(Some(if self.status == ProductStatus::Discontinued {
            EventType::ProductRemoved
        } else {
            EventType::ProductModified
        }))
    }

    /// The price a buyer of `sku` in `specification` pays, for `quantity` units (checked against the
    /// specification's quantity attribute). Pointers name the quote request's fields.
    pub fn offer(&self, specification: &str, sku: &str, quantity: Option<u64>) -> Result<&Price, Violation> {
        let spec = self
            .specification(specification)
            .ok_or_else(|| Violation::error("/specification", ViolationCode::NotFound, "no such specification"))?;
        let found =
            spec.skus.iter().flatten().find(|s| s.code.as_deref() == Some(sku)).ok_or_else(|| {
                Violation::error("/sku", ViolationCode::NotFound, "no such SKU in this specification")
            })?;
        if self.removed.is_sku_removed(specification, sku) {
            return Err(Violation::error("/sku", ViolationCode::Removed, "this SKU is no longer offered"));
        }
        let price = match spec.pricing {
            _ if spec.billing_mode == Some(BillingMode::Free) => Some(&crate::pricing::FREE),
            Some(PricingKind::Simple) => spec.price.as_ref(),
            _ => found.price.as_ref(),
        }
        .ok_or_else(|| Violation::error("/sku", ViolationCode::PriceMissing, "this SKU has no price"))?;
        let quantity_attribute =
            spec.attributes.iter().flatten().find(|a| a.attribute_type == Some(AttributeType::Quantity));
        if let (Some(q), Some(attribute)) = (quantity, quantity_attribute) {
            attribute.check_quantity(q).map_err(|v| v.under("/quantity"))?;
        }
        Ok(price)
    }

    /// `offer`, and the SKU can be bought now, here: a quantity over the specification's purchase limit
    /// is 422 at `/quantity`; a sold-out hardware SKU and a region the specification is not sold in
    /// are 409.
    pub fn quotable(
        &self,
        specification: &str,
        sku: &str,
        quantity: Option<u64>,
        region: Option<&str>,
    ) -> Result<&Price, Refusal> {
        let price = self.offer(specification, sku, quantity).map_err(|v| Refusal::Invalid(vec![v]))?;
        let sales = self.offer.sales.of(specification);
        if let (Some(q), Some(max)) = (quantity, sales.max_quantity)
            && q > u64::from(max)
        {
            return Err(Refusal::Invalid(vec![Violation::error(
                "/quantity",
                ViolationCode::OutOfRange,
                format!("at most {max} per order (the specification's purchase limit)"),
            )]));
        }
        if self.sold_out(sku) {
            return Err(Refusal::Conflict(format!("SKU `{sku}` is sold out")));
        }
        if let Some(region) = region.filter(|r| !crate::region::is_region(r)) {
            return Err(Refusal::Invalid(vec![Violation::error(
                "/region",
                ViolationCode::InvalidFormat,
                format!("`{region}` is not an ISO 3166-1 alpha-2 code"),
            )]));
        }
        if let Some(region) = region
            && !self.offer.sales.sold_in(specification, region)
        {
            return Err(Refusal::Conflict(format!("`{specification}` is not sold in {region}")));
        }
        Ok(price)
    }
}

/// What a seller removes from a listed product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    Product,
    Specification(String),
    Sku { specification: String, code: String },
}

impl SpecAttribute {
    /// Whether `quantity` is on this quantity attribute's grid: min..max, min + k × step
    /// (min 1, no max and step 1 where unset). The pointer is the quantity itself ("").
    pub fn check_quantity(&self, quantity: u64) -> Result<(), Violation> {
        let (min, max, step) = (self.min.unwrap_or(1), self.max.unwrap_or(u32::MAX), self.step.unwrap_or(1).max(1));
        if quantity < u64::from(min) || quantity > u64::from(max) {
            return Err(Violation::error("", ViolationCode::OutOfRange, format!("quantity must be {min}..{max}")));
        }
        if !(quantity - u64::from(min)).is_multiple_of(u64::from(step)) {
            return Err(Violation::error(
                "",
                ViolationCode::NotOnStepGrid,
                format!("quantity must be {min} plus a multiple of {step}"),
            ));
        }
        Ok(())
    }
}

fn quantity_step(spec: &Specification) -> Option<u32> {
    spec.attributes.iter().flatten().find(|a| a.attribute_type == Some(AttributeType::Quantity)).and_then(|a| a.step)
}

/// The rules a modification must meet against the live content: released specifications and SKUs
/// stay in the content (they are removed, never dropped), billing modes and quantity steps do not change.
pub fn check_modification(live: &DraftContent, modified: &DraftContent) -> Vec<Violation> {
    let mut out = Vec::new();
    if modified.delivery_method != live.delivery_method {
        out.push(Violation::error(
            "/delivery_method",
            ViolationCode::Immutable,
            "a product's delivery method is fixed: release a new product instead",
        ));
    }
    let supervision = |c: &DraftContent| c.saas.as_ref().and_then(|s| s.involves_service_supervision);
    if supervision(live).is_some() && supervision(modified) != supervision(live) {
        out.push(Violation::error(
            "/saas/involves_service_supervision",
            ViolationCode::Immutable,
            "whether a SaaS involves service supervision cannot change after release",
        ));
    }
    let new_specs = modified.specifications.as_deref().unwrap_or_default();
    for live_spec in live.specifications.iter().flatten() {
        let Some(key) = live_spec.key.as_deref() else { continue };
        let Some((i, spec)) = new_specs.iter().enumerate().find(|(_, s)| s.key.as_deref() == Some(key)) else {
            out.push(Violation::error(
                "/specifications",
                ViolationCode::ReleasedItemDropped,
                format!("released specification `{key}` is missing; remove it from the product instead of dropping it"),
            ));
            continue;
        };
        if spec.billing_mode != live_spec.billing_mode {
            let free = Some(BillingMode::Free);
            let (code, message) = if live_spec.billing_mode == free {
                (ViolationCode::Immutable, "a free image specification stays free")
            } else if spec.billing_mode == free {
                (
                    ViolationCode::Immutable,
                    "a priced image specification (per hour or per vCPU-hour) never becomes free",
                )
            } else {
                (
                    ViolationCode::ReleasedItemChanged,
                    "a released specification's billing mode cannot change; add a billing period instead",
                )
            };
            out.push(Violation::error(format!("/specifications/{i}/billing_mode"), code, message));
        }
        if let (Some(before), after) = (quantity_step(live_spec), quantity_step(spec))
            && after != Some(before)
        {
            out.push(Violation::error(
                format!("/specifications/{i}/attributes"),
                ViolationCode::ReleasedItemChanged,
                format!("a released quantity attribute keeps its step ({before})"),
            ));
        }
        let codes: BTreeSet<&str> = spec.skus.iter().flatten().filter_map(|s| s.code.as_deref()).collect();
        for code in live_spec.skus.iter().flatten().filter_map(|s| s.code.as_deref()) {
            if !codes.contains(code) {
                out.push(Violation::error(
                    format!("/specifications/{i}/skus"),
                    ViolationCode::ReleasedItemDropped,
                    format!("released SKU `{code}` is missing; remove it from the product instead of dropping it"),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn content(value: serde_json::Value) -> DraftContent {
        let mut c: DraftContent = serde_json::from_value(value).unwrap();
        for spec in c.specifications.iter_mut().flatten() {
            spec.assign_sku_codes();
        }
        c
    }

    fn live() -> DraftContent {
        content(json!({"specifications": [{
            "key": "std", "billing_mode": "yearly_monthly",
            "attributes": [
                {"code": "edition", "type": "enumeration", "values": ["basic", "pro"]},
                {"code": "seats", "type": "quantity", "unit": "user", "min": 1, "max": 10, "step": 1}
            ],
            "skus": [{"attributes": {"edition": "basic"}}, {"attributes": {"edition": "pro"}}]
        }]}))
    }

    #[test]
    fn an_unchanged_or_extended_modification_passes() {
        assert_eq!(check_modification(&live(), &live()), []);
        let mut more = live();
        let mut extra = more.specifications.as_ref().unwrap()[0].clone();
        extra.key = Some("extra".into());
        more.specifications.as_mut().unwrap().push(extra);
        assert_eq!(check_modification(&live(), &more), []);
    }

    #[test]
    fn dropping_a_released_specification_or_sku_fails() {
        let mut dropped = live();
        dropped.specifications = Some(vec![]);
        assert_eq!(check_modification(&live(), &dropped)[0].code, ViolationCode::ReleasedItemDropped);
        let mut one_sku = live();
        one_sku.specifications.as_mut().unwrap()[0].skus.as_mut().unwrap().pop();
        let v = check_modification(&live(), &one_sku);
        assert_eq!((v[0].pointer.as_str(), v[0].code), ("/specifications/0/skus", ViolationCode::ReleasedItemDropped));
    }

    #[test]
    fn billing_mode_and_quantity_step_are_fixed() {
        let mut changed = live();
        let spec = &mut changed.specifications.as_mut().unwrap()[0];
        spec.billing_mode = Some(crate::content::specification::BillingMode::OneTime);
        spec.attributes.as_mut().unwrap()[1].step = Some(2);
        let codes: Vec<_> = check_modification(&live(), &changed).into_iter().map(|v| v.code).collect();
        assert_eq!(codes, [ViolationCode::ReleasedItemChanged, ViolationCode::ReleasedItemChanged]);
    }

    fn product() -> Product {
        let t = chrono::DateTime::UNIX_EPOCH;
        Product {
            id: "p".into(),
            seller_id: "s".into(),
            status: ProductStatus::OnSale,
            content: live(),
            removed: Removed::default(),
            offer: Offer::default(),
            version: 1,
            created_at: t,
            updated_at: t,
        }
    }

    fn sku(code: &str) -> Removal {
        Removal::Sku { specification: "std".into(), code: code.into() }
    }

    #[test]
    fn removing_the_last_sku_removes_the_specification_and_discontinues_the_product() {
        let mut p = product();
        let codes: Vec<String> = p.content.specifications.as_ref().unwrap()[0]
            .skus
            .iter()
            .flatten()
            .filter_map(|s| s.code.clone())
            .collect();
        assert_eq!(p.remove(&sku(&codes[0])), Ok(Some(EventType::ProductModified)));
        assert_eq!(p.status, ProductStatus::OnSale);
        assert_eq!(p.remove(&sku(&codes[1])), Ok(Some(EventType::ProductRemoved)));
        assert!(p.removed.specifications.contains("std"));
        assert_eq!(p.status, ProductStatus::Discontinued);
    }

    #[test]
    fn a_repeated_removal_changes_nothing_and_an_unknown_item_is_not_found() {
        let mut p = product();
        assert_eq!(p.remove(&Removal::Product), Ok(Some(EventType::ProductRemoved)));
        assert_eq!(p.remove(&Removal::Product), Ok(None));
        assert_eq!(p.remove(&Removal::Specification("nope".into())), Err(Refusal::NotFound));
        assert_eq!(p.remove(&sku("nope")), Err(Refusal::NotFound));
        assert_eq!(p.check_modifiable(), Err(Refusal::Conflict("a discontinued product cannot be modified".into())));
    }

    #[test]
    fn a_quantity_is_checked_against_the_range_and_the_step_grid() {
        let attribute = SpecAttribute { min: Some(2), max: Some(10), step: Some(4), ..Default::default() };
        assert!(attribute.check_quantity(2).is_ok() && attribute.check_quantity(10).is_ok());
        assert_eq!(attribute.check_quantity(1).unwrap_err().code, ViolationCode::OutOfRange);
        assert_eq!(attribute.check_quantity(11).unwrap_err().code, ViolationCode::OutOfRange);
        assert_eq!(attribute.check_quantity(4).unwrap_err().code, ViolationCode::NotOnStepGrid);
        assert!(SpecAttribute::default().check_quantity(u64::MAX).is_err());
    }

    #[test]
    fn an_offer_names_the_field_a_buyer_got_wrong() {
        let p = product();
        assert_eq!(p.offer("nope", "x", None).unwrap_err().pointer, "/specification");
        assert_eq!(p.offer("std", "nope", None).unwrap_err().pointer, "/sku");
    }
}
