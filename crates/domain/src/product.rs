//! Products: what an approved release lists, what modifications change and what removal discontinues.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::content::DraftContent;
use crate::content::specification::{AttributeType, Specification};
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
    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::OnSale => "on_sale",
            ProductStatus::Hidden => "hidden",
            ProductStatus::Discontinued => "discontinued",
        }
    }

    /// The status a live content gives: listed when `public_sales`, else hidden.
    pub fn for_content(content: &DraftContent) -> ProductStatus {
        if content.public_sales == Some(false) { ProductStatus::Hidden } else { ProductStatus::OnSale }
    }
}

impl std::str::FromStr for ProductStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "on_sale" => ProductStatus::OnSale,
            "hidden" => ProductStatus::Hidden,
            "discontinued" => ProductStatus::Discontinued,
            other => return Err(format!("unknown product status `{other}`")),
        })
    }
}

/// A product as the catalog offers it: removed specifications and SKUs are left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CatalogProduct {
    pub id: String,
    /// `on_sale` (listed) or `hidden` (reachable by its URL only).
    pub status: ProductStatus,
    pub content: DraftContent,
    pub updated_at: DateTime<Utc>,
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

    /// The product as the catalog offers it (rendered once per version and served as stored bytes).
    pub fn catalog_entry(&self) -> CatalogProduct {
        CatalogProduct {
            id: self.id.clone(),
            status: self.status,
            content: self.offered_content(),
            updated_at: self.updated_at,
        }
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
}

fn quantity_step(spec: &Specification) -> Option<u32> {
    spec.attributes.iter().flatten().find(|a| a.attribute_type == Some(AttributeType::Quantity)).and_then(|a| a.step)
}

/// The rules a modification must meet against the live content: released specifications and SKUs
/// stay in the content (they are removed, never dropped), billing modes and quantity steps do not change.
pub fn check_modification(live: &DraftContent, modified: &DraftContent) -> Vec<Violation> {
    let mut out = Vec::new();
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
            out.push(Violation::error(
                format!("/specifications/{i}/billing_mode"),
                ViolationCode::ReleasedItemChanged,
                "a released specification's billing mode cannot change; add a billing period instead",
            ));
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
}
