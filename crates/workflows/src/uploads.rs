//! Resumable uploads: open one, send its parts in any order (each retried safely), complete it (size
//! and SHA-256 checked) or delete it; unfinished uploads expire. Staging that a transaction leaves
//! behind (parts of a completed, aborted or expired upload) is removed once it has committed.

use chrono::{DateTime, Duration, Utc};
use shelf_domain::refusal::check_account_room;
use shelf_domain::upload::{EXPIRES_AFTER_HOURS, MAX_OPEN_UPLOADS, UploadStatus, declare};
use shelf_domain::{Refusal, SellerId, Violation, ViolationCode};
use shelf_persistence::blobs::BlobStore;
use shelf_persistence::uploads::{self, NewUpload, Upload};
use shelf_persistence::{Db, now};

use crate::Result;

/// What a client declares before sending a file.
pub struct Declaration<'a> {
    pub filename: &'a str,
    pub media_type: &'a str,
    pub size: u64,
    pub sha256: &'a str,
}

/// Opens an upload, within the seller's bound of open uploads.
pub fn create(db: &Db, blobs: &BlobStore, seller: &SellerId, declaration: &Declaration<'_>) -> Result<Upload> {
    let max = blobs.backend().max_upload_bytes();
    let d = declare(declaration.filename, declaration.media_type, declaration.size, declaration.sha256, max)
        .map_err(Refusal::Invalid)?;
    db.write(|c| {
        check_account_room("open uploads", uploads::count_open(c, seller.as_str())?, MAX_OPEN_UPLOADS)?;
        let new = NewUpload {
            seller_id: seller.as_str(),
            filename: &d.filename,
            media_type: &d.media_type,
            sha256: declaration.sha256,
            plan: d.plan,
            expires_at: now() + Duration::hours(EXPIRES_AFTER_HOURS),
        };
        Ok(uploads::create(c, blobs, new)?)
    })
}

/// The seller's upload, with the parts it has received.
pub fn get(db: &Db, seller: &SellerId, id: &str) -> Result<Upload> {
    Ok(db.read(|c| uploads::get_for_seller(c, seller.as_str(), id))?)
}

/// Refuses a change to an upload that no longer takes one.
fn check_open(upload: &Upload, at: DateTime<Utc>) -> Result<()> {
    if upload.status != UploadStatus::Open {
        return Err(Refusal::Conflict(format!("the upload is {}", upload.status)).into());
    }
    if upload.expires_at <= at {
        return Err(Refusal::Conflict("the upload expired; start a new one".into()).into());
    }
    Ok(())
}

/// Stages part `number` of an open upload: exactly its bytes (and, when the client sends one, the
/// `Content-Range` of them). Sending a part again replaces it. Returns the part's SHA-256 (its ETag).
pub fn put_part(
    db: &Db,
    blobs: &BlobStore,
    seller: &SellerId,
    id: &str,
    number: u64,
    bytes: bytes::Bytes,
    content_range: Option<&str>,
) -> Result<String> {
    use sha2::Digest;
    let sha256: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    db.write(|c| {
        let upload = uploads::get_for_seller(c, seller.as_str(), id)?;
        check_open(&upload, now())?;
        upload.plan.check_part(number, bytes.len() as u64, content_range).map_err(|v| Refusal::Invalid(vec![v]))?;
        uploads::put_part(c, blobs, &upload, number, &sha256, bytes.clone())?;
        Ok(sha256.clone())
    })
}

/// How long a presigned part URL is valid.
pub const PRESIGNED_PART_MINUTES: i64 = 60;

/// A URL to `PUT` part `number` of an open upload to, straight to the store (S3), bypassing Shelf;
/// valid for `PRESIGNED_PART_MINUTES`. Then `confirm_part` with the ETag the store answered.
pub fn presign_part(
    db: &Db,
    blobs: &BlobStore,
    seller: &SellerId,
    id: &str,
    number: u64,
) -> Result<(String, DateTime<Utc>)> {
    let upload = get(db, seller, id)?;
    let at = now();
    check_open(&upload, at)?;
    check_number(&upload, number)?;
    let valid_for = Duration::minutes(PRESIGNED_PART_MINUTES);
    let url = blobs
        .backend()
        .presign_part(&upload.staged(), number, valid_for.to_std().unwrap_or_default())?
        .ok_or_else(|| {
            let why = format!(
                "this server keeps files in its {} store: send parts to PUT /v1/uploads/{id}/parts/{number}",
                blobs.backend().name()
            );
            Refusal::Conflict(why)
        })?;
    Ok((url, at + valid_for))
}

fn check_number(upload: &Upload, number: u64) -> Result<()> {
    if upload.plan.range_of(number).is_none() {
        let v = Violation::error(
            "number",
            ViolationCode::OutOfRange,
            format!("parts are numbered 1..{}", upload.plan.parts),
        );
        return Err(Refusal::Invalid(vec![v]).into());
    }
    Ok(())
}

