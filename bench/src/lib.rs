//! Realistic listed products for the benchmarks: names and summaries from a vocabulary, one to
//! three specifications, several SKUs, and all three price models (flat, linear, tiered).

use std::collections::BTreeMap;

pub mod client;

use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::{Value, json};
use shelf_domain::DraftContent;
use shelf_domain::application::{Snapshot, SnapshotFile};

const TOPICS: &[&str] = &[
    "Kafka",
    "PostgreSQL",
    "MySQL",
    "Oracle",
    "Redis",
    "MongoDB",
    "Elasticsearch",
    "Kubernetes",
    "Hadoop",
    "Spark",
    "SAP",
    "Data Lake",
    "ERP",
    "CRM",
    "Mainframe",
    "Windows Server",
    "Linux",
    "VMware",
    "OpenStack",
    "Terraform",
    "CI/CD",
    "DevOps",
    "Zero Trust",
    "Firewall",
    "SIEM",
    "Backup",
    "Disaster Recovery",
    "CDN",
    "Video",
    "IoT",
    "Edge",
    "AI",
    "Machine Learning",
    "Data Warehouse",
    "BI",
    "ETL",
    "API Gateway",
    "Microservices",
    "Serverless",
    "Identity",
    "Email",
    "Call Center",
    "E-commerce",
    "Payments",
    "GIS",
    "Blockchain",
    "HPC",
    "Storage",
];
const SERVICES: &[&str] = &[
    "Migration",
    "Deployment",
    "Consulting",
    "Assessment",
    "Optimization",
    "Managed Operations",
    "Training",
    "Security Hardening",
    "Health Check",
    "Integration",
    "Upgrade",
    "Architecture Design",
    "Support",
];
const VENDORS: &[&str] = &[
    "Acme",
    "Northwind",
    "Contoso",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Stark",
    "Wayne",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Aperture",
    "Wonka",
    "Gringotts",
    "Oscorp",
    "Pied Piper",
    "Dunder",
    "Monarch",
];
const PROMISES: &[&str] = &[
    "with zero data loss",
    "in days, not months",
    "by certified engineers",
    "with a fixed price",
    "with round-the-clock support",
    "on any cloud",
    "without downtime",
    "with a written guarantee",
];

/// A 120×120 PNG logo and a minimal .docx request template, shared by every seeded product.
pub fn files() -> Vec<(SnapshotFile, Vec<u8>)> {
    let mut logo = Vec::new();
    let mut encoder = png::Encoder::new(&mut logo, 120, 120);
    encoder.set_color(png::ColorType::Grayscale);
    let mut writer = encoder.write_header().expect("png header");
    writer.write_image_data(&[0x80; 120 * 120]).expect("png data");
    drop(writer);
    let mut docx = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut docx);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for name in ["[Content_Types].xml", "word/document.xml"] {
        zip.start_file(name, options).expect("zip entry");
        std::io::Write::write_all(&mut zip, b"<xml/>").expect("zip write");
    }
    zip.finish().expect("zip");
    let docx = docx.into_inner();
    [("logo", "logo.png", "image/png", logo), ("request_template", "requirements.docx", DOCX, docx)]
        .into_iter()
        .map(|(kind, filename, content_type, bytes)| {
            let file = SnapshotFile {
                kind: kind.into(),
                filename: filename.into(),
                content_type: content_type.into(),
                size: bytes.len() as i64,
                sha256: sha256_hex(&bytes),
            };
            (file, bytes)
        })
        .collect()
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// One specification of each price model; a product takes one to three of them.
fn specification(rng: &mut impl Rng, model: usize) -> Value {
    let base = rng.random_range(50..500) * 100;
    match model {
        // Linear, one-time, per person-day, by edition.
        0 => json!({
            "key": "delivery", "name": "Delivery", "billing_mode": "one_time", "pricing": "custom",
            "attributes": [
                {"code": "edition", "name": "Edition", "type": "enumeration", "values": ["basic", "standard", "enterprise"]},
                {"code": "person_days", "name": "Person-days", "type": "quantity", "unit": "person-day",
                 "min": 1, "max": 200, "step": 1}
            ],
            "skus": [
                {"attributes": {"edition": "basic"}, "price": {"model": "linear", "unit_amounts": {"one_time": base}}},
                {"attributes": {"edition": "standard"}, "price": {"model": "linear", "unit_amounts": {"one_time": base * 2}}},
                {"attributes": {"edition": "enterprise"}, "price": {"model": "linear", "unit_amounts": {"one_time": base * 4}}}
            ]
        }),
        // Flat, monthly or yearly, one price for every region.
        1 => json!({
            "key": "support", "name": "Support plan", "billing_mode": "yearly_monthly", "pricing": "simple",
            "price": {"model": "flat", "amounts": {"month": base, "year": base * 10}},
            "attributes": [
                {"code": "region", "name": "Region", "type": "enumeration", "values": ["apac", "emea", "americas"]}
            ],
            "skus": [
                {"attributes": {"region": "apac"}}, {"attributes": {"region": "emea"}}, {"attributes": {"region": "americas"}}
            ]
        }),
        // Tiered per seat (volume for one level, graduated for the other).
        _ => json!({
            "key": "seats", "name": "Operations seats", "billing_mode": "yearly_monthly", "pricing": "custom",
            "attributes": [
                {"code": "level", "name": "Level", "type": "enumeration", "values": ["standard", "premium"]},
                {"code": "seats", "name": "Seats", "type": "quantity", "unit": "seat", "min": 1, "max": 1000, "step": 1}
            ],
            "skus": [
                {"attributes": {"level": "standard"}, "price": {"model": "tiered", "mode": "volume", "tiers": [
                    {"up_to": 10, "unit_amounts": {"month": base / 10, "year": base}},
                    {"up_to": 100, "unit_amounts": {"month": base / 20, "year": base / 2}},
                    {"up_to": null, "unit_amounts": {"month": base / 40, "year": base / 4}}]}},
                {"attributes": {"level": "premium"}, "price": {"model": "tiered", "mode": "graduated", "tiers": [
                    {"up_to": 10, "unit_amounts": {"month": base / 5, "year": base * 2},
                     "flat_amounts": {"month": base, "year": base * 10}},
                    {"up_to": null, "unit_amounts": {"month": base / 10, "year": base}}]}}
            ]
        }),
    }
}

