//! Assets (domain.md "Assets"): what an image or license product is released against, reviewed on
//! its own. A software package has bytes (checked by `package`); an image is a reference to a machine
//! image in the cloud, checked here.

use chrono::{DateTime, Utc};
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

/// Whether a package's bytes have been checked (its listing, then the configured scanner).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScanStatus {
    /// Waiting for the scan worker.
    Pending,
    /// The listing is safe and the scanner (when one is configured) found nothing.
    Passed,
    /// The listing or the scanner refused the package; the asset is rejected with the reason.
    Failed,
    /// Nothing to scan: an image is a reference, no bytes.
    Skipped,
}

text_enum!(ScanStatus "scan status" { Pending => "pending", Passed => "passed", Failed => "failed", Skipped => "skipped" });

impl AssetKind {
    /// Where a new asset of this kind starts its scan.
    pub fn first_scan(self) -> ScanStatus {
        match self {
            AssetKind::SoftwarePackage => ScanStatus::Pending,
            AssetKind::Image => ScanStatus::Skipped,
        }
    }
}

/// The longest asset id a content may name (ids are UUIDs; the cap bounds what a draft stores).
pub const ASSET_ID_MAX_CHARS: usize = 64;
pub const NAME_MAX_CHARS: usize = 100;
pub const VERSION_MAX_CHARS: usize = 32;
/// How many assets (all versions) a seller keeps at most (ours).
pub const MAX_ASSETS: i64 = 1_000;
/// How much of a scanner's output becomes a rejection's reason.
pub const SCAN_REASON_MAX_CHARS: usize = 2_000;

/// An asset's name (1..100 printable characters) and version (1..32 of `[A-Za-z0-9._-]`): the same
/// name with a new version is the asset's next version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetLabel {
    pub name: String,
    pub version: String,
}

impl AssetLabel {
    pub fn parse(name: &str, version: &str) -> Result<AssetLabel, Vec<Violation>> {
        let mut out = Vec::new();
        let name = name.trim();
        let chars = name.chars().count();
        if chars == 0 || chars > NAME_MAX_CHARS || name.chars().any(char::is_control) {
            out.push(Violation::error("/name", ViolationCode::InvalidValue, "1..100 printable characters"));
        }
        let version_ok = (1..=VERSION_MAX_CHARS).contains(&version.len())
            && version.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if !version_ok {
            out.push(Violation::error(
                "/version",
                ViolationCode::InvalidFormat,
                "1..32 of A-Z, a-z, 0-9, `.`, `_`, `-`, e.g. 1.2.0",
            ));
        }
        if out.is_empty() { Ok(AssetLabel { name: name.to_owned(), version: version.to_owned() }) } else { Err(out) }
    }
}

/// A software package's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageFile {
    pub filename: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
}

/// An asset of a seller's: one version of a package or an image reference, immutable once created
/// but for its review.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub id: String,
    pub seller_id: String,
    pub kind: AssetKind,
    pub label: AssetLabel,
    pub status: AssetStatus,
    pub reason: Option<String>,
    pub package: Option<PackageFile>,
    pub image: Option<ImageReference>,
    pub scan: ScanStatus,
    /// Bumped by each change (its review, its scan): the ETag.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
}

impl Asset {
    /// Still undecided past its due time.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.status == AssetStatus::Scanning && self.due_at < now
    }
}

/// An asset a content names: where, which, and the kind it must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetReference {
    pub pointer: String,
    pub id: String,
    pub kind: AssetKind,
}

/// Checks the assets a content names against what they are (`found`: the seller's own assets among
/// them, by id, with their kind and status): each must exist, be of its kind, and be approved.
pub fn check_references(
    references: &[AssetReference],
    found: &std::collections::BTreeMap<String, (AssetKind, AssetStatus)>,
) -> Vec<Violation> {
    let mut out = Vec::new();
    for r in references {
        match found.get(&r.id) {
            None => out.push(Violation::error(&r.pointer, ViolationCode::InvalidValue, "no such asset of yours")),
            Some((kind, _)) if *kind != r.kind => out.push(Violation::error(
                &r.pointer,
                ViolationCode::InvalidValue,
                format!("the asset is of kind `{kind}`; this needs a `{}`", r.kind),
            )),
            Some((_, status)) => out.extend(status.check_releasable(&r.pointer).err()),
        }
    }
    out
}

/// Who decides an asset that its scan refused.
pub const SCANNER: &str = "scanner";

/// What a reviewer may do with an asset now: decide one still in review that is not their own
/// account's; approve only once its bytes have been scanned.
pub fn check_decision(
    status: AssetStatus,
    scan: ScanStatus,
    approving: bool,
    reviewer_id: &str,
    seller_id: &str,
) -> Result<(), crate::Refusal> {
    use crate::Refusal;
    if !crate::application::may_decide(reviewer_id, seller_id) {
        return Err(Refusal::Forbidden("a reviewer cannot decide an asset of their own account".into()));
    }
    if status != AssetStatus::Scanning {
        return Err(Refusal::Conflict(format!("the asset is already {status}")));
    }
    if approving && scan == ScanStatus::Pending {
        return Err(Refusal::Conflict("the package is still being scanned; approve it once the scan passed".into()));
    }
    Ok(())
}

/// Where an asset is still needed: it cannot be deleted while a listed product or a pending
/// application names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetUse {
    ListedProduct(String),
    PendingApplication(String),
}

