use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use shelf_server::JwtKey;

use crate::helpers::{SECRET, TestApp};

fn exp_in(seconds: i64) -> i64 {
    chrono::Utc::now().timestamp() + seconds
}

fn hs(alg: Algorithm, secret: &[u8], claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).unwrap()
}

fn seller_claims() -> Value {
    json!({"sub": "seller-a", "role": "seller", "exp": exp_in(3600)})
}

async fn drafts_status(app: &TestApp, token: &str) -> crate::helpers::Response {
    app.get("/v1/drafts", Some(token)).await
}

fn assert_401(res: &crate::helpers::Response) {
    res.problem(401);
    assert!(res.header("www-authenticate").is_some_and(|v| v.starts_with("Bearer")), "WWW-Authenticate: Bearer");
}

#[actix_web::test]
async fn a_valid_hs256_seller_token_is_accepted() {
    let app = TestApp::spawn().await;
    drafts_status(&app, &hs(Algorithm::HS256, SECRET, &seller_claims())).await.assert_status(200);
}

#[actix_web::test]
async fn a_missing_token_is_401_with_www_authenticate() {
    let app = TestApp::spawn().await;
    assert_401(&app.get("/v1/drafts", None).await);
}

#[actix_web::test]
async fn a_malformed_authorization_header_is_401() {
    let app = TestApp::spawn().await;
    for value in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not.a.jwt"] {
        let res = app
            .call(
                actix_web::http::Method::GET,
                "/v1/drafts",
                None,
                &[("Authorization", value)],
                crate::helpers::Body::None,
            )
            .await;
        assert_401(&res);
    }
}

#[actix_web::test]
async fn an_unsigned_alg_none_token_is_401() {
    let app = TestApp::spawn().await;
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let claims = URL_SAFE_NO_PAD.encode(seller_claims().to_string());
    assert_401(&drafts_status(&app, &format!("{header}.{claims}.")).await);
}

#[actix_web::test]
async fn a_token_with_another_algorithm_is_401() {
    let app = TestApp::spawn().await;
    assert_401(&drafts_status(&app, &hs(Algorithm::HS512, SECRET, &seller_claims())).await);
}

#[actix_web::test]
async fn a_token_with_a_wrong_signature_is_401() {
    let app = TestApp::spawn().await;
    assert_401(
        &drafts_status(&app, &hs(Algorithm::HS256, b"another-secret-of-32-bytes-or-more", &seller_claims())).await,
    );
}

#[actix_web::test]
async fn an_expired_token_is_401() {
    let app = TestApp::spawn().await;
    let claims = json!({"sub": "seller-a", "role": "seller", "exp": exp_in(-3600)});
    let res = drafts_status(&app, &hs(Algorithm::HS256, SECRET, &claims)).await;
    assert_401(&res);
    assert!(res.json()["detail"].as_str().unwrap().contains("expired"));
}

#[actix_web::test]
async fn a_token_without_sub_or_role_or_exp_is_401() {
    let app = TestApp::spawn().await;
    for claims in [
        json!({"role": "seller", "exp": exp_in(3600)}),
        json!({"sub": "seller-a", "exp": exp_in(3600)}),
        json!({"sub": "seller-a", "role": "seller"}),
        json!({"sub": "seller-a", "role": "superuser", "exp": exp_in(3600)}),
        json!({"sub": "", "role": "seller", "exp": exp_in(3600)}),
    ] {
        assert_401(&drafts_status(&app, &hs(Algorithm::HS256, SECRET, &claims)).await);
    }
}

#[actix_web::test]
async fn a_token_whose_sub_holds_control_characters_is_401() {
    let app = TestApp::spawn().await;
    for sub in ["seller\u{0}a", "seller\na", "\u{7f}"] {
        let claims = json!({"sub": sub, "role": "seller", "exp": exp_in(3600)});
        assert_401(&drafts_status(&app, &hs(Algorithm::HS256, SECRET, &claims)).await);
    }
}

#[actix_web::test]
async fn a_reviewer_or_admin_on_a_seller_route_is_403() {
    let app = TestApp::spawn().await;
    for role in ["reviewer", "admin"] {
        let claims = json!({"sub": "someone", "role": role, "exp": exp_in(3600)});
        drafts_status(&app, &hs(Algorithm::HS256, SECRET, &claims)).await.problem(403);
    }
}

