//! The draft's files: the logo (PNG, exactly 120×120, ≤ 5 MB) and the request templates a customer
//! fills in after purchase (1..5 Excel or Word files, ≤ 10 MB each, whose bytes really are such files).

use std::io::Cursor;

use serde::Serialize;
use utoipa::ToSchema;

use crate::refusal::{Refusal, check_room};
use crate::violation::{Violation, ViolationCode};

/// What a draft's file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// The product logo: one per draft; a new one replaces it.
    Logo,
    /// A request template buyers fill in: up to `MAX_REQUEST_TEMPLATES` per draft.
    RequestTemplate,
}

text_enum!(FileKind "file kind" { Logo => "logo", RequestTemplate => "request_template" });

impl FileKind {
    /// Whether a draft holding `count` files of this kind may take one more (a logo replaces the old one).
    pub fn check_room(self, count: i64) -> Result<(), Refusal> {
        match self {
            FileKind::Logo => Ok(()),
            FileKind::RequestTemplate => check_room("a draft", "request templates", count, MAX_REQUEST_TEMPLATES),
        }
    }
}

pub const LOGO_MAX_BYTES: usize = 5 * 1024 * 1024;
pub const LOGO_PIXELS: u32 = 120;
pub const REQUEST_TEMPLATE_MAX_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_REQUEST_TEMPLATES: i64 = 5;
pub const FILENAME_MAX_CHARS: usize = 200;

/// Memory a logo's decoding may take: a 120×120 image is at most 115 KB decoded (16-bit RGBA).
const LOGO_DECODE_BYTES: usize = 1 << 20;

fn invalid_logo(why: impl std::fmt::Display) -> Violation {
    Violation::error("/logo", ViolationCode::InvalidImage, format!("the logo is not a readable PNG: {why}"))
}

/// Checks that `bytes` are one whole PNG of exactly 120×120 pixels: the header read first (so a large
/// image is refused before any pixel is inflated), then every pixel decoded within a fixed memory
/// bound (zlib and CRCs checked), through IEND, with nothing after it (no PNG+ZIP polyglot).
pub fn check_logo(bytes: &[u8]) -> Result<(), Violation> {
    let end = png_end(bytes).ok_or_else(|| invalid_logo("its chunks do not end with IEND"))?;
    if end != bytes.len() {
        return Err(invalid_logo(format!("{} bytes follow its IEND chunk", bytes.len() - end)));
    }
    let decoder = png::Decoder::new_with_limits(Cursor::new(bytes), png::Limits { bytes: LOGO_DECODE_BYTES });
    let mut reader = decoder.read_info().map_err(invalid_logo)?;
    let info = reader.info();
    if (info.width, info.height) != (LOGO_PIXELS, LOGO_PIXELS) {
        return Err(Violation::error(
            "/logo",
            ViolationCode::ImageDimensions,
            format!("the logo must be exactly {LOGO_PIXELS}×{LOGO_PIXELS} pixels, not {}×{}", info.width, info.height),
        ));
    }
    let size =
        reader.output_buffer_size().filter(|n| *n <= LOGO_DECODE_BYTES).ok_or_else(|| invalid_logo("too large"))?;
    let mut pixels = vec![0; size];
    reader.next_frame(&mut pixels).map_err(invalid_logo)?;
    reader.finish().map_err(invalid_logo)?;
    Ok(())
}

/// Where a PNG's IEND chunk ends, walking its chunk lengths (None when the walk never reaches IEND).
fn png_end(bytes: &[u8]) -> Option<usize> {
    const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    if !bytes.starts_with(&SIGNATURE) {
        return None;
    }
    let mut at = SIGNATURE.len();
    loop {
        let length = u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize;
        let kind = bytes.get(at + 4..at + 8)?;
        let next = at.checked_add(12)?.checked_add(length)?;
        if next > bytes.len() {
            return None;
        }
        if kind == b"IEND" {
            return Some(next);
        }
        at = next;
    }
}

/// The kinds of request template a customer can download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Doc,
    Xls,
    Docx,
    Xlsx,
}

