//! The OpenAPI document: metadata, tags, the bearer-JWT scheme, and the finishing pass that gives every
//! operation what the handlers' annotations cannot say once for all: problem+json error bodies, the
//! headers every client needs, binary bodies as binary, tagged unions with a discriminator, merge-patch
//! request schemas, and links from what a create operation made to what can be done with it.

use serde_json::{Map, Value, json};
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi as _};

use crate::idempotency;
use crate::problem::{FieldError, Problem};

pub const BEARER: &str = "bearer_jwt";

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Shelf",
        description = "The seller side of a cloud marketplace: write a product as a draft, check it against the \
                       release requirements, submit it for review and see it listed.\n\n\
                       Errors are RFC 9457 `application/problem+json`. Changes need `If-Match` with the ETag; \
                       every POST accepts `Idempotency-Key`. Lists are keyset-paginated with `page_token`. \
                       A secured operation answers 401 without a valid token and 403 for a role its security \
                       requirement does not name (the requirement's scopes are the roles), before it reads \
                       anything else of the request.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    tags(
        (name = "drafts", description = "A seller's products while they are written"),
        (name = "attributes", description = "A seller's catalogue of custom attributes; specifications copy what they use"),
        (name = "pricing-templates", description = "A seller's reusable, named prices, and their quotes"),
        (name = "reference", description = "Reference data, open to everyone"),
        (name = "applications", description = "Submissions under review, as their seller sees them"),
        (name = "review", description = "The reviewers' queue and decisions"),
        (name = "products", description = "A seller's listed products: modification and removal"),
        (name = "uploads", description = "Large files in parts: declare, send parts in any order, complete"),
        (name = "catalog", description = "The public catalog, open to everyone"),
        (name = "messages", description = "Internal messages and who hears about decisions"),
        (name = "events", description = "The seller's event feed, for integrations that poll"),
        (name = "admin", description = "Marketplace settings"),
        (name = "health", description = "Liveness and readiness"),
    ),
    components(schemas(Problem, FieldError, shelf_domain::ViolationCode)),
    modifiers(&BearerScheme),
)]
struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut OpenApi) {
        openapi.components.get_or_insert_default().add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A JWT with `sub`, `role` (seller, reviewer or admin) and `exp`; `shelf token` makes one. \
                         An operation's requirement lists the roles it serves.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document's fixed part, before the handlers add their paths.
pub fn base() -> OpenApi {
    ApiDoc::openapi()
}

/// Media types whose bodies are JSON documents described by a schema; every other one is bytes.
const JSON_MEDIA_TYPES: [&str; 4] =
    ["application/json", "application/merge-patch+json", "application/problem+json", "multipart/form-data"];

/// The finishing pass over the document the handlers' annotations built. The finished document stays
/// JSON: it is printed and served as it is (read back into utoipa's types it took half the server's
/// start-up; a test checks that it still reads as an OpenAPI document).
pub fn finish(api: OpenApi) -> Value {
    let mut doc = serde_json::to_value(&api).expect("an OpenAPI document serialises");
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for (method, op) in item.iter_mut() {
                let Some(op) = op.as_object_mut() else { continue };
                finish_operation(method, op);
            }
        }
    }
    integer_formats(&mut doc);
    // utoipa has no field attribute for `maxProperties`: the SKU's attribute-value map gets its cap here.
    if let Some(values) = doc.pointer_mut("/components/schemas/Sku/properties/attributes") {
        values["maxProperties"] = json!(shelf_domain::limits::SAVE_MAX_SKU_ATTRIBUTES);
    }
    // The sales settings' and the inventory's maps have their caps too.
    for (pointer, max) in [
        ("/components/schemas/SalesSettings/properties/specifications", shelf_domain::content::MAX_SPECIFICATIONS),
        ("/components/schemas/Inventory/properties/stock", shelf_domain::product::MAX_STOCK_ENTRIES),
    ] {
        if let Some(map) = doc.pointer_mut(pointer) {
            map["maxProperties"] = json!(max);
        }
    }
    tagged_unions(&mut doc);
    typed_contents(&mut doc);
    merge_patch_bodies(&mut doc);
    links(&mut doc);
    doc
}

