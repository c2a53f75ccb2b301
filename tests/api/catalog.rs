use actix_web::http::Method;
use serde_json::{Value, json};

use crate::helpers::ContentBuilder;
use crate::helpers::{Body, TestApp};
use shelf_persistence::products;

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

#[actix_web::test]
async fn a_listed_product_is_in_the_catalog_for_everyone() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let product = app.listed_product(&token).await;
    let list = app.get("/v1/catalog/products", None).await;
    list.assert_status(200);
    assert_eq!(list.json()["items"][0]["id"], product["id"]);
    let page_etag = list.header("etag").unwrap().to_owned();
    let unchanged =
        app.call(Method::GET, "/v1/catalog/products", None, &[("If-None-Match", &page_etag)], Body::None).await;
    unchanged.assert_status(304);
    assert_eq!(app.get("/v1/catalog/products?q=MIGRATION", None).await.json()["items"][0]["id"], product["id"]);
    assert_eq!(app.get("/v1/catalog/products?q=zero%20data", None).await.json()["items"].as_array().unwrap().len(), 1);
    assert_eq!(app.get("/v1/catalog/products?q=nothing-like-it", None).await.json()["items"], json!([]));
    assert_eq!(app.get("/v1/catalog/products?delivery_method=saas", None).await.json()["items"], json!([]));
    let one = app.get(&format!("/v1/catalog/products/{}", id(&product)), None).await;
    one.assert_status(200);
    assert_eq!(one.json()["content"]["name"], "Data Migration Supporting Service");
    let etag = one.header("etag").unwrap().to_owned();
    assert!(one.header("cache-control").is_some());
    let cached = app
        .call(
            Method::GET,
            &format!("/v1/catalog/products/{}", id(&product)),
            None,
            &[("If-None-Match", &etag)],
            Body::None,
        )
        .await;
    cached.assert_status(304);
    app.get("/v1/catalog/products/01a00000-0000-7000-8000-000000000000", None).await.problem(404);
}

#[actix_web::test]
async fn a_product_is_sent_gzip_coded_to_clients_that_accept_it_and_as_json_to_the_others() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let product = app.listed_product(&token).await;
    let path = format!("/v1/catalog/products/{}", id(&product));
    let get = |headers: Vec<(&'static str, &'static str)>| {
        let (app, path) = (&app, &path);
        async move { app.call(Method::GET, path, None, &headers, Body::None).await }
    };
    let plain = get(vec![]).await;
    plain.assert_status(200);
    assert_eq!((plain.header("content-encoding"), plain.header("vary")), (None, Some("Accept-Encoding")));
    let coded = get(vec![("Accept-Encoding", "br, gzip;q=0.8, deflate")]).await;
    coded.assert_status(200);
    assert_eq!((coded.header("content-encoding"), coded.header("vary")), (Some("gzip"), Some("Accept-Encoding")));
    let mut inflated = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&coded.body[..]), &mut inflated).unwrap();
    assert_eq!(inflated, plain.body, "the same JSON, coded");
    assert!(coded.body.len() * 2 < plain.body.len(), "{} of {} bytes", coded.body.len(), plain.body.len());
    let (strong, weak) = (plain.header("etag").unwrap().to_owned(), coded.header("etag").unwrap().to_owned());
    assert_eq!(weak, format!("W/{strong}"), "the coded form's tag is weak");
    for refused in ["gzip;q=0", "identity", "gzip;q=nonsense", "*"] {
        let answer = get(vec![("Accept-Encoding", refused)]).await;
        assert_eq!((answer.status.as_u16(), answer.header("content-encoding")), (200, None), "{refused}");
        assert_eq!(answer.body, plain.body, "{refused}");
    }
    // Either tag of the version is the client's copy, whichever form it asks for now.
    for (tag, accept) in [(&strong, "gzip"), (&weak, "identity"), (&weak, "gzip")] {
        let headers = [("If-None-Match", tag.as_str()), ("Accept-Encoding", accept)];
        let answer = app.call(Method::GET, &path, None, &headers, Body::None).await;
        answer.assert_status(304);
        assert!(answer.body.is_empty() && answer.header("content-encoding").is_none(), "{tag} {accept}");
    }
    // A region's answer is built per request, as JSON.
    let in_sg =
        app.call(Method::GET, &format!("{path}?region=SG"), None, &[("Accept-Encoding", "gzip")], Body::None).await;
    in_sg.assert_status(200);
    assert_eq!(in_sg.header("content-encoding"), None);
    assert!(in_sg.json()["available_in_region"].is_boolean());
}

