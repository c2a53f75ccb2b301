//! The HTTP side of the load tools: tokens, complete drafts made through the API, and the helpers
//! their measurements share.

use std::time::Duration;

use awc::Client;
use serde_json::{Value, json};
use shelf_domain::Role;
use shelf_http::auth::{Claims, issue_hs256};

/// A draft's content every load client releases: the seeder's first product, public, its SKU codes
/// left for the server to assign.
pub fn release_content() -> Value {
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(3);
    let mut content = serde_json::to_value(crate::content(&mut rng, 1)).expect("content");
    content["public_sales"] = json!(true);
    for spec in content["specifications"].as_array_mut().into_iter().flatten() {
        for sku in spec["skus"].as_array_mut().into_iter().flatten() {
            sku.as_object_mut().map(|s| s.remove("code"));
        }
    }
    content
}

/// A bearer token (the `Authorization` header's value) for `sub` in `role`, valid two hours.
pub fn token(secret: &str, sub: &str, role: Role) -> String {
    let exp = (chrono::Utc::now() + chrono::Duration::hours(2)).timestamp() as u64;
    let claims = Claims { sub: sub.into(), role, exp, email: None, phone: None, iss: None, aud: None };
    format!("Bearer {}", issue_hs256(secret.as_bytes(), &claims).expect("token"))
}

fn multipart(filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "shelf-load-boundary-7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The response's JSON body when its status is `status`; else an error naming `what`.
pub async fn expect<S>(
    response: Result<awc::ClientResponse<S>, awc::error::SendRequestError>,
    status: u16,
    what: &str,
) -> Result<Value, String>
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, awc::error::PayloadError>> + Unpin,
{
    let mut response = response.map_err(|e| format!("{what}: {e}"))?;
    let body = response.body().limit(1 << 22).await.map_err(|e| format!("{what}: {e}"))?;
    if response.status().as_u16() != status {
        return Err(format!("{what}: {} {}", response.status(), String::from_utf8_lossy(&body)));
    }
    Ok(serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// Makes one complete draft and returns its id.
pub async fn prepare(
    client: &Client,
    base: &str,
    seller: &str,
    content: &Value,
    files: &[(String, Vec<u8>)],
) -> Result<String, String> {
    let draft = expect(
        client
            .post(format!("{base}/v1/drafts"))
            .insert_header(("Authorization", seller))
            .send_json(&json!({"content": content}))
            .await,
        201,
        "create draft",
    )
    .await?;
    let id = draft["id"].as_str().ok_or("a draft without id")?.to_owned();
    let logo = client
        .put(format!("{base}/v1/drafts/{id}/logo"))
        .insert_header(("Authorization", seller))
        .content_type("image/png")
        .send_body(files[0].1.clone())
        .await;
    expect(logo, 200, "logo").await?;
    let (content_type, body) = multipart(&files[1].0, &files[1].1);
    let template = client
        .post(format!("{base}/v1/drafts/{id}/request-templates"))
        .insert_header(("Authorization", seller))
        .content_type(content_type)
        .send_body(body)
        .await;
    expect(template, 201, "request template").await?;
    Ok(id)
}

/// The `p`th percentile of sorted durations, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize - 1;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}
