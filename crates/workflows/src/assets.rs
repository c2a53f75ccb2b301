//! Assets: a seller creates one (a package from a completed upload, or an image reference), the scan
//! worker checks a package's listing and runs the configured scanner, a reviewer approves or rejects,
//! and the seller deletes one nothing needs. Decisions tell the seller and record events in their
//! transaction, as applications' do.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use shelf_domain::asset::{
    self, Asset, AssetKind, AssetLabel, AssetStatus, ImageReference, MAX_ASSETS, PackageFile, SCANNER, ScanStatus,
    check_decision, check_deletable, scan_reason,
};
use shelf_domain::calendar::Calendar;
use shelf_domain::notification::EventType;
use shelf_domain::package::{MAX_PACKAGE_BYTES, check_package, claimed_format};
use shelf_domain::refusal::check_account_room;
use shelf_domain::upload::UploadStatus;
use shelf_domain::{Account, AssetId, Precondition, Refusal, SellerId, Violation, ViolationCode};
use shelf_persistence::applications::QueuePosition;
use shelf_persistence::assets::{self, AssetDecision, AssetFilter, NewAsset};
use shelf_persistence::blobs::{BlobRead, BlobStore};
use shelf_persistence::notifications::{self, Subject};
use shelf_persistence::{Db, DbConnection, Page, Paged, now, settings, uploads};

use crate::{Error, Result};

/// What an asset is made of.
pub enum Source<'a> {
    /// A software package: the file of a completed upload (the upload becomes the asset's).
    Package {
        upload_id: &'a str,
    },
    Image(ImageReference),
}

/// Where in a create request each source's fields are.
const UPLOAD_POINTER: &str = "/software_package/upload_id";

/// Creates an asset in review (`scanning`), due in the marketplace's working days like an
/// application. A package's upload must be complete and its first bytes what its name says; the
/// upload is consumed (its file is the asset's).
pub fn create(
    db: &Db,
    blobs: &BlobStore,
    seller: &Account,
    label: (&str, &str),
    source: Source<'_>,
    marketplace_offset_seconds: i32,
) -> Result<Asset> {
    let label = AssetLabel::parse(label.0, label.1).map_err(Refusal::Invalid)?;
    let seller_id = seller.seller_id();
    let (kind, package, image) = match source {
        Source::Image(image) => {
            let violations = image.check();
            if !violations.is_empty() {
                return Err(Refusal::invalid_at("/image", violations).into());
            }
            (AssetKind::Image, None, Some(image))
        }
        Source::Package { upload_id } => {
            (AssetKind::SoftwarePackage, Some(package_of(db, blobs, &seller_id, upload_id)?), None)
        }
    };
    db.write(|c| {
        check_account_room("assets", assets::count_for_seller(c, seller_id.as_str())?, MAX_ASSETS)?;
        if assets::label_taken(c, seller_id.as_str(), &label)? {
            let why =
                format!("version {} of {} exists; a new version needs a new version number", label.version, label.name);
            return Err(Refusal::Conflict(why).into());
        }
        let (holidays, _) = settings::holidays(c)?;
        let calendar = Calendar::new(marketplace_offset_seconds, holidays)
            .ok_or_else(|| Error::Store(shelf_persistence::Error::Config("bad marketplace offset".into())))?;
        let created_at = now();
        if let Some((upload_id, _)) = &package {
            // Still the completed upload read above (a retry that consumed it finds it gone).
            let upload = uploads::get_for_seller(c, seller_id.as_str(), upload_id).map_err(upload_refusal)?;
            if upload.status != UploadStatus::Completed {
                return Err(upload_not_complete(upload.status).into());
            }
        }
        notifications::remember_contacts(c, &seller.id, seller.email.as_deref(), seller.phone.as_deref())?;
        let created = assets::insert(
            c,
            NewAsset {
                seller_id: seller_id.as_str(),
                kind,
                label: &label,
                package: package.as_ref().map(|(_, file)| file),
                image: image.as_ref(),
                created_at,
                due_at: calendar.review_due(created_at, false),
            },
        )?;
        if let Some((upload_id, _)) = &package {
            let upload = uploads::get_for_seller(c, seller_id.as_str(), upload_id)?;
            uploads::delete(c, blobs, &upload)?;
        }
        Ok(created)
    })
}