/// The content of the `n`th seeded product: complete and ready for release.
pub fn content(rng: &mut impl Rng, n: u64) -> DraftContent {
    let vendor = VENDORS.choose(rng).copied().unwrap_or("Acme");
    let topic = TOPICS.choose(rng).copied().unwrap_or("Cloud");
    let service = SERVICES.choose(rng).copied().unwrap_or("Consulting");
    let promise = PROMISES.choose(rng).copied().unwrap_or("by experts");
    // Professional services: the other methods' contents need assets and verified endpoints of their
    // own (domain.md "Rules per delivery method"), which a seeder writing rows cannot stand behind.
    let method = "professional_service";
    let specs = rng.random_range(1..=3);
    let first = rng.random_range(0..3);
    let specifications: Vec<Value> = (0..specs).map(|i| specification(rng, (first + i) % 3)).collect();
    let value = json!({
        "delivery_method": method,
        "name": format!("{vendor} {topic} {service}"),
        "version": format!("V{}.{}", 1 + n % 5, n % 10),
        "currency": "USD",
        "summary": format!("{topic} {} {promise}.", service.to_lowercase()),
        "description": format!(
            "Our team delivers {topic} {} for companies of every size. We start with a workshop to understand \
             your current environment, agree the scope and a plan with clear milestones, then carry it out with \
             certified engineers and hand over documentation, runbooks and training for your staff. Every \
             engagement includes a named project manager, weekly status reports, and a warranty period after \
             delivery during which we fix any issue at no extra cost. References are available on request.",
            service.to_lowercase()
        ),
        "highlights": [format!("{topic} specialists"), promise, "Fixed scope and price"],
        "service_flow_template": "standard",
        "avg_delivery_days": 5 + n % 40,
        "after_sales": {"email": "support@example.com", "hotline": "+86 755 1234 5678",
                        "hours": "09:00-18:00", "days": "mon-fri", "timezone": "+08:00"},
        "public_sales": !n.is_multiple_of(50),
        "specifications": specifications,
    });
    let mut content: DraftContent = serde_json::from_value(value).expect("seed content matches the content type");
    content.prepare_for_save(&BTreeMap::new()).expect("seed content has valid attributes");
    content
}

/// A submission's snapshot of `content` with the shared files.
pub fn snapshot(content: DraftContent, files: &[(SnapshotFile, Vec<u8>)]) -> Snapshot {
    Snapshot::freeze(content, files.iter().map(|(f, _)| f.clone()).collect(), BTreeMap::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use shelf_domain::Severity;
    use shelf_domain::content::Attachments;

    #[test]
    fn seeded_content_passes_the_release_check() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for n in 0..200 {
            let content = content(&mut rng, n);
            let errors: Vec<_> = content
                .check(Attachments { has_logo: true, request_templates: 1 }, &BTreeMap::new())
                .into_iter()
                .filter(|v| v.severity == Severity::Error)
                .collect();
            assert!(errors.is_empty(), "product {n}: {errors:?}");
        }
    }

    #[test]
    fn seeded_files_pass_the_file_checks() {
        let files = files();
        assert!(shelf_domain::files::check_logo(&files[0].1).is_ok());
        assert!(shelf_domain::files::check_request_template(&files[1].0.filename, &files[1].1).is_ok());
    }
}