pub fn check_deletable(uses: &[AssetUse]) -> Result<(), crate::Refusal> {
    match uses.first() {
        None => Ok(()),
        Some(AssetUse::ListedProduct(id)) => {
            Err(crate::Refusal::Conflict(format!("the asset is released with product {id}; remove that first")))
        }
        Some(AssetUse::PendingApplication(id)) => {
            Err(crate::Refusal::Conflict(format!("application {id} under review names the asset")))
        }
    }
}

/// The reason a failed scan gives: the scanner's output (or the listing's refusal), trimmed to
/// `SCAN_REASON_MAX_CHARS`, never shorter than a reviewer's reason must be.
pub fn scan_reason(output: &str) -> String {
    let text: String =
        output.trim().chars().filter(|c| !c.is_control() || *c == '\n').take(SCAN_REASON_MAX_CHARS).collect();
    if text.chars().count() < 10 { format!("the scan refused the package: {text}").trim_end().to_owned() } else { text }
}

/// The message an asset decision sends: subject and body.
pub fn decision_message(label: &AssetLabel, status: AssetStatus, reason: Option<&str>) -> (String, String) {
    let name = format!("{} {}", label.name, label.version);
    match status {
        AssetStatus::Approved => (
            format!("Asset approved: {name}"),
            format!("Your asset {name} was approved; products can be released with it."),
        ),
        _ => (
            format!("Asset rejected: {name}"),
            format!(
                "Your asset {name} was rejected. Reason: {}\nUpload a corrected version as a new asset.",
                reason.unwrap_or("(none given)")
            ),
        ),
    }
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
        out.extend(crate::region::check_regions(&self.regions, "/regions", MAX_REGIONS));
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
            regions: vec!["cn".into(), "SG".into(), "SG".into(), "XX".into()],
            ..image()
        };
        let pointers: Vec<String> = broken.check().into_iter().map(|v| v.pointer).collect();
        assert_eq!(
            pointers,
            ["/image_ref", "/os_name", "/min_vcpu", "/min_memory_gib", "/regions/0", "/regions/2", "/regions/3"],
            "XX is two capitals, but no country"
        );
        assert_eq!(ImageReference { regions: vec![], ..image() }.check()[0].pointer, "/regions");
    }

    #[test]
    fn a_reference_must_be_an_own_approved_asset_of_its_kind() {
        let at = |id: &str, kind| AssetReference { pointer: format!("/p/{id}"), id: id.into(), kind };
        let found = std::collections::BTreeMap::from([
            ("ok".to_owned(), (AssetKind::SoftwarePackage, AssetStatus::Approved)),
            ("image".to_owned(), (AssetKind::Image, AssetStatus::Approved)),
            ("scanning".to_owned(), (AssetKind::SoftwarePackage, AssetStatus::Scanning)),
            ("rejected".to_owned(), (AssetKind::SoftwarePackage, AssetStatus::Rejected)),
        ]);
        let references: Vec<AssetReference> = ["ok", "image", "scanning", "rejected", "someone-elses"]
            .iter()
            .map(|id| at(id, AssetKind::SoftwarePackage))
            .collect();
        let found: Vec<(String, String)> =
            check_references(&references, &found).into_iter().map(|v| (v.pointer, v.message)).collect();
        let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(pointers, ["/p/image", "/p/scanning", "/p/rejected", "/p/someone-elses"]);
        assert_eq!(found[0].1, "the asset is of kind `image`; this needs a `software_package`");
        assert_eq!(found[3].1, "no such asset of yours");
    }

    #[test]
    fn a_label_names_each_broken_part() {
        assert_eq!(AssetLabel::parse(" Agent ", "1.2.0").unwrap().name, "Agent");
        let pointers: Vec<String> = AssetLabel::parse("", "1 2").unwrap_err().into_iter().map(|v| v.pointer).collect();
        assert_eq!(pointers, ["/name", "/version"]);
        assert!(AssetLabel::parse("Agent", &"9".repeat(33)).is_err());
    }

    #[test]
    fn a_reviewer_decides_only_scanned_assets_of_others() {
        use crate::Refusal;
        let ok = check_decision(AssetStatus::Scanning, ScanStatus::Passed, true, "r1", "s1");
        assert_eq!(ok, Ok(()));
        assert!(matches!(
            check_decision(AssetStatus::Scanning, ScanStatus::Passed, true, "s1", "s1"),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            check_decision(AssetStatus::Approved, ScanStatus::Passed, false, "r1", "s1"),
            Err(Refusal::Conflict(_))
        ));
        assert!(matches!(
            check_decision(AssetStatus::Scanning, ScanStatus::Pending, true, "r1", "s1"),
            Err(Refusal::Conflict(_))
        ));
        // Rejecting needs no scan: a reviewer can refuse what they see at once.
        assert_eq!(check_decision(AssetStatus::Scanning, ScanStatus::Pending, false, "r1", "s1"), Ok(()));
    }

    #[test]
    fn an_asset_in_use_cannot_be_deleted() {
        assert_eq!(check_deletable(&[]), Ok(()));
        let listed = check_deletable(&[AssetUse::ListedProduct("p1".into())]).unwrap_err();
        assert!(listed.to_string().contains("p1"), "{listed}");
        assert!(check_deletable(&[AssetUse::PendingApplication("a1".into())]).is_err());
    }

    #[test]
    fn a_scan_reason_is_bounded_and_long_enough() {
        assert_eq!(scan_reason("x".repeat(5000).as_str()).chars().count(), SCAN_REASON_MAX_CHARS);
        assert!(scan_reason("bad").chars().count() >= 10);
        assert_eq!(scan_reason("  EICAR found in a/b.exe\n"), "EICAR found in a/b.exe");
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
