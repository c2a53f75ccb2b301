//! Software packages (domain.md "Assets"): `.zip`, `.tar` or `.tar.gz`, at most 20 GB, whose bytes are
//! what the name says. The check reads the archive's listing, never extracts it: magic bytes, a
//! listing of at most `MAX_ENTRIES` entries, and every entry name (and link target) a plain relative
//! path. It reads from any `Read + Seek` source, so a 20 GB package is checked from its file without
//! holding it in memory (a gzip stream is read through once; a zip's listing is its central directory;
//! a tar's headers are read by seeking past each entry's data).

use std::io::{Read, Seek, SeekFrom};

use crate::violation::{Violation, ViolationCode};

/// The largest package, in bytes.
pub const MAX_PACKAGE_BYTES: u64 = 20 << 30;
/// The most entries a package's listing may have.
pub const MAX_ENTRIES: u64 = 100_000;

/// What a package is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PackageFormat {
    Zip,
    Tar,
    TarGz,
}

text_enum!(PackageFormat "package format" { Zip => "zip", Tar => "tar", TarGz => "tar.gz" });

impl PackageFormat {
    /// The format a file name claims: `.zip`, `.tar`, `.tar.gz` or `.tgz` (any case).
    pub fn from_filename(filename: &str) -> Option<PackageFormat> {
        let lower = filename.to_ascii_lowercase();
        if lower.ends_with(".tar.gz") || lower.ends_with(".tgz") {
            Some(PackageFormat::TarGz)
        } else if lower.ends_with(".tar") {
            Some(PackageFormat::Tar)
        } else if lower.ends_with(".zip") {
            Some(PackageFormat::Zip)
        } else {
            None
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            PackageFormat::Zip => "application/zip",
            PackageFormat::Tar => "application/x-tar",
            PackageFormat::TarGz => "application/gzip",
        }
    }
}

/// What the check read of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub format: PackageFormat,
    pub entries: u64,
    /// The sizes its listing declares for its files, added up (never inflated to find out).
    pub declared_bytes: u64,
}

fn refused(why: impl std::fmt::Display) -> Violation {
    Violation::error("/filename", ViolationCode::InvalidValue, format!("not a valid package: {why}"))
}

/// Checks that the bytes of `source` are the package `filename` says, by its listing. Pointers name
/// `/filename` (the claim the bytes broke).
pub fn check_package<R: Read + Seek>(filename: &str, mut source: R) -> Result<Listing, Violation> {
    let format = format_of(filename)?;
    let size = source.seek(SeekFrom::End(0)).map_err(refused)?;
    if size > MAX_PACKAGE_BYTES {
        return Err(Violation::error("/size", ViolationCode::TooLong, "a package is at most 20 GB"));
    }
    source.seek(SeekFrom::Start(0)).map_err(refused)?;
    let mut magic = [0u8; 512];
    let read = read_up_to(&mut source, &mut magic).map_err(refused)?;
    let magic = &magic[..read];
    source.seek(SeekFrom::Start(0)).map_err(refused)?;
    check_magic(format, magic)?;
    match format {
        PackageFormat::Zip => list_zip(source),
        // A plain tar's data is seeked past; a gzip stream can only be read through.
        PackageFormat::Tar => {
            let mut archive = tar::Archive::new(source);
            let entries = archive.entries_with_seek().map_err(|e| refused(format!("an unreadable tar: {e}")))?;
            list_tar(entries, format)
        }
        PackageFormat::TarGz => {
            let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(source));
            let entries = archive.entries().map_err(|e| refused(format!("an unreadable tar: {e}")))?;
            list_tar(entries, format)
        }
    }
}

/// The format `filename` claims, when `first_bytes` (the file's first 512, or all of a smaller
/// one) start the way that format does: a cheap check before the listing's.
pub fn claimed_format(filename: &str, first_bytes: &[u8]) -> Result<PackageFormat, Violation> {
    let format = format_of(filename)?;
    check_magic(format, first_bytes)?;
    Ok(format)
}