fn finish_operation(method: &str, op: &mut Map<String, Value>) {
    let secured = op.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
    let parameters = op.entry("parameters").or_insert_with(|| json!([]));
    if let Some(parameters) = parameters.as_array_mut() {
        parameters.retain(|p| p["name"] != idempotency::HEADER_NAME);
        // A header is text or absent, never `null`; an empty If-Match or If-None-Match just matches nothing.
        for p in parameters.iter_mut().filter(|p| p["in"] == "header") {
            p["schema"] = json!({"type": "string"});
        }
        if method == "post" {
            parameters.push(idempotency_key_parameter());
        }
    }
    if op["parameters"].as_array().is_some_and(Vec::is_empty) {
        op.remove("parameters");
    }
    if let Some(body) = op.get_mut("requestBody").and_then(|b| b.get_mut("content")).and_then(Value::as_object_mut) {
        binary_contents(body);
    }
    let has_body = op.contains_key("requestBody");
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { return };
    let write = method != "get";
    let mut add = |status: &str, description: &str| {
        responses.entry(status).or_insert_with(|| json!({"description": description}));
    };
    if secured {
        add("401", "Missing or bad token");
        add("403", "The token's role is not one this operation serves");
    }
    if method == "post" {
        add("400", "A malformed request or Idempotency-Key");
        add("409", "A request with this Idempotency-Key is still being processed");
        add("422", "This Idempotency-Key was used with a different request");
    }
    if write {
        add("429", "Too many requests; `Retry-After` says when to retry");
    }
    if has_body {
        add("408", "The request body did not arrive whole within the server's body timeout");
    }
    add("500", "Internal error; the body names the request id");
    add("503", "The database is busy or reconnecting; `Retry-After` says when to retry");
    for (status, response) in responses.iter_mut() {
        let Some(response) = response.as_object_mut() else { continue };
        let headers = response.entry("headers").or_insert_with(|| json!({}));
        let Some(headers) = headers.as_object_mut() else { continue };
        headers.insert("X-Request-Id".into(), header("The request's id (a plain incoming one is kept); logs name it"));
        let success = status.starts_with('2');
        if success && method == "post" {
            headers.insert(
                "Idempotent-Replayed".into(),
                json!({"description": "`true` when this is the stored response to an earlier request with the same \
                                       Idempotency-Key", "schema": {"type": "string", "enum": ["true"]}}),
            );
        }
        if (success || status == "304") && method == "get" {
            headers.entry("Cache-Control").or_insert_with(|| {
                header("`no-store` for an authenticated request; public catalog reads say how long they may be kept")
            });
        }
        if status == "429" || status == "503" {
            headers.insert(
                "Retry-After".into(),
                json!({"description": "Seconds until a request would be accepted",
                       "schema": {"type": "integer", "minimum": 1}}),
            );
        }
        if status.as_str() >= "400" {
            response.insert(
                "content".into(),
                json!({"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}),
            );
        } else if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) {
            binary_contents(content);
        }
    }
}

fn header(description: &str) -> Value {
    json!({"description": description, "schema": {"type": "string"}})
}

/// `Idempotency-Key`, as every POST takes it.
fn idempotency_key_parameter() -> Value {
    json!({
        "name": idempotency::HEADER_NAME,
        "in": "header",
        "required": false,
        "description": "Makes a retry safe: the same key and request within 24 h return the first response \
                        (with `Idempotent-Replayed: true`) without acting again; the same key with another \
                        request is 422. 1..255 visible ASCII characters.",
        "schema": {"type": "string", "minLength": 1, "maxLength": idempotency::MAX_KEY_CHARS,
                   "pattern": "^[!-~]+$"},
    })
}

/// Unsigned integers keep the format names the OpenAPI format registry gives them (`uint32`, `uint64`);
/// utoipa spells them `u-int32`, `u-int64`.
fn integer_formats(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(format)) = map.get_mut("format")
                && let Some(bits) = format.strip_prefix("u-int")
            {
                *format = format!("uint{bits}");
            }
            map.values_mut().for_each(integer_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(integer_formats),
        _ => {}
    }
}

/// Bytes are `string`/`binary` with their media type, never an array of integers.
fn binary_contents(content: &mut Map<String, Value>) {
    for (media_type, body) in content.iter_mut() {
        if JSON_MEDIA_TYPES.contains(&media_type.as_str()) {
            continue;
        }
        body["schema"] = json!({"type": "string", "format": "binary", "contentMediaType": media_type});
    }
}

