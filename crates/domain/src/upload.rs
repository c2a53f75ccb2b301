//! Resumable uploads (api.md "Files"): a file declared by size and SHA-256, sent in numbered parts in
//! any order, each retried safely, then completed (size and hash checked) or aborted. The parts follow
//! S3's multipart rules so that on S3 they are S3's own parts: every part but the last exactly
//! `part_size` bytes, at least 5 MiB, at most 64 MiB, at most 10,000 parts.

use std::ops::Range;

use crate::violation::{Violation, ViolationCode};

/// The part size Shelf asks for: small enough that a part in flight costs little memory, large enough
/// for S3 (at least 5 MiB) and for few round trips.
pub const PART_SIZE: u64 = 8 << 20;
/// S3's bounds on a part and on the number of parts.
pub const MIN_PART_SIZE: u64 = 5 << 20;
pub const MAX_PART_SIZE: u64 = 64 << 20;
pub const MAX_PARTS: u64 = 10_000;
/// An unfinished upload expires (and its parts are removed) this long after it was created.
pub const EXPIRES_AFTER_HOURS: i64 = 24;

/// Where an upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UploadStatus {
    /// Taking parts.
    Open,
    /// Complete: its bytes are a stored file of the declared size and SHA-256.
    Completed,
    Aborted,
    /// Not completed within `EXPIRES_AFTER_HOURS`; its parts are gone.
    Expired,
}

text_enum!(UploadStatus "upload status" {
    Open => "open",
    Completed => "completed",
    Aborted => "aborted",
    Expired => "expired",
});

/// How a file of `size` bytes is cut into parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadPlan {
    pub size: u64,
    pub part_size: u64,
    pub parts: u64,
}

/// The plan for a declared `size` (1..=`max_size` bytes; pointer `/size`): `PART_SIZE` parts, or larger
/// ones (whole MiB) when that would take more than `MAX_PARTS`.
pub fn plan(size: u64, max_size: u64) -> Result<UploadPlan, Violation> {
    if size == 0 {
        return Err(Violation::error("/size", ViolationCode::OutOfRange, "an upload has at least one byte"));
    }
    if size > max_size {
        return Err(Violation::error(
            "/size",
            ViolationCode::OutOfRange,
            format!("an upload is at most {max_size} bytes"),
        ));
    }
    let mib = 1 << 20;
    let part_size = PART_SIZE.max(size.div_ceil(MAX_PARTS).div_ceil(mib) * mib);
    if part_size > MAX_PART_SIZE {
        let most = MAX_PART_SIZE * MAX_PARTS;
        return Err(Violation::error("/size", ViolationCode::OutOfRange, format!("an upload is at most {most} bytes")));
    }
    Ok(UploadPlan { size, part_size, parts: size.div_ceil(part_size) })
}

impl UploadPlan {
    /// The bytes of part `number` (1-based), if there is such a part.
    pub fn range_of(&self, number: u64) -> Option<Range<u64>> {
        if !(1..=self.parts).contains(&number) {
            return None;
        }
        let start = (number - 1) * self.part_size;
        Some(start..(start + self.part_size).min(self.size))
    }

    /// Whether `len` bytes are part `number` (parameter `number`, else the body), and, when the client
    /// sent a `Content-Range`, whether it names that part's bytes.
    pub fn check_part(&self, number: u64, len: u64, content_range: Option<&str>) -> Result<Range<u64>, Violation> {
        let range = self.range_of(number).ok_or_else(|| {
            Violation::error("number", ViolationCode::OutOfRange, format!("parts are numbered 1..{}", self.parts))
        })?;
        let expected = range.end - range.start;
        if len != expected {
            return Err(Violation::error(
                "",
                ViolationCode::InvalidValue,
                format!(
                    "part {number} is {expected} bytes (bytes {}..{} of {}); this body is {len}",
                    range.start, range.end, self.size
                ),
            ));
        }
        if let Some(header) = content_range {
            let wanted = format!("bytes {}-{}/{}", range.start, range.end - 1, self.size);
            if header.trim() != wanted {
                return Err(Violation::error(
                    "Content-Range",
                    ViolationCode::InvalidValue,
                    format!("part {number} is `{wanted}`"),
                ));
            }
        }
        Ok(range)
    }

    /// The parts not among `received` (sorted, for the client to send next).
    pub fn missing(&self, received: &[u64]) -> Vec<u64> {
        let mut have = received.to_vec();
        have.sort_unstable();
        (1..=self.parts).filter(|n| have.binary_search(n).is_err()).collect()
    }
}

/// The most uploads a seller may have open at once.
pub const MAX_OPEN_UPLOADS: i64 = 20;
pub const MEDIA_TYPE_MAX_CHARS: usize = 100;

/// A file declared for upload, checked: its stored name and its plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub filename: String,
    pub media_type: String,
    pub plan: UploadPlan,
}