impl DocumentKind {
    pub fn content_type(self) -> &'static str {
        match self {
            DocumentKind::Doc => "application/msword",
            DocumentKind::Xls => "application/vnd.ms-excel",
            DocumentKind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            DocumentKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    fn from_extension(filename: &str) -> Option<DocumentKind> {
        let extension = filename.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match extension.as_str() {
            "doc" => DocumentKind::Doc,
            "xls" => DocumentKind::Xls,
            "docx" => DocumentKind::Docx,
            "xlsx" => DocumentKind::Xlsx,
            _ => return None,
        })
    }
}

const OLE2_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ZIP_LOCAL_HEADER: [u8; 4] = *b"PK\x03\x04";
/// An Office document's parts inflate to at most this much in all, and no part more than
/// `MAX_RATIO` times its compressed size: more is a zip bomb, not an order form.
const MAX_INFLATED_BYTES: u64 = 100 << 20;
const MAX_RATIO: u64 = 200;
const MAX_PARTS: usize = 1000;

/// What the bytes really are, as far as request templates go, or why they are no Office document.
fn sniff(bytes: &[u8]) -> Result<DocumentKind, String> {
    if bytes.starts_with(&OLE2_MAGIC) {
        return sniff_compound(bytes);
    }
    if bytes.starts_with(&ZIP_LOCAL_HEADER) {
        return sniff_ooxml(bytes);
    }
    Err("the file's content is not a Word or Excel document".into())
}

/// A Word 97–2003 or Excel 97–2003 file: a compound file (read by `cfb`, which checks its sector
/// tables) holding the stream its kind needs.
fn sniff_compound(bytes: &[u8]) -> Result<DocumentKind, String> {
    let file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| format!("not a readable compound file: {e}"))?;
    let stream = |name: &str| file.is_stream(name);
    if stream("/WordDocument") {
        Ok(DocumentKind::Doc)
    } else if stream("/Workbook") || stream("/Book") {
        Ok(DocumentKind::Xls)
    } else {
        Err("a compound file without a WordDocument or Workbook stream".into())
    }
}

/// An Office Open XML package: a zip from its first byte (no polyglot prefix), every part name a
/// plain relative path, `[Content_Types].xml` and the main part of its kind present, and every part
/// inflated for real within `MAX_INFLATED_BYTES` and `MAX_RATIO` (never written anywhere).
fn sniff_ooxml(bytes: &[u8]) -> Result<DocumentKind, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a readable zip: {e}"))?;
    if archive.offset() != 0 {
        return Err("the zip does not start at the file's first byte".into());
    }
    if archive.len() > MAX_PARTS {
        return Err(format!("more than {MAX_PARTS} parts"));
    }
    let mut budget = MAX_INFLATED_BYTES;
    let (mut content_types, mut document, mut workbook) = (false, false, false);
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|e| format!("an unreadable part: {e}"))?;
        let name = part.name().map_err(|e| format!("a part name that is not text: {e}"))?.into_owned();
        if !is_safe_part_name(&name) {
            return Err(format!("an unsafe part name `{}`", name.escape_debug()));
        }
        let limit = part.compressed_size().saturating_mul(MAX_RATIO).saturating_add(1024).min(budget);
        let inflated = std::io::copy(&mut std::io::Read::take(&mut part, limit + 1), &mut std::io::sink())
            .map_err(|e| format!("part `{name}` does not inflate: {e}"))?;
        if inflated > limit {
            return Err(format!("part `{name}` inflates beyond {MAX_RATIO}× its size or the package's bound"));
        }
        budget -= inflated;
        content_types |= name == "[Content_Types].xml";
        document |= name == "word/document.xml";
        workbook |= name == "xl/workbook.xml";
    }
    match (content_types, document, workbook) {
        (false, _, _) => Err("no [Content_Types].xml: not an Office document".into()),
        (true, true, false) => Ok(DocumentKind::Docx),
        (true, false, true) => Ok(DocumentKind::Xlsx),
        _ => Err("neither (or both) word/document.xml and xl/workbook.xml".into()),
    }
}

