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
}
