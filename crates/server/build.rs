//! Marks the build of the API suite for PostgreSQL when `SHELF_TEST_DATABASE_URL` is set, so that the
//! tests that need one database or the other are `#[ignore]`d, with a reason, in the other pass instead
//! of passing silently.
/// Likewise `s3_tests` when `SHELF_TEST_S3_URL` names an S3-compatible server (.ci/run starts one).
fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rustc-check-cfg=cfg(s3_tests)");
    println!("cargo::rerun-if-env-changed=SHELF_TEST_S3_URL");
    if std::env::var("SHELF_TEST_S3_URL").is_ok_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=s3_tests");
    }
    println!("cargo::rerun-if-env-changed=SHELF_TEST_DATABASE_URL");
    if std::env::var("SHELF_TEST_DATABASE_URL").is_ok_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=postgres_tests");
    }
}