/// A part name that no extractor could resolve outside its folder.
fn is_safe_part_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 512
        && !name.starts_with(['/', '\\'])
        && !name.contains('\\')
        && !name.contains(':')
        && !name.chars().any(char::is_control)
        && name.split('/').all(|segment| segment != ".." && segment != ".")
}

/// The kind of a request template named `filename` with these bytes, when name and bytes agree.
pub fn check_request_template(filename: &str, bytes: &[u8]) -> Result<DocumentKind, Violation> {
    let claimed = DocumentKind::from_extension(filename).ok_or_else(|| {
        Violation::error(
            "/file",
            ViolationCode::UnsupportedFileType,
            "request templates are .xls, .xlsx, .doc or .docx files",
        )
    })?;
    match sniff(bytes) {
        Ok(actual) if actual == claimed => Ok(claimed),
        Ok(actual) => Err(Violation::error(
            "/file",
            ViolationCode::FileContentMismatch,
            format!("the file is named .{claimed:?} but its content is a .{actual:?} file").to_lowercase(),
        )),
        Err(why) => Err(Violation::error("/file", ViolationCode::FileContentMismatch, why)),
    }
}

/// A filename safe to store and to send back: its last path component, without control characters
/// or characters that mean something to shells and headers, at most 200 characters.
pub fn sanitize_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    // Bidirectional controls (U+202E shows `rep\u{202e}gpj.docx` as `repxcod.jpg`) are dropped outright.
    let cleaned: String = base
        .chars()
        .filter(|c| !is_bidi_control(*c))
        .map(|c| if c.is_control() || "\"*:<>?|;`$'".contains(c) { '_' } else { c })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.');
    let mut out: String =
        trimmed.chars().rev().take(FILENAME_MAX_CHARS).collect::<Vec<_>>().into_iter().rev().collect();
    if out.is_empty() {
        out = "file".into();
    }
    out
}