struct Union {
    name: &'static str,
    stem: &'static str,
    variants: Vec<(String, String)>,
}

/// Internally tagged enums (`Price`) and the templates that flatten them become a `oneOf` of named, complete
/// objects with a discriminator, so that every generator gets one type per variant and no `allOf` over a
/// `oneOf`.
fn tagged_unions(doc: &mut Value) {
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else { return };
    let Some(variants) = schemas.get("Price").and_then(|p| p["oneOf"].as_array()).cloned() else { return };
    let extra = |name: &str, schemas: &Map<String, Value>| -> (Map<String, Value>, Vec<Value>) {
        let part = schemas[name]["allOf"].as_array().and_then(|parts| parts.get(1)).cloned().unwrap_or_default();
        (
            part["properties"].as_object().cloned().unwrap_or_default(),
            part["required"].as_array().cloned().unwrap_or_default(),
        )
    };
    let (template_props, template_required) = extra("PricingTemplateBody", schemas);
    let (response_props, response_required) = extra("PricingTemplateResponse", schemas);
    // Each union's component name, the stem its variants are named by, and its (model, variant) pairs.
    let mut unions = [
        Union { name: "Price", stem: "Price", variants: vec![] },
        Union { name: "PricingTemplateBody", stem: "PricingTemplate", variants: vec![] },
        Union { name: "PricingTemplateResponse", stem: "PricingTemplateResponse", variants: vec![] },
    ];
    for variant in variants {
        let Some(model) = variant.pointer("/properties/model/enum/0").and_then(Value::as_str) else { continue };
        let model = model.to_owned();
        let title = model[..1].to_uppercase() + &model[1..];
        let mut price = variant.clone();
        price["additionalProperties"] = json!(false);
        let mut required = vec![json!("model")];
        required.extend(price["required"].as_array().into_iter().flatten().filter(|r| *r != "model").cloned());
        price["required"] = json!(required);
        let mut template = price.clone();
        let mut response = price.clone();
        for (schema, props, required) in [
            (&mut template, vec![&template_props], vec![&template_required]),
            (&mut response, vec![&template_props, &response_props], vec![&template_required, &response_required]),
        ] {
            for props in props {
                for (k, v) in props {
                    schema["properties"][k] = v.clone();
                }
            }
            if let Some(list) = schema["required"].as_array_mut() {
                list.extend(required.into_iter().flatten().cloned());
            }
            schema.as_object_mut().map(|o| o.remove("description"));
        }
        response.as_object_mut().map(|o| o.remove("additionalProperties"));
        for (union, schema) in unions.iter_mut().zip([price, template, response]) {
            let name = format!("{title}{}", union.stem);
            schemas.insert(name.clone(), schema);
            union.variants.push((model.clone(), name));
        }
    }
    for Union { name: union, variants: names, .. } in unions {
        let description = schemas.get(union).and_then(|s| s.get("description")).cloned();
        let mut schema = json!({
            "oneOf": names.iter().map(|(_, n)| json!({"$ref": format!("#/components/schemas/{n}")})).collect::<Vec<_>>(),
            "discriminator": {
                "propertyName": "model",
                "mapping": names.iter().map(|(m, n)| (m.clone(), json!(format!("#/components/schemas/{n}"))))
                    .collect::<Map<_, _>>(),
            },
        });
        if let Some(description) = description {
            schema["description"] = description;
        }
        schemas.insert(union.to_owned(), schema);
    }
}