fn format_of(filename: &str) -> Result<PackageFormat, Violation> {
    PackageFormat::from_filename(filename).ok_or_else(|| {
        Violation::error("/filename", ViolationCode::InvalidValue, "a package is a .zip, .tar or .tar.gz file")
    })
}

fn check_magic(format: PackageFormat, magic: &[u8]) -> Result<(), Violation> {
    let matches = match format {
        PackageFormat::Zip => magic.starts_with(b"PK\x03\x04") || magic.starts_with(b"PK\x05\x06"),
        PackageFormat::Tar => is_tar_header(magic),
        PackageFormat::TarGz => magic.starts_with(&[0x1f, 0x8b, 0x08]),
    };
    if matches { Ok(()) } else { Err(refused(format!("its bytes are not a {format} archive"))) }
}

fn read_up_to(source: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match source.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// A POSIX (`ustar`) or GNU tar header: the magic at offset 257.
fn is_tar_header(block: &[u8]) -> bool {
    block.len() >= 263 && &block[257..262] == b"ustar"
}

fn list_zip<R: Read + Seek>(source: R) -> Result<Listing, Violation> {
    let mut archive = zip::ZipArchive::new(source).map_err(|e| refused(format!("an unreadable zip: {e}")))?;
    if archive.offset() != 0 {
        return Err(refused("the zip does not start at the file's first byte"));
    }
    let entries = archive.len() as u64;
    if entries > MAX_ENTRIES {
        return Err(refused(format!("more than {MAX_ENTRIES} entries")));
    }
    let mut declared_bytes = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| refused(format!("an unreadable entry: {e}")))?;
        let name = entry.name().map_err(|e| refused(format!("an entry name that is not text: {e}")))?;
        check_entry_name(&name)?;
        declared_bytes = declared_bytes.saturating_add(entry.size());
    }
    Ok(Listing { format: PackageFormat::Zip, entries, declared_bytes })
}

fn list_tar<'a, R: Read + 'a>(
    listing: impl Iterator<Item = std::io::Result<tar::Entry<'a, R>>>,
    format: PackageFormat,
) -> Result<Listing, Violation> {
    let (mut entries, mut declared_bytes) = (0u64, 0u64);
    for entry in listing {
        let entry = entry.map_err(|e| refused(format!("an unreadable tar entry: {e}")))?;
        entries += 1;
        if entries > MAX_ENTRIES {
            return Err(refused(format!("more than {MAX_ENTRIES} entries")));
        }
        let name = String::from_utf8(entry.path_bytes().into_owned())
            .map_err(|_| refused("an entry name that is not UTF-8"))?;
        check_entry_name(name.trim_end_matches('/'))?;
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            let target = entry
                .link_name_bytes()
                .map(|t| String::from_utf8_lossy(&t).into_owned())
                .ok_or_else(|| refused(format!("link `{name}` without a target")))?;
            check_entry_name(&target).map_err(|_| refused(format!("link `{name}` points outside the package")))?;
        } else if !(kind.is_file()
            || kind.is_dir()
            || kind.is_pax_global_extensions()
            || kind.is_pax_local_extensions())
        {
            return Err(refused(format!("entry `{name}` is a device, a fifo or another special file")));
        }
        declared_bytes = declared_bytes.saturating_add(entry.size());
    }
    if entries == 0 {
        return Err(refused("an empty archive"));
    }
    Ok(Listing { format, entries, declared_bytes })
}