#[actix_web::test]
async fn a_catalog_list_shows_a_card_per_product_and_the_whole_product_is_one_request_away() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let product = app.listed_product(&token).await;
    let card = app.get("/v1/catalog/products", None).await.json()["items"][0].clone();
    let mut members: Vec<&str> = card.as_object().unwrap().keys().map(String::as_str).collect();
    members.sort_unstable();
    assert_eq!(
        members,
        ["billing_modes", "currency", "delivery_method", "id", "name", "status", "summary", "updated_at"],
        "{card}"
    );
    let entry = app.get(&format!("/v1/catalog/products/{}", id(&product)), None).await.json();
    assert_eq!(card["id"], entry["id"]);
    assert_eq!(card["name"], entry["content"]["name"]);
    assert_eq!(card["summary"], entry["content"]["summary"]);
    assert_eq!(card["delivery_method"], "professional_service");
    assert_eq!(card["billing_modes"], entry["billing_modes"]);
    assert_eq!(card["updated_at"], entry["updated_at"]);
    assert!(card.to_string().len() * 3 < entry.to_string().len(), "a card is a fraction of the entry");
}

async fn listed_ids(app: &TestApp) -> Vec<String> {
    let page = app.get("/v1/catalog/products?q=migration", None).await.json();
    page["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect()
}

#[actix_web::test]
async fn a_cached_list_page_follows_every_change_made_through_this_instance() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let first = app.listed_product(&token).await;
    assert_eq!(listed_ids(&app).await, [id(&first)]);
    assert_eq!(listed_ids(&app).await, [id(&first)], "served again (from memory)");
    let second = app.listed_product(&token).await;
    assert_eq!(listed_ids(&app).await, [id(&second), id(&first)], "an approval reaches the cached page");
    app.post(&format!("/v1/products/{}/remove", id(&first)), Some(&token), &json!({})).await.assert_status(200);
    assert_eq!(listed_ids(&app).await, [id(&second)], "so does a removal");
    let in_sg = "/v1/catalog/products?q=migration&region=SG";
    assert_eq!(app.get(in_sg, None).await.json()["items"][0]["id"], id(&second));
    let sales = format!("/v1/products/{}/sales", id(&second));
    let version = app.get(&sales, Some(&token)).await.header("etag").unwrap().to_owned();
    app.put_json(&sales, &token, Some(&version), &json!({"regions": ["DE"]})).await.assert_status(200);
    assert_eq!(listed_ids(&app).await, [id(&second)]);
    assert_eq!(app.get(in_sg, None).await.json()["items"], json!([]), "and a sales change");
}