/// The Unicode bidirectional formatting characters (embeddings, overrides, isolates, marks).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// An ASCII stand-in for a filename, for clients that do not read RFC 8187's `filename*`.
pub fn ascii_filename(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    pub fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Grayscale);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&vec![0u8; (width * height) as usize]).unwrap();
        drop(writer);
        out
    }

    pub fn ooxml(main_part: &str) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for name in ["[Content_Types].xml", main_part] {
            zip.start_file(name, options).unwrap();
            zip.write_all(b"<xml/>").unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    }

    /// A real compound file (as Word and Excel 97–2003 write them) holding one stream.
    pub fn ole2(stream: &str) -> Vec<u8> {
        let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        file.create_stream(format!("/{stream}")).unwrap().write_all(b"document body").unwrap();
        file.flush().unwrap();
        file.into_inner().into_inner()
    }

    #[test]
    fn a_120_pixel_square_png_is_a_logo_and_nothing_else_is() {
        assert!(check_logo(&png(120, 120)).is_ok());
        assert_eq!(check_logo(&png(121, 120)).unwrap_err().code, ViolationCode::ImageDimensions);
        assert_eq!(check_logo(b"GIF89a...").unwrap_err().code, ViolationCode::InvalidImage);
        assert_eq!(check_logo(&png(120, 120)[..20]).unwrap_err().code, ViolationCode::InvalidImage);
    }

    #[test]
    fn office_files_are_recognised_by_their_bytes() {
        assert_eq!(check_request_template("form.docx", &ooxml("word/document.xml")), Ok(DocumentKind::Docx));
        assert_eq!(check_request_template("Form.XLSX", &ooxml("xl/workbook.xml")), Ok(DocumentKind::Xlsx));
        assert_eq!(check_request_template("form.doc", &ole2("WordDocument")), Ok(DocumentKind::Doc));
        assert_eq!(check_request_template("form.xls", &ole2("Workbook")), Ok(DocumentKind::Xls));
    }

    #[test]
    fn renamed_or_foreign_files_are_refused() {
        let code = |name: &str, bytes: &[u8]| check_request_template(name, bytes).unwrap_err().code;
        assert_eq!(code("form.docx", &ooxml("content.txt")), ViolationCode::FileContentMismatch);
        assert_eq!(code("form.docx", &ooxml("xl/workbook.xml")), ViolationCode::FileContentMismatch);
        assert_eq!(code("form.xls", &ole2("WordDocument")), ViolationCode::FileContentMismatch);
        assert_eq!(code("form.doc", b"MZ\x90\x00 an executable"), ViolationCode::FileContentMismatch);
        assert_eq!(code("form.docx", b"%PDF-1.7"), ViolationCode::FileContentMismatch);
        assert_eq!(code("form.pdf", b"%PDF-1.7"), ViolationCode::UnsupportedFileType);
        assert_eq!(code("noextension", b""), ViolationCode::UnsupportedFileType);
    }

    #[test]
    fn a_png_that_only_looks_like_one_is_refused() {
        let good = png(120, 120);
        let mut trailing = good.clone();
        trailing.extend_from_slice(&ooxml("word/document.xml"));
        assert_eq!(check_logo(&trailing).unwrap_err().code, ViolationCode::InvalidImage, "a PNG+ZIP polyglot");
        let without_iend = &good[..good.len() - 12];
        assert_eq!(check_logo(without_iend).unwrap_err().code, ViolationCode::InvalidImage, "no IEND");
        let mut corrupt = good.clone();
        let idat = corrupt.windows(4).position(|w| w == b"IDAT").unwrap();
        corrupt[idat + 6] ^= 0xFF;
        assert_eq!(check_logo(&corrupt).unwrap_err().code, ViolationCode::InvalidImage, "IDAT that is not zlib");
        assert_eq!(check_logo(&png(20_000, 20_000)[..]).unwrap_err().code, ViolationCode::ImageDimensions);
    }

    #[test]
    fn zip_bombs_unsafe_names_polyglots_and_fake_compound_files_are_refused() {
        let code = |name: &str, bytes: &[u8]| check_request_template(name, bytes).unwrap_err().code;
        // A part of zeros deflated ~1000:1.
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for name in ["[Content_Types].xml", "word/document.xml"] {
            zip.start_file(name, deflated).unwrap();
            zip.write_all(b"<xml/>").unwrap();
        }
        zip.start_file("word/media/zeros.bin", deflated).unwrap();
        zip.write_all(&vec![0u8; 4 << 20]).unwrap();
        zip.finish().unwrap();
        assert_eq!(code("bomb.docx", &out.into_inner()), ViolationCode::FileContentMismatch);
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for name in ["[Content_Types].xml", "word/document.xml", "../../evil.sh"] {
            zip.start_file(name, stored).unwrap();
            zip.write_all(b"<xml/>").unwrap();
        }
        zip.finish().unwrap();
        assert_eq!(code("traversal.docx", &out.into_inner()), ViolationCode::FileContentMismatch);
        let mut polyglot = b"<html><script>alert(1)</script></html>".to_vec();
        polyglot.extend(ooxml("word/document.xml"));
        assert_eq!(code("page.docx", &polyglot), ViolationCode::FileContentMismatch);
        let mut header_only = OLE2_MAGIC.to_vec();
        header_only.extend(vec![0u8; 49]);
        assert_eq!(code("form.doc", &header_only), ViolationCode::FileContentMismatch);
    }

    #[test]
    fn filenames_are_sanitised() {
        assert_eq!(sanitize_filename("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_filename("C:\\Users\\me\\Order form.docx"), "Order form.docx");
        assert_eq!(sanitize_filename("a\"b;c\r\n.doc"), "a_b_c__.doc");
        assert_eq!(sanitize_filename(".hidden.xls"), "hidden.xls");
        assert_eq!(sanitize_filename(""), "file");
        assert_eq!(sanitize_filename("rep\u{202e}gpj.docx"), "repgpj.docx", "a right-to-left override is dropped");
        assert_eq!(ascii_filename("Bestellformular für Kunden.docx"), "Bestellformular f_r Kunden.docx");
        assert!(sanitize_filename(&format!("{}.docx", "x".repeat(500))).ends_with(".docx"));
    }
}