#[actix_web::test]
async fn issuer_and_audience_are_checked_when_configured() {
    let app = TestApp::spawn_with(|c| {
        c.jwt_issuer = Some("https://id.example".into());
        c.jwt_audience = Some("shelf".into());
    })
    .await;
    let good = json!({"sub": "s", "role": "seller", "exp": exp_in(3600), "iss": "https://id.example", "aud": "shelf"});
    drafts_status(&app, &hs(Algorithm::HS256, SECRET, &good)).await.assert_status(200);
    for bad in [
        json!({"sub": "s", "role": "seller", "exp": exp_in(3600), "iss": "https://evil.example", "aud": "shelf"}),
        json!({"sub": "s", "role": "seller", "exp": exp_in(3600), "iss": "https://id.example", "aud": "other"}),
        json!({"sub": "s", "role": "seller", "exp": exp_in(3600)}),
    ] {
        assert_401(&drafts_status(&app, &hs(Algorithm::HS256, SECRET, &bad)).await);
    }
}

#[actix_web::test]
async fn rs256_with_a_public_key_accepts_rs256_and_refuses_hs256() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/api/fixtures");
    let public = std::fs::read(dir.join("rs256_public.pem")).unwrap();
    let private = std::fs::read(dir.join("rs256_private.pem")).unwrap();
    let app =
        TestApp::spawn_with(|c| c.jwt_key = JwtKey::PublicKeyPem(dir.join("rs256_public.pem"), public.clone())).await;
    let rs = jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &seller_claims(),
        &EncodingKey::from_rsa_pem(&private).unwrap(),
    )
    .unwrap();
    drafts_status(&app, &rs).await.assert_status(200);
    // The classic confusion attack: HS256 signed with the public key as the secret.
    assert_401(&drafts_status(&app, &hs(Algorithm::HS256, &public, &seller_claims())).await);
    assert_401(&drafts_status(&app, &hs(Algorithm::HS256, SECRET, &seller_claims())).await);
}

#[actix_web::test]
async fn without_a_token_a_secured_operation_is_401_whatever_else_is_wrong_with_the_request() {
    use crate::helpers::Body;
    use actix_web::http::Method;
    let app = TestApp::spawn().await;
    let bad_key: &[(&str, &str)] = &[("Idempotency-Key", "has spaces in it")];
    let json = |bytes: &[u8]| Body::Raw("application/json", bytes.to_vec());
    let responses = [
        app.call(Method::POST, "/v1/drafts", None, bad_key, json(b"{not json")).await,
        app.call(Method::POST, "/v1/drafts/x/submit", None, bad_key, Body::None).await,
        app.call(Method::PATCH, "/v1/drafts/x", None, &[], Body::Raw("text/plain", b"no If-Match".to_vec())).await,
        app.call(Method::PUT, "/v1/drafts/x/logo", None, &[], Body::Raw("image/gif", b"GIF89a".to_vec())).await,
        app.call(Method::GET, "/v1/drafts?limit=0&unknown=1", None, &[], Body::None).await,
    ];
    for res in responses {
        assert_401(&res);
    }
}

#[actix_web::test]
async fn a_role_the_operation_does_not_serve_is_403_before_its_body_or_headers_are_read() {
    use crate::helpers::Body;
    use actix_web::http::Method;
    let app = TestApp::spawn().await;
    let reviewer = hs(Algorithm::HS256, SECRET, &json!({"sub": "r", "role": "reviewer", "exp": exp_in(3600)}));
    let seller = hs(Algorithm::HS256, SECRET, &seller_claims());
    let bad_key: &[(&str, &str)] = &[("Idempotency-Key", "has spaces in it")];
    let json = |bytes: &[u8]| Body::Raw("application/json", bytes.to_vec());
    let res = app.call(Method::POST, "/v1/drafts", Some(&reviewer), bad_key, json(b"{")).await;
    assert!(res.problem(403)["detail"].as_str().unwrap().contains("seller"));
    app.call(Method::PATCH, "/v1/drafts/x", Some(&reviewer), &[], Body::None).await.problem(403);
    let res = app.call(Method::POST, "/v1/applications/x/reject", Some(&seller), &[], json(b"[")).await;
    assert!(res.problem(403)["detail"].as_str().unwrap().contains("reviewer"));
    app.call(Method::PUT, "/v1/admin/holidays", Some(&seller), &[], Body::None).await.problem(403);
}