#[actix_web::test]
async fn a_catalog_quote_goes_through_the_quote_engine_with_the_grid_checked() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let product = app.listed_product(&token).await;
    let code = product["content"]["specifications"][0]["skus"][0]["code"].as_str().unwrap().to_owned();
    let path = format!("/v1/catalog/products/{}/quote", id(&product));
    let q = app
        .post(&path, None, &json!({"specification": "migration", "sku": code, "quantity": 3, "period": "one_time"}))
        .await;
    q.assert_status(200);
    assert_eq!(q.json()["total"], json!({"amount": 150000, "currency": "USD"}));
    for (body, pointer, code_expected) in [
        (
            json!({"specification": "nope", "sku": code, "quantity": 1, "period": "one_time"}),
            "/specification",
            "not_found",
        ),
        (
            json!({"specification": "migration", "sku": "nope", "quantity": 1, "period": "one_time"}),
            "/sku",
            "not_found",
        ),
        (
            json!({"specification": "migration", "sku": code, "quantity": 101, "period": "one_time"}),
            "/quantity",
            "out_of_range",
        ),
        (
            json!({"specification": "migration", "sku": code, "quantity": 0, "period": "one_time"}),
            "/quantity",
            "out_of_range",
        ),
        (
            json!({"specification": "migration", "sku": code, "quantity": 1, "period": "month"}),
            "/period",
            "price_missing",
        ),
        (json!({"specification": "migration", "sku": code, "period": "one_time"}), "/quantity", "required"),
    ] {
        let problem = app.post(&path, None, &body).await.problem(422);
        assert_eq!(
            (problem["errors"][0]["pointer"].clone(), problem["errors"][0]["code"].clone()),
            (json!(pointer), json!(code_expected)),
            "{body}"
        );
    }
    app.post(
        &format!("/v1/products/{}/specifications/migration/skus/{code}/remove", id(&product)),
        Some(&token),
        &json!({}),
    )
    .await
    .assert_status(200);
    let problem = app
        .post(&path, None, &json!({"specification": "migration", "sku": code, "quantity": 1, "period": "one_time"}))
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["code"], "removed");
    let offered = app.get(&format!("/v1/catalog/products/{}", id(&product)), None).await.json();
    assert_eq!(offered["content"]["specifications"][0]["skus"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn hidden_products_are_reachable_but_not_listed_and_removed_ones_are_gone() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let mut draft_content = crate::helpers::complete_content();
    draft_content["public_sales"] = json!(false);
    let draft = app.create_draft(&token, draft_content).await;
    app.put_logo(&token, id(&draft), crate::helpers::png(120, 120)).await.assert_status(200);
    app.upload(&token, id(&draft), "form.docx", &crate::helpers::ooxml("word/document.xml")).await.assert_status(201);
    let application = app.approve_draft(&token, &draft).await;
    let product_id = application["product_id"].as_str().unwrap();
    assert_eq!(app.get("/v1/catalog/products", None).await.json()["items"], json!([]));
    let hidden = app.get(&format!("/v1/catalog/products/{product_id}"), None).await;
    hidden.assert_status(200);
    assert_eq!(hidden.json()["status"], "hidden");
    app.post(&format!("/v1/products/{product_id}/remove"), Some(&token), &json!({})).await.assert_status(200);
    app.get(&format!("/v1/catalog/products/{product_id}"), None).await.problem(410);
    let quote = json!({"specification": "migration", "sku": "x", "quantity": 1, "period": "one_time"});
    app.post(&format!("/v1/catalog/products/{product_id}/quote"), None, &quote).await.problem(410);
}

/// Lists every page of `path` (which has a query already), following the tokens; returns the ids.
async fn all_pages(app: &TestApp, path: &str) -> Vec<String> {
    let (mut ids, mut token) = (Vec::new(), None::<String>);
    loop {
        let url = match &token {
            Some(t) => format!("{path}&page_token={t}"),
            None => path.to_owned(),
        };
        let page = app.get(&url, None).await;
        page.assert_status(200);
        let page = page.json();
        ids.extend(page["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()));
        match page["next_page_token"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => return ids,
        }
    }
}

fn named(name: &str, summary: &str) -> Value {
    crate::helpers::complete_content().named(name, summary)
}

#[actix_web::test]
async fn search_finds_substrings_of_name_or_summary_in_listing_order_across_pages() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let mut kafka = Vec::new();
    for (name, summary, matches) in [
        ("Kafka Cluster Migration", "Move your brokers.", true),
        ("Redis Health Check", "We tune Redis.", false),
        ("Event Streaming Service", "Managed KAFKA for your teams.", true),
        ("Data Lake Assessment", "Find what your lake holds.", false),
        ("Apache Kafka Training", "Three days of streams.", true),
    ] {
        let product = app.listed_product_with(&token, named(name, summary)).await;
        if matches {
            kafka.push(id(&product).to_owned());
        }
    }
    kafka.reverse(); // newest listing first
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=kafka&limit=2").await, kafka);
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=KaFk&limit=1").await, kafka);
    let mut oldest_first = kafka.clone();
    oldest_first.reverse();
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=kafka&order=asc&limit=2").await, oldest_first);
    // Shorter than a trigram: served by a scan in listing order, same answer.
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=ka&limit=2").await.len(), 3);
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=kafka%20c&limit=5").await, kafka[2..].to_vec());
    assert!(all_pages(&app, "/v1/catalog/products?q=kafka&delivery_method=saas").await.is_empty());
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=kafka&delivery_method=professional_service").await, kafka);
}

#[actix_web::test]
async fn lookups_by_id_at_once_each_get_their_own_product_or_a_404() {
    // No cache: every lookup goes to the batched readers, the same id twice in a batch among them.
    let app = TestApp::spawn_with(|config| config.catalog_cache_mb = 0).await;
    let token = app.seller("seller-a");
    let mut ids = Vec::new();
    for name in ["Kafka Cluster Migration", "Redis Health Check", "Data Lake Assessment"] {
        ids.push(id(&app.listed_product_with(&token, named(name, "What it does.")).await).to_owned());
    }
    let missing = "01a00000-0000-7000-8000-000000000000".to_owned();
    let wanted: Vec<&String> = (0..60).map(|i| if i % 10 == 9 { &missing } else { &ids[i % 3] }).collect();
    let paths: Vec<String> = wanted.iter().map(|id| format!("/v1/catalog/products/{id}")).collect();
    let lookups = paths.iter().map(|path| app.get(path, None));
    for (wanted, response) in wanted.iter().zip(futures_util::future::join_all(lookups).await) {
        if *wanted == &missing {
            response.problem(404);
        } else {
            response.assert_status(200);
            assert_eq!(response.json()["id"], wanted.as_str());
        }
    }
}

#[actix_web::test]
async fn search_takes_quotes_and_wildcards_literally() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let literal = app.listed_product_with(&token, named("Uptime Guarantee Service", "Up 100% of the \"time\".")).await;
    app.listed_product_with(&token, named("Uptime Review Service", "Up 1000 days in a row.")).await;
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=100%25").await, [id(&literal)]);
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=%22time%22").await, [id(&literal)]);
    assert!(all_pages(&app, "/v1/catalog/products?q=up_1").await.is_empty());
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=%22").await, [id(&literal)]);
}

#[actix_web::test]
async fn search_leaves_out_hidden_and_discontinued_products_and_follows_modifications() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let reviewer = app.token("reviewer-1", shelf_domain::Role::Reviewer);
    let hidden = named("Hidden Kafka Service", "Not listed.").with("/public_sales", json!(false));
    app.listed_product_with(&token, hidden).await;
    let removed = app.listed_product_with(&token, named("Removed Kafka Service", "Gone soon.")).await;
    let renamed = app.listed_product_with(&token, named("Kafka Operations", "Streams run for you.")).await;
    app.get(&format!("/v1/catalog/products/{}", id(&removed)), None).await.assert_status(200);
    let removal = app.post(&format!("/v1/products/{}/remove", id(&removed)), Some(&token), &json!({})).await;
    removal.assert_status(200);
    app.get(&format!("/v1/catalog/products/{}", id(&removed)), None).await.problem(410);
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=kafka").await, [id(&renamed)]);
    // An approved modification that renames the product moves it out of this search and into another,
    // and its catalog entry (cached by this read) follows.
    let before = app.get(&format!("/v1/catalog/products/{}", id(&renamed)), None).await;
    assert_eq!(before.json()["content"]["name"], "Kafka Operations");
    let draft = app.post(&format!("/v1/products/{}/drafts", id(&renamed)), Some(&token), &json!({})).await;
    draft.assert_status(201);
    let draft = draft.json();
    let patch = json!({"content": {"name": "Pulsar Operations", "summary": "Topics run for you."}});
    let path = format!("/v1/drafts/{}", id(&draft));
    let etag = format!("\"{}\"", draft["version"]);
    app.call(Method::PATCH, &path, Some(&token), &[("If-Match", &etag)], Body::Json(&patch)).await.assert_status(200);
    let submitted = app.post(&format!("{path}/submit"), Some(&token), &json!({})).await;
    submitted.assert_status(201);
    let approve = format!("/v1/applications/{}/approve", id(&submitted.json()));
    app.post(&approve, Some(&reviewer), &json!({})).await.assert_status(200);
    assert!(all_pages(&app, "/v1/catalog/products?q=kafka").await.is_empty());
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=pulsar").await, [id(&renamed)]);
    let entry = app.get(&format!("/v1/catalog/products/{}", id(&renamed)), None).await;
    assert_eq!(entry.json()["content"]["name"], "Pulsar Operations");
    assert_eq!(entry.header("etag"), Some("\"2\""));
}