/// The file of a completed upload, if its first bytes are the package its name says.
fn package_of(db: &Db, blobs: &BlobStore, seller: &SellerId, upload_id: &str) -> Result<(String, PackageFile)> {
    let upload = db.read(|c| uploads::get_for_seller(c, seller.as_str(), upload_id)).map_err(upload_refusal)?;
    if upload.status != UploadStatus::Completed {
        return Err(upload_not_complete(upload.status).into());
    }
    let invalid = |message: String| {
        Refusal::Invalid(vec![Violation::error(UPLOAD_POINTER, ViolationCode::InvalidValue, message)])
    };
    if upload.plan.size > MAX_PACKAGE_BYTES {
        return Err(invalid("a package is at most 20 GB".into()).into());
    }
    let mut first = Vec::with_capacity(512);
    db.read_as(|c| -> Result<()> {
        let (_, reader) = blobs.open(c, &upload.sha256)?;
        reader.take(512).read_to_end(&mut first).map_err(|e| shelf_persistence::Error::Unavailable(e.to_string()))?;
        Ok(())
    })?;
    let format = claimed_format(&upload.filename, &first)
        .map_err(|v| invalid(format!("the upload's file `{}`: {}", upload.filename, v.message)))?;
    let file = PackageFile {
        filename: upload.filename,
        media_type: format.media_type().to_owned(),
        size: upload.plan.size,
        sha256: upload.sha256,
    };
    Ok((upload.id, file))
}

/// An upload named in a body that is not there (or is another seller's): the body's field is wrong.
fn upload_refusal(e: shelf_persistence::Error) -> Error {
    match e {
        shelf_persistence::Error::NotFound => {
            let v = Violation::error(UPLOAD_POINTER, ViolationCode::InvalidValue, "no such upload of yours");
            Refusal::Invalid(vec![v]).into()
        }
        other => other.into(),
    }
}

fn upload_not_complete(status: UploadStatus) -> Refusal {
    Refusal::Conflict(format!("the upload is {status}; complete it first"))
}

/// An asset as `account` may see it: a seller their own, a reviewer any.
fn visible(c: &mut DbConnection, account: &Account, id: &AssetId) -> Result<Asset> {
    match account.role {
        shelf_domain::Role::Seller => Ok(assets::get_for_seller(c, &account.id, id.as_str())?),
        shelf_domain::Role::Reviewer => Ok(assets::get(c, id.as_str())?),
        shelf_domain::Role::Admin => {
            Err(Refusal::Forbidden("assets are read by their seller and by reviewers".into()).into())
        }
    }
}

pub fn get(db: &Db, account: &Account, id: &AssetId) -> Result<Asset> {
    db.read_as(|c| visible(c, account, id))
}

pub fn list(db: &Db, seller: &SellerId, filter: &AssetFilter, page: &Page) -> Result<Paged<Asset>> {
    Ok(db.read(|c| assets::list_for_seller(c, seller.as_str(), filter, page))?)
}

/// Deletes an asset that no listed product or pending application names; a package's bytes go once
/// nothing else refers to them.
pub fn delete(db: &Db, blobs: &BlobStore, seller: &SellerId, id: &AssetId, precondition: &Precondition) -> Result<()> {
    db.write(|c| {
        let current = assets::lock_for_seller(c, seller.as_str(), id.as_str())?;
        precondition.check(current.version)?;
        check_deletable(&assets::uses(c, &current.id)?)?;
        assets::delete(c, &current)?;
        if let Some(package) = &current.package {
            blobs.release(c, &package.sha256)?;
        }
        Ok(())
    })
}

/// The reviewers' queue of assets, earliest due first.
pub fn queue(
    db: &Db,
    overdue_at: Option<chrono::DateTime<chrono::Utc>>,
    limit: u32,
    after: Option<&QueuePosition>,
) -> Result<Paged<Asset>> {
    Ok(db.read(|c| assets::review_queue(c, overdue_at, limit, after))?)
}

/// A package to download: the seller's own, or any for a reviewer. Returns its file, its size and
/// a reader of its bytes.
pub fn open_package(
    db: &Db,
    blobs: &BlobStore,
    account: &Account,
    id: &AssetId,
) -> Result<(PackageFile, u64, Box<dyn BlobRead>)> {
    db.read_as(|c| {
        let Some(package) = visible(c, account, id)?.package else {
            return Err(Refusal::Conflict("an image asset has no bytes to download".into()).into());
        };
        let (size, reader) = blobs.open(c, &package.sha256)?;
        Ok((package, size, reader))
    })
}