/// An entry name that no extractor could resolve outside its folder.
fn check_entry_name(name: &str) -> Result<(), Violation> {
    let safe = !name.is_empty()
        && name.len() <= 1024
        && !name.starts_with(['/', '\\'])
        && !name.contains('\\')
        && !name.contains(':')
        && !name.chars().any(char::is_control)
        && name.split('/').all(|segment| segment != "..");
    if safe { Ok(()) } else { Err(refused(format!("an unsafe entry name `{}`", name.escape_debug()))) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    fn zip_of(names: &[&str]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for name in names {
            zip.start_file(*name, options).unwrap();
            zip.write_all(b"hello").unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    }

    fn tar_of(names: &[&str]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for name in names {
            let mut header = tar::Header::new_ustar();
            header.set_size(5);
            header.set_mode(0o644);
            // `set_path` refuses `..`; a hostile archive would not: write the name bytes directly.
            header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
            header.set_cksum();
            builder.append(&header, &b"hello"[..]).unwrap();
        }
        builder.into_inner().unwrap()
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn check(filename: &str, bytes: Vec<u8>) -> Result<Listing, Violation> {
        check_package(filename, Cursor::new(bytes))
    }

    #[test]
    fn each_format_is_listed_without_extracting() {
        let listing = check("app.zip", zip_of(&["bin/app", "README.md"])).unwrap();
        assert_eq!((listing.format, listing.entries, listing.declared_bytes), (PackageFormat::Zip, 2, 10));
        let listing = check("app.tar", tar_of(&["bin/app", "etc/app.conf", "README"])).unwrap();
        assert_eq!((listing.format, listing.entries), (PackageFormat::Tar, 3));
        let listing = check("App-1.0.TGZ", gzip(&tar_of(&["bin/app"]))).unwrap();
        assert_eq!((listing.format, listing.entries), (PackageFormat::TarGz, 1));
    }

    #[test]
    fn bytes_that_are_not_what_the_name_says_are_refused() {
        for (name, bytes) in [
            ("app.zip", tar_of(&["a"])),
            ("app.tar", zip_of(&["a"])),
            ("app.tar.gz", tar_of(&["a"])),
            ("app.tar", b"MZ\x90\x00 not a tar".to_vec()),
            ("app.zip", Vec::new()),
        ] {
            let v = check(name, bytes).unwrap_err();
            assert_eq!((v.pointer.as_str(), v.code), ("/filename", ViolationCode::InvalidValue), "{name}");
        }
        assert!(check("app.exe", zip_of(&["a"])).is_err());
    }

    #[test]
    fn entry_names_that_escape_their_folder_are_refused() {
        for bad in ["../etc/passwd", "/etc/passwd", "a/../../b", "C:evil", "a\\b"] {
            assert!(check("x.zip", zip_of(&[bad])).is_err(), "zip {bad}");
            assert!(check("x.tar", tar_of(&[bad])).is_err(), "tar {bad}");
        }
        assert!(check("x.tar", tar_of(&["./ok/file", "ok/../still-inside-is-refused"])).is_err());
    }

    #[test]
    fn a_link_out_of_the_package_or_a_device_is_refused() {
        let mut builder = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::Symlink);
        header.set_size(0);
        builder.append_link(&mut header, "passwd", "/etc/passwd").unwrap();
        let v = check("x.tar", builder.into_inner().unwrap()).unwrap_err();
        assert!(v.message.contains("points outside"), "{}", v.message);
        let mut builder = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::Char);
        header.set_size(0);
        header.set_path("dev/null").unwrap();
        header.set_cksum();
        builder.append(&header, &[][..]).unwrap();
        assert!(check("x.tar", builder.into_inner().unwrap()).unwrap_err().message.contains("special file"));
    }

    #[test]
    fn a_zip_with_a_prefix_is_refused() {
        let mut prefixed = b"#!/bin/sh\nexit 0\n".to_vec();
        prefixed.extend(zip_of(&["a"]));
        assert!(check("x.zip", prefixed).is_err());
    }

    #[test]
    fn formats_come_from_names_and_round_trip_as_text() {
        assert_eq!(PackageFormat::from_filename("a.TAR.GZ"), Some(PackageFormat::TarGz));
        assert_eq!(PackageFormat::from_filename("a.tar.bz2"), None);
        for f in PackageFormat::ALL {
            assert_eq!(f.as_str().parse::<PackageFormat>(), Ok(f));
        }
    }
}