#[actix_web::test]
async fn a_catalog_page_token_from_another_list_is_400() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    app.listed_product(&token).await;
    let draft = app.create_draft(&token, json!({})).await;
    app.create_draft(&token, json!({})).await;
    let drafts = app.get("/v1/drafts?limit=1", Some(&token)).await.json();
    let foreign = drafts["next_page_token"].as_str().unwrap();
    assert!(!id(&draft).is_empty());
    let problem = app.get(&format!("/v1/catalog/products?page_token={foreign}"), None).await.problem(400);
    assert_eq!(problem["errors"][0]["parameter"], "page_token");
}

#[actix_web::test]
async fn a_search_with_control_characters_is_a_400_naming_q_in_the_catalog_and_the_drafts() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    app.listed_product(&token).await;
    for q in ["W%00x", "ab%00cd%22", "%00", "kaf%1Bka", "x%7F"] {
        let p = app.get(&format!("/v1/catalog/products?q={q}"), None).await.problem(400);
        assert_eq!(p["errors"][0]["parameter"], "q", "{q}: {p}");
        let p = app.get(&format!("/v1/drafts?q={q}"), Some(&token)).await.problem(400);
        assert_eq!(p["errors"][0]["parameter"], "q", "{q}: {p}");
    }
    let p = app.get("/v1/catalog/products?q=tab%09no", None).await.problem(400);
    assert_eq!(p["errors"][0]["parameter"], "q", "{p}");
    app.get("/v1/catalog/products?q=plain%20words", None).await.assert_status(200);
    // A path that does not decode is not found like any other: the same problem type everywhere.
    for (path, token) in [("/v1/catalog/products/x%00y", None), ("/v1/drafts/x%00y", Some(token.as_str()))] {
        let p = app.get(path, token).await.problem(404);
        assert_eq!(p["type"], "urn:shelf:problem:not-found", "{path}: {p}");
    }
}