/// Approves an asset in review whose scan passed.
pub fn approve(db: &Db, reviewer: &Account, id: &AssetId) -> Result<Asset> {
    db.write(|c| {
        let current = assets::get(c, id.as_str())?;
        check_decision(current.status, current.scan, true, &reviewer.id, &current.seller_id)?;
        let decision =
            AssetDecision { status: AssetStatus::Approved, scan: None, by: &reviewer.id, at: now(), reason: None };
        decided(c, &current, decision)
    })
}

/// Rejects an asset in review with a reason (checked first, at `/reason`).
pub fn reject(db: &Db, reviewer: &Account, id: &AssetId, reason: &str) -> Result<Asset> {
    let reason =
        shelf_domain::application::rejection_reason(reason).map_err(|v| Refusal::Invalid(vec![v.under("/reason")]))?;
    db.write(|c| {
        let current = assets::get(c, id.as_str())?;
        check_decision(current.status, current.scan, false, &reviewer.id, &current.seller_id)?;
        let decision = AssetDecision {
            status: AssetStatus::Rejected,
            scan: None,
            by: &reviewer.id,
            at: now(),
            reason: Some(&reason),
        };
        decided(c, &current, decision)
    })
}

/// Records a decision, tells the seller and appends its event.
fn decided(c: &mut DbConnection, current: &Asset, decision: AssetDecision<'_>) -> Result<Asset> {
    let decided = assets::decide(c, current, decision)?;
    let receivers = notifications::receivers_of(c, &decided.seller_id)?;
    let (subject, body) = asset::decision_message(&decided.label, decided.status, decided.reason.as_deref());
    crate::notify::tell(c, &decided.seller_id, None, &subject, &body, &receivers)?;
    let event =
        if decided.status == AssetStatus::Approved { EventType::AssetApproved } else { EventType::AssetRejected };
    let subject = Subject { asset_id: Some(&decided.id), ..Default::default() };
    notifications::append_event(c, &decided.seller_id, event, subject)?;
    Ok(decided)
}

/// The configured scanner (`SHELF_SCAN_COMMAND`): a program and its arguments, run without a shell
/// with the package's path as the last argument, for at most `timeout`. Exit 0 passes; any other
/// exit rejects the asset with the program's output as the reason.
#[derive(Debug, Clone)]
pub struct Scanner {
    pub argv: Vec<String>,
    pub timeout: Duration,
}

/// How much of a scanner's output is read.
const SCAN_OUTPUT_BYTES: u64 = 16 << 10;

/// Scans up to `limit` packages waiting for their scan: the listing is checked (zip, tar or gzip as
/// named, safe entry names, bounded) and then the scanner runs, if one is configured. A refused
/// package is rejected (by `scanner`) with the reason; one that passes waits for a reviewer.
/// Returns how many were scanned.
pub fn scan_due(db: &Db, blobs: &BlobStore, scanner: Option<&Scanner>, scratch: &Path, limit: i64) -> Result<usize> {
    let lease = chrono::Duration::from_std(scanner.map_or(Duration::ZERO, |s| s.timeout)).unwrap_or_default()
        + chrono::Duration::minutes(30);
    let due = db.write(|c| assets::claim_scans(c, now(), lease, limit))?;
    for current in &due {
        let verdict = scan(db, blobs, scanner, scratch, current);
        let recorded = db.write(|c| -> Result<()> {
            let latest = assets::get(c, &current.id)?;
            if latest.scan != ScanStatus::Pending || latest.status != AssetStatus::Scanning {
                return Ok(()); // a reviewer rejected it meanwhile
            }
            match &verdict {
                Ok(()) => {
                    assets::scan_passed(c, &latest)?;
                }
                Err(Scan::Refused(reason)) => {
                    let decision = AssetDecision {
                        status: AssetStatus::Rejected,
                        scan: Some(ScanStatus::Failed),
                        by: SCANNER,
                        at: now(),
                        reason: Some(reason),
                    };
                    decided(c, &latest, decision)?;
                }
                // Not the package's fault: the lease runs out and another round tries again.
                Err(Scan::Broken(e)) => log::warn!("asset {}: the scan could not run: {e}", current.id),
            }
            Ok(())
        });
        match recorded {
            Err(Error::Store(shelf_persistence::Error::NotFound)) => {} // deleted meanwhile
            other => other?,
        }
    }
    Ok(due.len())
}

