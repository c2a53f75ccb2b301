//! Assets (domain.md "Assets"): what an image or license product is released against, reviewed on
//! its own. A software package has bytes (checked by `package`); an image is a reference to a machine
//! image in the cloud, checked here.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::violation::{Violation, ViolationCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    SoftwarePackage,
    Image,
}

text_enum!(AssetKind "asset kind" { SoftwarePackage => "software_package", Image => "image" });

/// Where an asset's review is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssetStatus {
    /// Being scanned or waiting for a reviewer.
    Scanning,
    Approved,
    Rejected,
}

text_enum!(AssetStatus "asset status" { Scanning => "scanning", Approved => "approved", Rejected => "rejected" });

impl AssetStatus {
    /// Whether a submission may name an asset in this status (only approved ones are released).
    pub fn check_releasable(self, pointer: &str) -> Result<(), Violation> {
        match self {
            AssetStatus::Approved => Ok(()),
            other => Err(Violation::error(
                pointer,
                ViolationCode::InvalidValue,
                format!("the asset is {other}; only an approved asset can be released"),
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OsFamily {
    Linux,
    Windows,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum Architecture {
    #[serde(rename = "x86_64")]
    X86_64,
    #[serde(rename = "arm64")]
    Arm64,
}

/// An image asset: a machine image in the cloud, and what an instance needs to run it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageReference {
    /// The cloud's image id: 1..128 of `[A-Za-z0-9._-]`.
    #[schema(example = "img-0a1b2c3d4e", pattern = "^[A-Za-z0-9._-]{1,128}$")]
    pub image_ref: String,
    pub os_family: OsFamily,
    /// 1..64 characters, e.g. `Ubuntu 24.04`.
    #[schema(example = "Ubuntu 24.04", min_length = 1, max_length = 64)]
    pub os_name: String,
    pub architecture: Architecture,
    #[schema(minimum = 1, maximum = 256)]
    pub min_vcpu: u32,
    #[schema(minimum = 1, maximum = 4096)]
    pub min_memory_gib: u32,
    /// Where the image is replicated: 1..50 distinct ISO 3166-1 alpha-2 codes.
    #[schema(example = json!(["CN", "SG"]), min_items = 1, max_items = 50)]
    pub regions: Vec<String>,
}

pub const IMAGE_REF_MAX_CHARS: usize = 128;
pub const OS_NAME_MAX_CHARS: usize = 64;
pub const MAX_REGIONS: usize = 50;

impl ImageReference {
    /// Every broken rule, with pointers into the reference.
    pub fn check(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        let ref_ok = (1..=IMAGE_REF_MAX_CHARS).contains(&self.image_ref.len())
            && self.image_ref.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if !ref_ok {
            out.push(Violation::error(
                "/image_ref",
                ViolationCode::InvalidFormat,
                "1..128 of A-Z, a-z, 0-9, `.`, `_`, `-`",
            ));
        }
        let os_chars = self.os_name.trim().chars().count();
        if os_chars == 0 || os_chars > OS_NAME_MAX_CHARS || self.os_name.chars().any(char::is_control) {
            out.push(Violation::error("/os_name", ViolationCode::InvalidValue, "1..64 printable characters"));
        }
        if !(1..=256).contains(&self.min_vcpu) {
            out.push(Violation::error("/min_vcpu", ViolationCode::OutOfRange, "1..256"));
        }
        if !(1..=4096).contains(&self.min_memory_gib) {
            out.push(Violation::error("/min_memory_gib", ViolationCode::OutOfRange, "1..4096 GiB"));
        }
        if self.regions.is_empty() || self.regions.len() > MAX_REGIONS {
            out.push(Violation::error("/regions", ViolationCode::OutOfRange, "1..50 regions"));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, region) in self.regions.iter().enumerate().take(MAX_REGIONS) {
            if !(region.len() == 2 && region.bytes().all(|b| b.is_ascii_uppercase())) {
                out.push(Violation::error(
                    format!("/regions/{i}"),
                    ViolationCode::InvalidFormat,
                    "an ISO 3166-1 alpha-2 code, e.g. CN",
                ));
            } else if !seen.insert(region.as_str()) {
                out.push(Violation::error(format!("/regions/{i}"), ViolationCode::Duplicate, "listed twice"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image() -> ImageReference {
        ImageReference {
            image_ref: "img-0a1b2c3d4e".into(),
            os_family: OsFamily::Linux,
            os_name: "Ubuntu 24.04".into(),
            architecture: Architecture::X86_64,
            min_vcpu: 2,
            min_memory_gib: 4,
            regions: vec!["CN".into(), "SG".into()],
        }
    }

    #[test]
    fn a_well_formed_image_reference_passes() {
        assert_eq!(image().check(), []);
    }

    #[test]
    fn every_broken_field_is_named() {
        let broken = ImageReference {
            image_ref: "img 1/../x".into(),
            os_name: " ".into(),
            min_vcpu: 0,
            min_memory_gib: 5000,
            regions: vec!["cn".into(), "SG".into(), "SG".into()],
            ..image()
        };
        let pointers: Vec<String> = broken.check().into_iter().map(|v| v.pointer).collect();
        assert_eq!(pointers, ["/image_ref", "/os_name", "/min_vcpu", "/min_memory_gib", "/regions/0", "/regions/2"]);
        assert_eq!(ImageReference { regions: vec![], ..image() }.check()[0].pointer, "/regions");
    }

    #[test]
    fn only_an_approved_asset_is_releasable() {
        assert!(AssetStatus::Approved.check_releasable("/asset_id").is_ok());
        for status in [AssetStatus::Scanning, AssetStatus::Rejected] {
            let v = status.check_releasable("/asset_id").unwrap_err();
            assert!(v.message.contains(status.as_str()), "{}", v.message);
        }
    }
}