/// A product content is typed by its delivery method: `DraftContent` becomes a `oneOf` of one complete
/// object per method (`SaasContent`, `HardwareContent`, …) with `delivery_method` as discriminator,
/// each holding the common members and exactly the method's own (the domain's
/// `DeliveryMethod::members`, the same list the server's save rule uses). A merge patch of a draft's
/// content keeps the flat shape (`DraftContentPatch`): it may name any member, the save rule then
/// refuses those of another method.
fn typed_contents(doc: &mut Value) {
    use shelf_domain::content::DeliveryMethod;
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else { return };
    let Some(flat) = schemas.get("DraftContent").cloned() else { return };
    let mut patch = flat.clone();
    patch["description"] = json!(
        "Members to set in a draft's content (a JSON Merge Patch): `null` removes a \
                                  member; members of another delivery method than the draft's are refused (422)."
    );
    patch["additionalProperties"] = json!(false);
    schemas.insert("DraftContentPatch".into(), patch);
    let mut mapping = Map::new();
    let mut refs = Vec::new();
    for method in DeliveryMethod::ALL {
        let title: String = method.as_str().split('_').map(|w| w[..1].to_uppercase() + &w[1..]).collect();
        let name = format!("{title}Content");
        let mut properties = Map::new();
        for member in method.members() {
            if let Some(schema) = flat.pointer(&format!("/properties/{member}")) {
                properties.insert(member.to_owned(), schema.clone());
            }
        }
        properties.insert("delivery_method".into(), json!({"type": "string", "enum": [method.as_str()]}));
        schemas.insert(
            name.clone(),
            json!({
                "type": "object",
                "description": format!("The content of a {} product: the common members and its own.", method.as_str()),
                "properties": properties,
                "required": ["delivery_method"],
                "additionalProperties": false,
            }),
        );
        let target = format!("#/components/schemas/{name}");
        mapping.insert(method.as_str().to_owned(), json!(target));
        refs.push(json!({"$ref": target}));
    }
    let mut union = json!({
        "oneOf": refs,
        "discriminator": {"propertyName": "delivery_method", "mapping": mapping},
    });
    if let Some(description) = flat.get("description") {
        union["description"] = description.clone();
    }
    schemas.insert("DraftContent".into(), union);
    if let Some(content) = schemas.get_mut("UpdateDraftRequest").and_then(|r| r.pointer_mut("/properties/content")) {
        content["$ref"] = json!("#/components/schemas/DraftContentPatch");
    }
}

/// A merge patch (RFC 7396) of a resource is not the resource: every member is optional, a member that
/// may be absent may be `null` (which removes it), and one that must stay may not. Each PATCH whose body
/// names a resource schema gets a `<Name>Patch` schema built that way.
fn merge_patch_bodies(doc: &mut Value) {
    let mut wanted = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(schema) = item.pointer_mut("/patch/requestBody/content/application~1merge-patch+json/schema")
            else {
                continue;
            };
            let Some(name) = schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) else {
                continue;
            };
            if name.ends_with("Request") {
                continue; // already a patch document (UpdateDraftRequest)
            }
            let name = name.to_owned();
            *schema = json!({"$ref": format!("#/components/schemas/{}", patch_name(&name))});
            wanted.push(name);
        }
    }
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else { return };
    for name in wanted {
        let variants: Vec<Value> = match schemas[&name]["oneOf"].as_array() {
            Some(refs) => refs
                .iter()
                .filter_map(|r| r["$ref"].as_str()?.strip_prefix("#/components/schemas/"))
                .map(|n| schemas[n].clone())
                .collect(),
            None => vec![schemas[&name].clone()],
        };
        // A member every variant requires can be changed but not removed; any other may be `null`.
        let required_by_all = |member: &str| {
            variants.iter().all(|v| v["required"].as_array().is_some_and(|r| r.contains(&json!(member))))
        };
        let mut properties = Map::new();
        for variant in &variants {
            for (member, schema) in variant["properties"].as_object().into_iter().flatten() {
                let schema = if required_by_all(member) { schema.clone() } else { nullable(schema.clone()) };
                properties.entry(member.clone()).or_insert(schema);
            }
        }
        if let Some(model) = properties.get_mut("model") {
            let models: Vec<Value> =
                variants.iter().filter_map(|v| v.pointer("/properties/model/enum/0").cloned()).collect();
            *model = json!({"type": "string", "enum": models,
                            "description": "Changing the model replaces the price: send its members with it"});
        }
        schemas.insert(
            patch_name(&name),
            json!({
                "type": "object",
                "description": format!("A JSON Merge Patch (RFC 7396) of {name}: members to change; `null` removes \
                                        an optional member"),
                "properties": properties,
                "additionalProperties": false,
            }),
        );
    }
}

/// `PricingTemplateBody` → `PricingTemplatePatch`, `CatalogueAttribute` → `CatalogueAttributePatch`.
fn patch_name(resource: &str) -> String {
    format!("{}Patch", resource.trim_end_matches("Body"))
}

