//! The draft's files: the logo (PNG, exactly 120×120, ≤ 5 MB) and the request templates a customer
//! fills in after purchase (1..5 Excel or Word files, ≤ 10 MB each, whose bytes really are such files).

use std::io::Cursor;

use serde::Serialize;
use utoipa::ToSchema;

use crate::violation::{Violation, ViolationCode};

pub const LOGO_MAX_BYTES: usize = 5 * 1024 * 1024;
pub const LOGO_PIXELS: u32 = 120;
pub const REQUEST_TEMPLATE_MAX_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_REQUEST_TEMPLATES: usize = 5;
pub const FILENAME_MAX_CHARS: usize = 200;

/// Checks that `bytes` are a PNG of exactly 120×120 pixels (by decoding its header).
pub fn check_logo(bytes: &[u8]) -> Result<(), Violation> {
    let decoder = png::Decoder::new(Cursor::new(bytes));
    let reader = decoder.read_info().map_err(|e| {
        Violation::error("/logo", ViolationCode::InvalidImage, format!("the logo is not a readable PNG: {e}"))
    })?;
    let info = reader.info();
    if (info.width, info.height) != (LOGO_PIXELS, LOGO_PIXELS) {
        return Err(Violation::error(
            "/logo",
            ViolationCode::ImageDimensions,
            format!("the logo must be exactly {LOGO_PIXELS}×{LOGO_PIXELS} pixels, not {}×{}", info.width, info.height),
        ));
    }
    Ok(())
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

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// What the bytes really are, as far as request templates go.
fn sniff(bytes: &[u8]) -> Option<DocumentKind> {
    if bytes.starts_with(&OLE2_MAGIC) {
        // A compound file names its streams in UTF-16: Word keeps "WordDocument", Excel "Workbook" (or "Book").
        if contains(bytes, &utf16le("WordDocument")) {
            return Some(DocumentKind::Doc);
        }
        if contains(bytes, &utf16le("Workbook")) || contains(bytes, &utf16le("Book")) {
            return Some(DocumentKind::Xls);
        }
        return None;
    }
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let has = |name: &str| archive.file_names().any(|n| n.is_ok_and(|n| n == name));
    if !has("[Content_Types].xml") {
        return None;
    }
    if has("word/document.xml") {
        Some(DocumentKind::Docx)
    } else if has("xl/workbook.xml") {
        Some(DocumentKind::Xlsx)
    } else {
        None
    }
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
        Some(actual) if actual == claimed => Ok(claimed),
        Some(actual) => Err(Violation::error(
            "/file",
            ViolationCode::FileContentMismatch,
            format!("the file is named .{claimed:?} but its content is a .{actual:?} file").to_lowercase(),
        )),
        None => Err(Violation::error(
            "/file",
            ViolationCode::FileContentMismatch,
            "the file's content is not a Word or Excel document",
        )),
    }
}

/// A filename safe to store and to send back: its last path component, without control characters
/// or characters that mean something to shells and headers, at most 200 characters.
pub fn sanitize_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String =
        base.chars().map(|c| if c.is_control() || "\"*:<>?|;`$'".contains(c) { '_' } else { c }).collect();
    let trimmed = cleaned.trim().trim_start_matches('.');
    let mut out: String =
        trimmed.chars().rev().take(FILENAME_MAX_CHARS).collect::<Vec<_>>().into_iter().rev().collect();
    if out.is_empty() {
        out = "file".into();
    }
    out
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

    pub fn ole2(stream: &str) -> Vec<u8> {
        let mut bytes = OLE2_MAGIC.to_vec();
        bytes.extend(vec![0u8; 504]);
        bytes.extend(utf16le(stream));
        bytes
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
    fn filenames_are_sanitised() {
        assert_eq!(sanitize_filename("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_filename("C:\\Users\\me\\Order form.docx"), "Order form.docx");
        assert_eq!(sanitize_filename("a\"b;c\r\n.doc"), "a_b_c__.doc");
        assert_eq!(sanitize_filename(".hidden.xls"), "hidden.xls");
        assert_eq!(sanitize_filename(""), "file");
        assert!(sanitize_filename(&format!("{}.docx", "x".repeat(500))).ends_with(".docx"));
    }
}