/// Checks what a client declares before sending a file (pointers into the request body): a
/// `type/subtype` media type, a SHA-256, a size the store takes. The filename is made safe to store.
pub fn declare(
    filename: &str,
    media_type: &str,
    size: u64,
    sha256: &str,
    max_size: u64,
) -> Result<Declared, Vec<Violation>> {
    let mut errors = Vec::new();
    let token = |t: &str| {
        !t.is_empty() && t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$&^_.+-".contains(&b))
    };
    let media_ok = media_type.len() <= MEDIA_TYPE_MAX_CHARS
        && media_type.split_once('/').is_some_and(|(kind, sub)| token(kind) && token(sub));
    if !media_ok {
        errors.push(Violation::error(
            "/media_type",
            ViolationCode::InvalidFormat,
            "a lowercase media type such as application/zip",
        ));
    }
    if !is_sha256_hex(sha256) {
        errors.push(Violation::error("/sha256", ViolationCode::InvalidFormat, "64 lowercase hex digits"));
    }
    if filename.trim().is_empty() {
        errors.push(Violation::required("/filename"));
    }
    let plan = plan(size, max_size).map_err(|v| errors.push(v)).ok();
    match plan {
        Some(plan) if errors.is_empty() => Ok(Declared {
            filename: crate::files::sanitize_filename(filename),
            media_type: media_type.to_owned(),
            plan,
        }),
        _ => Err(errors),
    }
}

/// A SHA-256 as the API writes it: 64 lowercase hex digits.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const GIB: u64 = 1 << 30;

    #[test]
    fn packages_are_cut_into_parts_s3_accepts() {
        assert_eq!(plan(2 * GIB, 20 * GIB).unwrap(), UploadPlan { size: 2 * GIB, part_size: PART_SIZE, parts: 256 });
        let big = plan(20 * GIB, 20 * GIB).unwrap();
        assert_eq!((big.part_size, big.parts), (PART_SIZE, 2560));
        let small = plan(10, 20 * GIB).unwrap();
        assert_eq!((small.parts, small.range_of(1)), (1, Some(0..10)));
        let huge = plan(200 * GIB, 1000 * GIB).unwrap();
        assert!(huge.parts <= MAX_PARTS && huge.part_size <= MAX_PART_SIZE && huge.part_size >= MIN_PART_SIZE);
        assert_eq!(plan(0, GIB).unwrap_err().pointer, "/size");
        assert_eq!(plan(GIB + 1, GIB).unwrap_err().pointer, "/size");
        assert!(plan(700 * GIB, 1000 * GIB).is_err(), "beyond 10,000 parts of 64 MiB");
    }

    #[test]
    fn a_part_is_its_exact_bytes_and_the_range_it_claims() {
        let p = plan(PART_SIZE * 2 + 100, 20 * GIB).unwrap();
        assert_eq!(p.check_part(3, 100, None).unwrap(), PART_SIZE * 2..PART_SIZE * 2 + 100);
        assert_eq!(p.check_part(4, 100, None).unwrap_err().pointer, "number");
        assert_eq!(p.check_part(0, 100, None).unwrap_err().pointer, "number");
        assert_eq!(p.check_part(1, 100, None).unwrap_err().pointer, "");
        let header = format!("bytes 0-{}/{}", PART_SIZE - 1, p.size);
        assert!(p.check_part(1, PART_SIZE, Some(&header)).is_ok());
        assert_eq!(p.check_part(2, PART_SIZE, Some(&header)).unwrap_err().pointer, "Content-Range");
        assert_eq!(p.missing(&[3, 1]), [2]);
    }

    proptest! {
        #[test]
        fn the_parts_cover_the_file_once_in_order(size in 1u64..(3 * GIB)) {
            let p = plan(size, 20 * GIB).unwrap();
            let mut next = 0;
            for n in 1..=p.parts {
                let r = p.range_of(n).unwrap();
                prop_assert_eq!(r.start, next);
                prop_assert!(r.end > r.start);
                prop_assert!(n == p.parts || r.end - r.start >= MIN_PART_SIZE);
                next = r.end;
            }
            prop_assert_eq!(next, size);
            prop_assert!(p.range_of(p.parts + 1).is_none());
        }
    }

    #[test]
    fn a_declaration_names_every_broken_field() {
        let sha = "ab".repeat(32);
        let ok = declare("../App 1.0.tar.gz", "application/gzip", GIB, &sha, 20 * GIB).unwrap();
        assert_eq!((ok.filename.as_str(), ok.plan.parts), ("App 1.0.tar.gz", 128));
        let errors = declare(" ", "Application/GZIP", 0, "xyz", GIB).unwrap_err();
        let pointers: Vec<&str> = errors.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(pointers, ["/media_type", "/sha256", "/filename", "/size"]);
        assert_eq!(declare("a.zip", "application/zip", GIB + 1, &sha, GIB).unwrap_err()[0].pointer, "/size");
    }

    #[test]
    fn hashes_are_lowercase_hex_of_64_digits() {
        assert!(is_sha256_hex(&"ab".repeat(32)));
        assert!(!is_sha256_hex(&"AB".repeat(32)) && !is_sha256_hex("abc") && !is_sha256_hex(&"g".repeat(64)));
    }
}
