//! Resumable uploads: open one, send its parts in any order (each retried safely), complete it (size
//! and SHA-256 checked) or delete it; unfinished uploads expire. Staging that a transaction leaves
//! behind (parts of a completed, aborted or expired upload) is removed once it has committed.

use chrono::{DateTime, Duration, Utc};
use shelf_domain::refusal::check_account_room;
use shelf_domain::upload::{EXPIRES_AFTER_HOURS, MAX_OPEN_UPLOADS, UploadStatus, declare};
use shelf_domain::{Refusal, SellerId, Violation, ViolationCode};
use shelf_persistence::blobs::BlobStore;
use shelf_persistence::uploads::{self, Joined, NewUpload, Upload};
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
    bytes: &[u8],
    content_range: Option<&str>,
) -> Result<String> {
    use sha2::Digest;
    let sha256: String = sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    db.write(|c| {
        let upload = uploads::get_for_seller(c, seller.as_str(), id)?;
        check_open(&upload, now())?;
        upload.plan.check_part(number, bytes.len() as u64, content_range).map_err(|v| Refusal::Invalid(vec![v]))?;
        uploads::put_part(c, blobs, &upload, number, &sha256, bytes)?;
        Ok(sha256.clone())
    })
}

/// Completes an upload: every part received, joined, its size and SHA-256 the declared ones. A
/// completed upload is answered as it is (completing is safe to retry). Parts that hash to something
/// else are refused at `/sha256`: sent again, the upload can still complete, unless the store consumed
/// them (S3), in which case the upload is aborted.
pub fn complete(db: &Db, blobs: &BlobStore, seller: &SellerId, id: &str) -> Result<Upload> {
    let joined = db.write(|c| -> Result<(Upload, Option<Joined>)> {
        let upload = uploads::get_for_seller(c, seller.as_str(), id)?;
        if upload.status == UploadStatus::Completed {
            return Ok((upload, None));
        }
        check_open(&upload, now())?;
        let missing = upload.plan.missing(&upload.received);
        if !missing.is_empty() {
            let listed: Vec<String> = missing.iter().take(20).map(u64::to_string).collect();
            let more = if missing.len() > 20 { format!(" and {} more", missing.len() - 20) } else { String::new() };
            let why = format!(
                "{} of {} parts are missing: {}{more}; send them, then complete",
                missing.len(),
                upload.plan.parts,
                listed.join(", ")
            );
            return Err(Refusal::Conflict(why).into());
        }
        let joined = uploads::complete(c, blobs, &upload)?;
        Ok((upload, Some(joined)))
    })?;
    match joined {
        (upload, None) => Ok(upload),
        (upload, Some(Joined::Stored)) => {
            discard(blobs, &upload);
            get(db, seller, id)
        }
        (upload, Some(Joined::Mismatch { sha256, resumable })) => {
            let mut why = format!("the parts hash to {sha256}, not to the declared SHA-256");
            if resumable {
                why.push_str("; send the wrong parts again, then complete");
            } else {
                why.push_str("; the store consumed the parts, so the upload is aborted: start a new one");
                db.write(|c| uploads::end(c, id, UploadStatus::Aborted, Some(&why)))?;
                discard(blobs, &upload);
            }
            Err(Refusal::Invalid(vec![Violation::error("/sha256", ViolationCode::InvalidValue, why)]).into())
        }
    }
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