/// Records a part sent by a presigned URL, with the ETag the store answered for it. Its bytes are
/// checked with the whole file's SHA-256 when the upload completes.
pub fn confirm_part(db: &Db, seller: &SellerId, id: &str, number: u64, etag: &str) -> Result<Upload> {
    let etag_ok = (1..=200).contains(&etag.len()) && etag.bytes().all(|b| b.is_ascii_graphic());
    if !etag_ok {
        let v =
            Violation::error("/etag", ViolationCode::InvalidFormat, "the ETag header the store answered, as it was");
        return Err(Refusal::Invalid(vec![v]).into());
    }
    db.write(|c| {
        let upload = uploads::get_for_seller(c, seller.as_str(), id)?;
        check_open(&upload, now())?;
        check_number(&upload, number)?;
        if upload.backend_ref.is_none() {
            return Err(Refusal::Conflict("this upload's parts are not sent to the store directly".into()).into());
        }
        let range = upload.plan.range_of(number).unwrap_or_default();
        uploads::record_part(c, &upload, number, range.end - range.start, "", Some(etag))?;
        Ok(uploads::get_for_seller(c, seller.as_str(), id)?)
    })
}

/// Completes an upload: every part received, joined, its size and SHA-256 the declared ones. A
/// completed upload is answered as it is (completing is safe to retry). Parts that hash to something
/// else are refused at `/sha256`: sent again, the upload can still complete, unless the store consumed
/// them (S3), in which case the upload is aborted.
pub fn complete(db: &Db, blobs: &BlobStore, seller: &SellerId, id: &str) -> Result<Upload> {
    let (upload, parts) =
        db.read(|c| Ok((uploads::get_for_seller(c, seller.as_str(), id)?, uploads::staged_parts(c, id)?)))?;
    if upload.status == UploadStatus::Completed {
        return Ok(upload);
    }
    check_open(&upload, now())?;
    let missing = upload.plan.missing(&upload.received);
    if !missing.is_empty() {
        let listed: Vec<String> = missing.iter().take(20).map(u64::to_string).collect();
        let more = if missing.len() > 20 { format!(" and {} more", missing.len() - 20) } else { String::new() };
        let (count, parts) = (missing.len(), upload.plan.parts);
        let why =
            format!("{count} of {parts} parts are missing: {}{more}; send them, then complete", listed.join(", "));
        return Err(Refusal::Conflict(why).into());
    }
    // Joining a large file takes a while: outside any transaction (on SQLite, writers would queue
    // behind it). What it placed is recorded below, once the upload is known to be still open.
    let backend = blobs.backend();
    let assembled = db.read(|c| backend.assemble(c, &upload.staged(), &parts, &upload.sha256))?;
    if assembled.sha256 != upload.sha256 || assembled.size != upload.plan.size {
        let mut why = format!("the parts hash to {}, not to the declared SHA-256", assembled.sha256);
        if backend.parts_survive_a_failed_assembly() {
            why.push_str("; send the wrong parts again, then complete");
        } else {
            why.push_str("; the store consumed the parts, so the upload is aborted: start a new one");
            db.write(|c| uploads::end(c, id, UploadStatus::Aborted, Some(&why)))?;
            discard(blobs, &upload);
        }
        return Err(Refusal::Invalid(vec![Violation::error("/sha256", ViolationCode::InvalidValue, why)]).into());
    }
    db.write(|c| -> Result<()> {
        let current = uploads::get_for_seller(c, seller.as_str(), id)?;
        if current.status != UploadStatus::Completed {
            check_open(&current, now())?;
            uploads::finish(c, blobs, &current, assembled)?;
        }
        Ok(())
    })?;
    discard(blobs, &upload);
    get(db, seller, id)
}

/// Deletes an upload: an open one is aborted and its parts removed; a completed one's file is
/// released (its bytes go once nothing else refers to them).
pub fn delete(db: &Db, blobs: &BlobStore, seller: &SellerId, id: &str) -> Result<()> {
    let upload = db.write(|c| {
        let upload = uploads::get_for_seller(c, seller.as_str(), id)?;
        uploads::delete(c, blobs, &upload)?;
        Ok::<_, crate::Error>(upload)
    })?;
    discard(blobs, &upload);
    Ok(())
}

/// Expires open uploads past their time and removes their parts: at most `limit`; returns how many.
pub fn expire_due(db: &Db, blobs: &BlobStore, limit: i64) -> Result<usize> {
    let due = db.read(|c| uploads::expired(c, now(), limit))?;
    for upload in &due {
        db.write(|c| uploads::end(c, &upload.id, UploadStatus::Expired, None))?;
        discard(blobs, upload);
    }
    Ok(due.len())
}

/// Removes an upload's staging after its transaction committed; a failure leaves only unreferenced
/// bytes behind (logged, never an error for the client).
fn discard(blobs: &BlobStore, upload: &Upload) {
    if let Err(e) = blobs.backend().discard_upload(&upload.staged()) {
        log::warn!("upload {}: its staged parts could not be removed: {e}", upload.id);
    }
}
