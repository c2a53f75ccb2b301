use crate::helpers::TestApp;

fn generated() -> String {
    serde_json::to_string_pretty(&shelf_http::openapi()).unwrap() + "\n"
}

#[test]
fn the_committed_openapi_document_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated(),
        "openapi/openapi.json is stale: run `cargo run -q -- openapi > openapi/openapi.json` and commit it"
    );
}

#[test]
fn every_error_response_has_the_problem_schema_and_secured_operations_name_the_bearer_scheme() {
    let doc: serde_json::Value = serde_json::from_str(&generated()).unwrap();
    assert!(doc["components"]["securitySchemes"]["bearer_jwt"]["scheme"] == "bearer");
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                if status.as_str() >= "400" {
                    let schema = &response["content"]["application/problem+json"]["schema"]["$ref"];
                    assert_eq!(schema, "#/components/schemas/Problem", "{method} {path} {status}");
                }
            }
            if path.starts_with("/v1/drafts") {
                assert!(op["security"].to_string().contains("bearer_jwt"), "{method} {path} names no security");
                assert!(op["responses"].get("401").is_some(), "{method} {path} documents no 401");
            }
        }
    }
}

#[actix_web::test]
async fn the_document_is_served_and_swagger_ui_is_up() {
    let app = TestApp::spawn().await;
    let res = app.get("/openapi.json", None).await;
    res.assert_status(200);
    assert_eq!(res.json(), serde_json::from_str::<serde_json::Value>(&generated()).unwrap());
    let ui = app.get("/swagger-ui/", None).await;
    ui.assert_status(200);
    assert!(String::from_utf8_lossy(&ui.body).contains("swagger"));
}