#[actix_web::test]
async fn a_nul_character_in_a_drafts_text_is_a_422_naming_the_field_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let draft = app.create_draft(&token, json!({ "name": "Kafka Migration Service" })).await;
    let path = format!("/v1/drafts/{}", draft["id"].as_str().unwrap());
    let etag = app.get(&path, Some(&token)).await.header("etag").unwrap().to_owned();
    let r = app.patch(&path, &token, Some(&etag), &json!({ "content": { "name": "Kafka\u{0}Migration" } })).await;
    let status = r.status.as_u16();
    assert!(status == 422 || status == 400, "{status}");
    let p = r.problem(status);
    assert!(p.to_string().contains("name"), "{p}");
    assert_eq!(app.get(&path, Some(&token)).await.json()["content"]["name"], "Kafka Migration Service");
}

#[actix_web::test]
async fn search_finds_the_same_products_after_the_search_index_is_merged() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let mut kafka = Vec::new();
    for name in ["Kafka Migration Service", "Kafka Tuning Service", "Pulsar Migration Service"] {
        let product = app.listed_product_with(&token, named(name, "Moves streams between clusters.")).await;
        if name.starts_with("Kafka") {
            kafka.insert(0, id(&product).to_owned());
        }
    }
    let before = all_pages(&app, "/v1/catalog/products?q=kafka&limit=1").await;
    assert_eq!(before, kafka);
    let sqlite = !crate::helpers::is_postgres();
    // Each product came in its own transaction: SQLite's index has segments to merge (PostgreSQL none).
    let merged = app.db.write(|c| products::merge_search_index(c, 1)).unwrap();
    assert_eq!(merged, sqlite);
    while app.db.write(|c| products::merge_search_index(c, 1)).unwrap() {}
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=kafka&limit=1").await, kafka);
    app.db.write(products::optimize_search_index).unwrap();
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=kafka&limit=1").await, kafka);
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=migration").await.len(), 2);
}

#[actix_web::test]
async fn a_search_longer_than_200_characters_is_400_naming_q() {
    let app = TestApp::spawn().await;
    let problem = app.get(&format!("/v1/catalog/products?q={}", "a".repeat(201)), None).await.problem(400);
    assert_eq!(problem["errors"][0]["parameter"], "q");
    app.get(&format!("/v1/catalog/products?q={}", "a".repeat(200)), None).await.assert_status(200);
    let token = app.seller("seller-a");
    app.get(&format!("/v1/drafts?q={}", "a".repeat(201)), Some(&token)).await.problem(400);
}

#[actix_web::test]
async fn searches_beyond_the_per_address_budget_are_429_and_plain_reads_are_not_counted() {
    let app = TestApp::spawn_with(|c| c.search_rate_limit_per_minute = 2).await;
    for _ in 0..5 {
        app.get("/v1/catalog/products", None).await.assert_status(200);
    }
    for _ in 0..2 {
        app.get("/v1/catalog/products?q=migration", None).await.assert_status(200);
    }
    let limited = app.get("/v1/catalog/products?q=migration", None).await;
    limited.problem(429);
    assert!(limited.header("retry-after").is_some_and(|s| s.parse::<u64>().is_ok_and(|s| (30..=31).contains(&s))));
}

