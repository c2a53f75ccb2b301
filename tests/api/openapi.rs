use crate::helpers::TestApp;

fn generated() -> String {
    serde_json::to_string_pretty(&shelf_http::openapi()).unwrap() + "\n"
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

fn document() -> serde_json::Value {
    serde_json::from_str(&generated()).unwrap()
}

/// Every operation of the document, as (method, path, operation).
fn operations(doc: &serde_json::Value) -> Vec<(String, String, serde_json::Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((method.clone(), path.clone(), op.clone()));
        }
    }
    out
}

#[test]
fn every_operation_has_a_unique_camel_case_operation_id_verb_first() {
    let doc = document();
    let mut seen = std::collections::BTreeMap::new();
    for (method, path, op) in operations(&doc) {
        let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
        assert!(
            id.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && id.chars().all(|c| c.is_ascii_alphanumeric()),
            "{method} {path}: {id} is not camelCase"
        );
        let verbs =
            ["list", "get", "create", "update", "delete", "put", "quote", "validate", "submit", "upload", "download"];
        let more = [
            "approve",
            "reject",
            "withdraw",
            "read",
            "remove",
            "complete",
            "presign",
            "confirm",
            "rotate",
            "ping",
            "redeliver",
            "verify",
        ];
        assert!(
            verbs.iter().chain(&more).any(|v| id.starts_with(v)),
            "{method} {path}: {id} does not start with a verb"
        );
        if let Some(other) = seen.insert(id.to_owned(), format!("{method} {path}")) {
            panic!("{id} names both {other} and {method} {path}");
        }
    }
    assert_eq!(seen.len(), 86);
    assert_eq!(seen["putUploadPart"], "put /v1/uploads/{id}/parts/{number}");
    assert_eq!(seen["createDraft"], "post /v1/drafts");
    assert_eq!(seen["putDraftLogo"], "put /v1/drafts/{id}/logo");
    assert_eq!(seen["getCatalogProduct"], "get /v1/catalog/products/{id}");
}

#[test]
fn binary_bodies_are_binary_strings_with_their_media_types() {
    let doc = document();
    let mut binary = 0;
    for (method, path, op) in operations(&doc) {
        let mut contents: Vec<(String, serde_json::Value)> = Vec::new();
        for (media_type, body) in op["requestBody"]["content"].as_object().into_iter().flatten() {
            contents.push((media_type.clone(), body.clone()));
        }
        for response in op["responses"].as_object().unwrap().values() {
            for (media_type, body) in response["content"].as_object().into_iter().flatten() {
                contents.push((media_type.clone(), body.clone()));
            }
        }
        for (media_type, body) in contents {
            assert_ne!(body["schema"]["type"], "array", "{method} {path} {media_type}: bytes as an array");
            if !media_type.contains("json") && media_type != "multipart/form-data" {
                assert_eq!(body["schema"]["type"], "string", "{method} {path} {media_type}");
                assert_eq!(body["schema"]["format"], "binary", "{method} {path} {media_type}");
                binary += 1;
            }
        }
    }
    // The logo up and down, the four template download media types, an upload's parts, and the
    // three package media types of an asset's download.
    assert_eq!(binary, 10);
    let part = &doc["paths"]["/v1/uploads/{id}/parts/{number}"]["put"]["requestBody"]["content"];
    assert_eq!(part["application/octet-stream"]["schema"]["format"], "binary");
    let upload = &doc["components"]["schemas"]["UploadForm"]["properties"]["file"];
    assert_eq!((&upload["type"], &upload["format"]), (&"string".into(), &"binary".into()));
}