/// Why a scan did not pass.
enum Scan {
    /// The package is refused, for this reason.
    Refused(String),
    /// The scan itself failed (the store, the scanner's program): try again later.
    Broken(String),
}

fn scan(db: &Db, blobs: &BlobStore, scanner: Option<&Scanner>, scratch: &Path, current: &Asset) -> Result<(), Scan> {
    let Some(package) = &current.package else { return Ok(()) };
    let broken = |e: &dyn std::fmt::Display| Scan::Broken(e.to_string());
    let local = db.read(|c| blobs.local_path(c, &package.sha256)).map_err(|e| broken(&e))?;
    // A store without local files (the database, S3): a scratch copy, removed when done.
    let copy = match local {
        Some(_) => None,
        None => Some(ScratchCopy::make(db, blobs, scratch, &package.sha256).map_err(|e| broken(&e))?),
    };
    let path = local.as_deref().or(copy.as_ref().map(|c| c.0.as_path())).unwrap_or(Path::new(""));
    let file = std::fs::File::open(path).map_err(|e| broken(&e))?;
    check_package(&package.filename, std::io::BufReader::new(file))
        .map_err(|v| Scan::Refused(scan_reason(&v.message)))?;
    match scanner {
        None => Ok(()),
        Some(scanner) => run_scanner(scanner, path, scratch),
    }
}

/// A package's bytes copied to a scratch file, removed on drop.
struct ScratchCopy(PathBuf);

impl ScratchCopy {
    fn make(db: &Db, blobs: &BlobStore, scratch: &Path, sha256: &str) -> Result<ScratchCopy> {
        let io = |e: std::io::Error| shelf_persistence::Error::Unavailable(format!("scan scratch: {e}"));
        std::fs::create_dir_all(scratch).map_err(io)?;
        let copy = ScratchCopy(scratch.join(format!("scan-{}", shelf_persistence::new_id())));
        let mut out = std::fs::File::create(&copy.0).map_err(io)?;
        db.read_as(|c| -> Result<()> {
            let (_, mut reader) = blobs.open(c, sha256)?;
            std::io::copy(&mut reader, &mut out).map_err(io)?;
            Ok(())
        })?;
        Ok(copy)
    }
}

impl Drop for ScratchCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs the scanner on `path`: its output to a scratch file (a pipe could fill and stall it), killed
/// at its timeout.
fn run_scanner(scanner: &Scanner, path: &Path, scratch: &Path) -> Result<(), Scan> {
    let broken = |what: &str, e: std::io::Error| Scan::Broken(format!("{what}: {e}"));
    let (program, args) = scanner.argv.split_first().ok_or_else(|| Scan::Broken("no scan command".into()))?;
    std::fs::create_dir_all(scratch).map_err(|e| broken("scratch", e))?;
    let output = ScratchCopy(scratch.join(format!("scan-output-{}", shelf_persistence::new_id())));
    let out = std::fs::File::create(&output.0).map_err(|e| broken("scan output", e))?;
    let err = out.try_clone().map_err(|e| broken("scan output", e))?;
    let mut child = std::process::Command::new(program)
        .args(args)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| broken(&format!("cannot run `{program}`"), e))?;
    let deadline = Instant::now() + scanner.timeout;
    let status = loop {
        match child.try_wait().map_err(|e| broken("scanner", e))? {
            Some(status) => break status,
            None if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                let why = format!("the scanner did not finish within {} s", scanner.timeout.as_secs());
                return Err(Scan::Refused(why));
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    if status.success() {
        return Ok(());
    }
    let mut text = Vec::new();
    if let Ok(file) = std::fs::File::open(&output.0) {
        let _ = file.take(SCAN_OUTPUT_BYTES).read_to_end(&mut text);
    }
    let said = String::from_utf8_lossy(&text);
    let said =
        if said.trim().is_empty() { format!("the scanner refused the package ({status})") } else { said.into_owned() };
    Err(Scan::Refused(scan_reason(&said)))
}