#[actix_web::test]
async fn anonymous_callers_share_no_idempotency_keys() {
    let app = TestApp::spawn().await;
    let key: &[(&str, &str)] = &[("Idempotency-Key", "k")];
    let path = "/v1/catalog/products/none/quote";
    let first = json!({"specification": "x", "sku": "y", "period": "month"});
    app.call(Method::POST, path, None, key, Body::Json(&first)).await.problem(404);
    // Another caller (or the same) with the same key and another body: no replay, no 422, its own answer.
    let second = json!({"specification": "z", "sku": "y", "period": "year"});
    let res = app.call(Method::POST, path, None, key, Body::Json(&second)).await;
    res.problem(404);
    assert!(res.header("idempotent-replayed").is_none());
}

#[actix_web::test]
async fn a_quote_no_product_could_take_is_422_before_the_product_is_looked_up() {
    let app = TestApp::spawn().await;
    let token = app.seller("seller-a");
    let product = app.listed_product(&token).await;
    app.post(&format!("/v1/products/{}/remove", id(&product)), Some(&token), &json!({})).await.assert_status(200);
    let quote = format!("/v1/catalog/products/{}/quote", id(&product));
    for (body, pointer) in [
        (json!({"specification": "migration", "sku": "x", "period": "one_time", "periods": 0}), "/periods"),
        (json!({"specification": "migration", "sku": "x", "period": "one_time", "quantity": 0}), "/quantity"),
    ] {
        let problem = app.post(&quote, None, &body).await.problem(422);
        assert_eq!(problem["errors"][0]["pointer"], pointer);
    }
    let body = json!({"specification": "migration", "sku": "x", "period": "one_time", "periods": 1});
    app.post(&quote, None, &body).await.problem(410);
}

#[actix_web::test]
async fn a_search_reads_a_bounded_window_of_the_listing_and_paging_stays_exact() {
    use shelf_domain::application::Snapshot;
    use shelf_persistence::bulk::{self, Submission};
    let app = TestApp::spawn().await;
    // 2,500 listed products (more than a search window), every 600th a match for `zq`.
    let content: shelf_domain::DraftContent = serde_json::from_value(crate::helpers::complete_content()).unwrap();
    let at = shelf_persistence::now();
    let releases: Vec<Submission> = (0..2_500)
        .map(|i| {
            let name = if i % 600 == 0 { format!("Zq needle {i}") } else { format!("Plain service {i}") };
            let content = shelf_domain::DraftContent { name: Some(name), ..content.clone() };
            let snapshot = Snapshot::freeze(content, Vec::new(), Default::default());
            Submission { seller_id: "seller-a".into(), snapshot, submitted_at: at, due_at: at, extended_review: false }
        })
        .collect();
    let ids = app.db.write(|c| bulk::import_approved(c, &releases, "rev-1", at)).unwrap();
    let mut matches: Vec<String> = ids.iter().step_by(600).cloned().collect();
    matches.reverse(); // newest first
    // Shorter than a trigram: the first window (the newest 2,000) holds four matches, given as a short
    // page with the position it reached; the next page reads on from there.
    let first = app.get("/v1/catalog/products?q=zq", None).await.json();
    assert_eq!(first["items"].as_array().unwrap().len(), 4, "{first}");
    assert!(first["next_page_token"].is_string());
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=zq").await, matches);
    // Long enough for a trigram: SQLite's index reads every match in listing order (one page);
    // PostgreSQL reads windows of the listing like the short needle. Paging is exact on both.
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=zq%20needle").await, matches);
    if !crate::helpers::is_postgres() {
        let page = app.get("/v1/catalog/products?q=zq%20needle", None).await.json();
        assert_eq!(page["items"].as_array().unwrap().len(), 5, "{page}");
        assert!(page["next_page_token"].is_null());
    }
    let mut oldest_first = matches.clone();
    oldest_first.reverse();
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=zq%20needle&order=asc&limit=2").await, oldest_first);
    assert_eq!(all_pages(&app, "/v1/catalog/products?q=zq&order=asc&limit=2").await, oldest_first);
}