#[test]
fn tagged_unions_are_one_of_named_objects_with_a_discriminator_and_never_all_of_over_one_of() {
    let doc = document();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for union in ["Price", "PricingTemplateBody", "PricingTemplateResponse"] {
        let schema = &schemas[union];
        assert_eq!(schema["discriminator"]["propertyName"], "model", "{union}");
        let variants = schema["oneOf"].as_array().unwrap();
        assert_eq!(variants.len(), 3, "{union}");
        for (model, variant) in ["flat", "linear", "tiered"].iter().zip(variants) {
            let name = variant["$ref"].as_str().unwrap().trim_start_matches("#/components/schemas/");
            assert_eq!(schema["discriminator"]["mapping"][model], variant["$ref"], "{union} {model}");
            let object = &schemas[name];
            assert_eq!(object["properties"]["model"]["enum"], serde_json::json!([model]), "{name}");
            assert!(object["required"].as_array().unwrap().contains(&"model".into()), "{name}");
        }
    }
    assert!(schemas["TieredPricingTemplateResponse"]["required"].as_array().unwrap().contains(&"id".into()));
    for (name, schema) in schemas {
        for all_of in schema["allOf"].as_array().into_iter().flatten() {
            let target = all_of["$ref"].as_str().map(|r| &schemas[r.trim_start_matches("#/components/schemas/")]);
            assert!(target.is_none_or(|t| t.get("oneOf").is_none()), "{name} is an allOf over a oneOf");
        }
    }
}

#[test]
fn merge_patch_bodies_are_patch_schemas_where_null_removes_only_what_may_be_absent() {
    let doc = document();
    let body = |path: &str| {
        doc["paths"][path]["patch"]["requestBody"]["content"]["application/merge-patch+json"]["schema"]["$ref"].clone()
    };
    assert_eq!(body("/v1/attributes/{id}"), "#/components/schemas/CatalogueAttributePatch");
    assert_eq!(body("/v1/pricing-templates/{id}"), "#/components/schemas/PricingTemplatePatch");
    let attribute = &doc["components"]["schemas"]["CatalogueAttributePatch"];
    assert!(attribute.get("required").is_none());
    assert_eq!(attribute["properties"]["name"]["type"], "string", "a name can change, not go");
    assert_eq!(attribute["properties"]["unit"]["type"], serde_json::json!(["string", "null"]));
    let template = &doc["components"]["schemas"]["PricingTemplatePatch"];
    assert_eq!(template["properties"]["model"]["enum"], serde_json::json!(["flat", "linear", "tiered"]));
    assert!(
        template["properties"]["amounts"]["oneOf"].as_array().unwrap().contains(&serde_json::json!({"type": "null"}))
    );
}

#[test]
fn every_header_a_client_needs_is_documented() {
    let doc = document();
    for (method, path, op) in operations(&doc) {
        for (status, response) in op["responses"].as_object().unwrap() {
            assert!(response["headers"]["X-Request-Id"].is_object(), "{method} {path} {status}: X-Request-Id");
            if status == "429" {
                assert_eq!(response["headers"]["Retry-After"]["schema"]["type"], "integer", "{method} {path}");
            }
            if method == "post" && status.starts_with('2') {
                assert!(response["headers"]["Idempotent-Replayed"].is_object(), "{method} {path} {status}");
            }
            if method == "get" && status.starts_with('2') {
                assert!(response["headers"]["Cache-Control"].is_object(), "{method} {path} {status}");
            }
        }
        let parameters = op["parameters"].as_array().cloned().unwrap_or_default();
        for p in parameters.iter().filter(|p| p["in"] == "header") {
            assert_eq!(p["schema"]["type"], "string", "{method} {path}: header {} is text, never null", p["name"]);
        }
        if method == "post" {
            let key =
                parameters.iter().find(|p| p["name"] == "Idempotency-Key").expect("every POST takes Idempotency-Key");
            assert_eq!(key["schema"]["maxLength"], 255);
            assert_eq!(key["schema"]["pattern"], "^[!-~]+$");
        }
        if ["put", "patch", "delete"].contains(&method.as_str()) && op["responses"].get("412").is_some() {
            assert!(parameters.iter().any(|p| p["name"] == "If-Match" && p["required"] == true), "{method} {path}");
        }
        if op["responses"].get("304").is_some() {
            assert!(parameters.iter().any(|p| p["name"] == "If-None-Match"), "{method} {path}: If-None-Match");
        }
    }
    let created = &doc["paths"]["/v1/drafts"]["post"]["responses"]["201"]["headers"];
    assert!(created["Location"].is_object() && created["ETag"].is_object());
}