#[actix_web::test]
async fn a_token_not_valid_before_tomorrow_is_401_today() {
    let app = TestApp::spawn().await;
    let claims = json!({"sub": "s", "role": "seller", "exp": exp_in(7 * 86400), "nbf": exp_in(86400)});
    let res = drafts_status(&app, &hs(Algorithm::HS256, SECRET, &claims)).await;
    assert_401(&res);
    assert!(res.json()["detail"].as_str().unwrap().contains("nbf"));
    let claims = json!({"sub": "s", "role": "seller", "exp": exp_in(3600), "nbf": exp_in(-60)});
    drafts_status(&app, &hs(Algorithm::HS256, SECRET, &claims)).await.assert_status(200);
}

#[actix_web::test]
async fn an_audience_array_naming_this_server_is_accepted() {
    let app = TestApp::spawn_with(|c| c.jwt_audience = Some("shelf".into())).await;
    let many = json!({"sub": "s", "role": "seller", "exp": exp_in(3600), "aud": ["billing", "shelf"]});
    drafts_status(&app, &hs(Algorithm::HS256, SECRET, &many)).await.assert_status(200);
    let others = json!({"sub": "s", "role": "seller", "exp": exp_in(3600), "aud": ["billing", "crm"]});
    assert_401(&drafts_status(&app, &hs(Algorithm::HS256, SECRET, &others)).await);
}

#[actix_web::test]
async fn a_token_naming_a_critical_header_parameter_is_401() {
    let app = TestApp::spawn().await;
    let mut header = Header::new(Algorithm::HS256);
    header.crit = Some(vec!["exp".into()]);
    let token = jsonwebtoken::encode(&header, &seller_claims(), &EncodingKey::from_secret(SECRET)).unwrap();
    let res = drafts_status(&app, &token).await;
    assert_401(&res);
    assert!(res.json()["detail"].as_str().unwrap().contains("crit"));
}

#[actix_web::test]
async fn a_reviewer_token_with_a_sellers_sub_neither_decides_its_application_nor_replays_its_responses() {
    use crate::helpers::Body;
    use actix_web::http::Method;
    let app = TestApp::spawn().await;
    let seller = app.seller("acme");
    let twin = hs(Algorithm::HS256, SECRET, &json!({"sub": "acme", "role": "reviewer", "exp": exp_in(3600)}));
    let draft = app.ready_draft(&seller).await;
    let submit = format!("/v1/drafts/{}/submit", draft["id"].as_str().unwrap());
    let key: &[(&str, &str)] = &[("Idempotency-Key", "same-key")];
    let application = app.call(Method::POST, &submit, Some(&seller), key, Body::None).await;
    application.assert_status(201);
    // The reviewer twin reuses the key on another operation: no replay of the seller's 201, its own answer.
    let queue = app.call(Method::POST, &submit, Some(&twin), key, Body::None).await;
    assert!(queue.header("idempotent-replayed").is_none());
    queue.problem(403);
    let approve = format!("/v1/applications/{}/approve", application.json()["id"].as_str().unwrap());
    let res = app.post(&approve, Some(&twin), &json!({})).await;
    assert!(res.problem(403)["detail"].as_str().unwrap().contains("own account"));
    app.post(&approve, Some(&app.token("reviewer-1", shelf_domain::Role::Reviewer)), &json!({}))
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn contact_claims_that_are_not_addresses_are_not_kept() {
    let app = TestApp::spawn().await;
    let claims = json!({"sub": "acme", "role": "seller", "exp": exp_in(3600),
                        "email": "ops\u{0}@example.com", "phone": "+86 755\r\n1234 5678"});
    let token = hs(Algorithm::HS256, SECRET, &claims);
    let draft = app.ready_draft(&token).await;
    let submit = format!("/v1/drafts/{}/submit", draft["id"].as_str().unwrap());
    let application = app.post(&submit, Some(&token), &json!({})).await;
    application.assert_status(201);
    let approve = format!("/v1/applications/{}/approve", application.json()["id"].as_str().unwrap());
    let reviewer = app.token("reviewer-1", shelf_domain::Role::Reviewer);
    app.post(&approve, Some(&reviewer), &json!({})).await.assert_status(200);
    let outbox = app.db.read(shelf_persistence::notifications::outbox_counts).unwrap();
    assert_eq!(outbox, vec![], "no email or SMS to addresses that are not addresses");
}