/// The schema, or `null`.
fn nullable(schema: Value) -> Value {
    match &schema["type"] {
        Value::String(t) if t != "null" => {
            let mut s = schema.clone();
            s["type"] = json!([t, "null"]);
            s
        }
        Value::Array(types) if types.contains(&json!("null")) => schema,
        _ if schema
            .get("oneOf")
            .is_some_and(|o| o.as_array().is_some_and(|o| o.contains(&json!({"type": "null"})))) =>
        {
            schema
        }
        _ => json!({"oneOf": [schema, {"type": "null"}]}),
    }
}

/// Links from one operation's response to the operations that take what it made.
struct Links {
    from: &'static str,
    status: &'static str,
    to: Vec<(&'static str, Value)>,
}

/// What a create (or decide) operation's response leads to; each link is named by its target.
fn link_table() -> Vec<Links> {
    let id = json!({"id": "$response.body#/id"});
    let id_if_match = json!({"id": "$response.body#/id", "header.If-Match": "$response.header.ETag"});
    let draft = || {
        vec![
            ("getDraft", id.clone()),
            ("updateDraft", id_if_match.clone()),
            ("deleteDraft", id_if_match.clone()),
            ("validateDraft", id.clone()),
            ("submitDraft", id.clone()),
            ("putDraftLogo", id.clone()),
            ("getDraftLogo", id.clone()),
            ("uploadDraftRequestTemplate", id.clone()),
            ("listDraftRequestTemplates", id.clone()),
        ]
    };
    let product = json!({"id": "$response.body#/product_id"});
    let file = json!({"id": "$request.path.id", "file_id": "$response.body#/id"});
    vec![
        Links { from: "createDraft", status: "201", to: draft() },
        Links { from: "createProductDraft", status: "201", to: draft() },
        Links {
            from: "submitDraft",
            status: "201",
            to: vec![
                ("getApplication", id.clone()),
                ("withdrawApplication", id.clone()),
                ("approveApplication", id.clone()),
                ("rejectApplication", id.clone()),
            ],
        },
        Links {
            from: "approveApplication",
            status: "200",
            to: vec![
                ("getProduct", product.clone()),
                ("getCatalogProduct", product.clone()),
                ("createProductDraft", product.clone()),
                ("removeProduct", product),
            ],
        },
        Links {
            from: "uploadDraftRequestTemplate",
            status: "201",
            to: vec![("downloadDraftRequestTemplate", file.clone()), ("deleteDraftRequestTemplate", file)],
        },
        Links {
            from: "createPricingTemplate",
            status: "201",
            to: vec![
                ("getPricingTemplate", id.clone()),
                ("updatePricingTemplate", id_if_match.clone()),
                ("deletePricingTemplate", id_if_match.clone()),
                ("quotePricingTemplate", id.clone()),
            ],
        },
        Links {
            from: "createUpload",
            status: "201",
            to: vec![
                ("getUpload", id.clone()),
                ("putUploadPart", id.clone()),
                ("completeUpload", id.clone()),
                ("deleteUpload", id.clone()),
            ],
        },
        Links {
            from: "createAttribute",
            status: "201",
            to: vec![("getAttribute", id), ("updateAttribute", id_if_match.clone()), ("deleteAttribute", id_if_match)],
        },
    ]
}

fn links(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for Links { from, status, to } in link_table() {
        let response = paths
            .values_mut()
            .filter_map(Value::as_object_mut)
            .flat_map(|item| item.values_mut())
            .find(|op| op["operationId"] == from)
            .and_then(|op| op.pointer_mut(&format!("/responses/{status}")));
        let Some(response) = response else { panic!("no {status} response of {from} to link from") };
        response["links"] = to
            .into_iter()
            .map(|(target, parameters)| (target.to_owned(), json!({"operationId": target, "parameters": parameters})))
            .collect::<Map<_, _>>()
            .into();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_finished_document_reads_back_as_an_openapi_document() {
        let doc: utoipa::openapi::OpenApi = serde_json::from_value(crate::openapi()).expect("an OpenAPI document");
        assert!(doc.paths.paths.contains_key("/v1/drafts"));
        assert!(doc.components.is_some_and(|c| c.schemas.contains_key("Problem")));
    }
}
