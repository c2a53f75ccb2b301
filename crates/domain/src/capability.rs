//! What an admin lets a seller do beyond the common (domain.md "Rules per delivery method"): sell
//! hardware (the marketplace's whitelist) and joint-operations products (certified). Set without a
//! review; a submission needing one the seller lacks is an error naming it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::violation::{Violation, ViolationCode};

/// A seller's capabilities (none until an admin grants them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Capabilities {
    /// On the hardware whitelist: may release hardware products.
    pub hardware: bool,
    /// Certified for joint operations: may release joint-operations (pay-per-use) SaaS and images.
    pub joint_operations: bool,
}

/// One capability a release may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    Hardware,
    JointOperations,
}

text_enum!(Capability "capability" { Hardware => "hardware", JointOperations => "joint_operations" });

impl Capabilities {
    pub fn has(&self, capability: Capability) -> bool {
        match capability {
            Capability::Hardware => self.hardware,
            Capability::JointOperations => self.joint_operations,
        }
    }

    /// An error at `pointer` when the seller lacks `needed`.
    pub fn check(&self, needed: Capability, pointer: &str) -> Result<(), Violation> {
        if self.has(needed) {
            return Ok(());
        }
        let why = match needed {
            Capability::Hardware => "hardware is sold only by sellers on the marketplace's hardware whitelist",
            Capability::JointOperations => "joint-operations products need a seller certified for joint operations",
        };
        Err(Violation::error(pointer, ViolationCode::NotAllowed, format!("{why}: capability `{needed}` is missing")))
    }
}

/// What a content needs of the seller's capabilities, by the pointer that needs it: a hardware product
/// needs the whitelist, a joint-operations SaaS or image the certification.
pub fn needed_by(content: &crate::DraftContent) -> Vec<(&'static str, Capability)> {
    use crate::content::{DeliveryMethod, SalesType};
    let joint = |t: Option<SalesType>| t == Some(SalesType::JointOperations);
    match content.delivery_method {
        Some(DeliveryMethod::Hardware) => vec![("/delivery_method", Capability::Hardware)],
        Some(DeliveryMethod::Saas) if joint(content.saas.as_ref().and_then(|s| s.sales_type)) => {
            vec![("/saas/sales_type", Capability::JointOperations)]
        }
        Some(DeliveryMethod::Image) if joint(content.image.as_ref().and_then(|i| i.sales_type)) => {
            vec![("/image/sales_type", Capability::JointOperations)]
        }
        _ => vec![],
    }
}

/// Every capability `needed` that `have` lacks, as errors at their pointers.
pub fn check_all(needed: &[(&str, Capability)], have: &Capabilities) -> Vec<Violation> {
    needed.iter().filter_map(|(pointer, c)| have.check(*c, pointer).err()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_capability_is_named_at_its_pointer() {
        let none = Capabilities::default();
        let v = none.check(Capability::Hardware, "/delivery_method").unwrap_err();
        assert_eq!((v.pointer.as_str(), v.code), ("/delivery_method", ViolationCode::NotAllowed));
        assert!(v.message.contains("`hardware`"), "{}", v.message);
        let both = Capabilities { hardware: true, joint_operations: true };
        assert_eq!(both.check(Capability::JointOperations, "/saas/sales_type"), Ok(()));
        assert!(Capabilities { hardware: true, ..none }.check(Capability::JointOperations, "/x").is_err());
    }

    #[test]
    fn a_hardware_product_needs_the_whitelist() {
        let hardware = crate::DraftContent {
            delivery_method: Some(crate::content::DeliveryMethod::Hardware),
            ..Default::default()
        };
        let needed = needed_by(&hardware);
        assert_eq!(needed, [("/delivery_method", Capability::Hardware)]);
        assert_eq!(check_all(&needed, &Capabilities::default()).len(), 1);
        assert_eq!(check_all(&needed, &Capabilities { hardware: true, joint_operations: false }), []);
        assert_eq!(needed_by(&crate::DraftContent::default()), []);
    }
}