#[test]
fn create_operations_link_to_what_can_be_done_with_what_they_made() {
    let doc = document();
    let ids: std::collections::BTreeSet<String> =
        operations(&doc).iter().map(|(_, _, op)| op["operationId"].as_str().unwrap().to_owned()).collect();
    let links = |path: &str, method: &str, status: &str| -> Vec<String> {
        let links = doc["paths"][path][method]["responses"][status]["links"].as_object().cloned().unwrap_or_default();
        for link in links.values() {
            assert!(ids.contains(link["operationId"].as_str().unwrap()), "{path}: a link to nothing");
        }
        links.values().map(|l| l["operationId"].as_str().unwrap().to_owned()).collect()
    };
    let draft = links("/v1/drafts", "post", "201");
    for target in ["getDraft", "updateDraft", "deleteDraft", "validateDraft", "submitDraft", "putDraftLogo"] {
        assert!(draft.contains(&target.to_owned()), "createDraft → {target}");
    }
    assert!(draft.contains(&"uploadDraftRequestTemplate".to_owned()));
    assert!(links("/v1/drafts/{id}/submit", "post", "201").contains(&"getApplication".to_owned()));
    assert!(links("/v1/applications/{id}/approve", "post", "200").contains(&"getProduct".to_owned()));
    for (path, stem) in [("/v1/pricing-templates", "PricingTemplate"), ("/v1/attributes", "Attribute")] {
        let made = links(path, "post", "201");
        for verb in ["get", "update", "delete"] {
            assert!(made.contains(&format!("{verb}{stem}")), "{path} → {verb}{stem}");
        }
    }
    assert!(links("/v1/pricing-templates", "post", "201").contains(&"quotePricingTemplate".to_owned()));
    let update = &doc["paths"]["/v1/drafts"]["post"]["responses"]["201"]["links"]["updateDraft"]["parameters"];
    assert_eq!(update["header.If-Match"], "$response.header.ETag");
}

#[test]
fn secured_operations_name_the_roles_they_serve_as_scopes() {
    let doc = document();
    for (method, path, op) in operations(&doc) {
        let anonymous =
            path.starts_with("/v1/catalog") || path.starts_with("/v1/service-flow") || !path.starts_with("/v1");
        let scopes = op["security"][0]["bearer_jwt"].as_array().cloned();
        assert_eq!(scopes.is_none(), anonymous, "{method} {path}");
        if let Some(scopes) = scopes {
            assert!(!scopes.is_empty(), "{method} {path} names no role");
        }
    }
    assert_eq!(
        doc["paths"]["/v1/review/applications"]["get"]["security"][0]["bearer_jwt"],
        serde_json::json!(["reviewer"])
    );
    assert_eq!(doc["paths"]["/v1/admin/holidays"]["put"]["security"][0]["bearer_jwt"], serde_json::json!(["admin"]));
}

#[actix_web::test]
async fn swagger_ui_pages_carry_a_content_security_policy_and_refuse_framing() {
    let app = TestApp::spawn().await;
    for path in ["/swagger-ui/", "/swagger-ui/swagger-initializer.js"] {
        let res = app.get(path, None).await;
        res.assert_status(200);
        let policy = res.header("content-security-policy").unwrap_or_default();
        assert!(policy.contains("frame-ancestors 'none'") && policy.contains("default-src 'self'"), "{path}: {policy}");
        assert_eq!(res.header("x-frame-options"), Some("DENY"), "{path}");
    }
    assert!(app.get("/v1/catalog/products", None).await.header("content-security-policy").is_none());
}
