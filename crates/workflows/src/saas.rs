//! SaaS access verification: a seller registers an endpoint (its signing secret shown once); verifying
//! it POSTs a signed `{"type": "verify", "nonce", "timestamp"}` and records whether it answered 200
//! within 5 s with the same nonce, how long it took, and why not.

use std::time::{Duration, Instant};

use serde_json::json;
use shelf_domain::refusal::check_account_room;
use shelf_domain::saas::{KEPT_VERIFICATIONS, MAX_SAAS_ENDPOINTS, VERIFY_TIMEOUT_SECONDS, answer_passes, check_url};
use shelf_domain::webhook::OutboundPolicy;
use shelf_domain::{Precondition, Refusal, SellerId};
use shelf_persistence::saas::{self, NewVerification, SaasEndpoint, VerificationRow};
use shelf_persistence::{Db, Page, Paged, now};

use crate::outbound::Sender;
use crate::webhooks::Outgoing;
use crate::{Error, Result};

/// Registers an endpoint (at most 20 per seller); its secret is in the answer, this once.
pub fn create(db: &Db, seller: &SellerId, url: &str, policy: OutboundPolicy) -> Result<SaasEndpoint> {
    check_url(url, policy).map_err(|v| Refusal::Invalid(vec![v]))?;
    db.write(|c| {
        check_account_room("SaaS endpoints", saas::count_for_seller(c, seller.as_str())?, MAX_SAAS_ENDPOINTS)?;
        Ok(saas::insert(c, seller.as_str(), url, &crate::webhooks::new_secret())?)
    })
}

/// The seller's endpoint and its newest verifications.
pub fn get(db: &Db, seller: &SellerId, id: &str) -> Result<(SaasEndpoint, Vec<VerificationRow>)> {
    Ok(db.read(|c| {
        let endpoint = saas::get_for_seller(c, seller.as_str(), id)?;
        let verifications = saas::verifications_of(c, id, KEPT_VERIFICATIONS)?;
        Ok((endpoint, verifications))
    })?)
}

pub fn list(db: &Db, seller: &SellerId, page: &Page) -> Result<Paged<SaasEndpoint>> {
    Ok(db.read(|c| saas::list_for_seller(c, seller.as_str(), page))?)
}

pub fn delete(db: &Db, seller: &SellerId, id: &str, precondition: &Precondition) -> Result<()> {
    db.write(|c| {
        let current = saas::get_for_seller(c, seller.as_str(), id)?;
        precondition.check(current.version)?;
        Ok(saas::delete(c, &current)?)
    })
}

/// Runs database work off the async threads.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Store(shelf_persistence::Error::Unavailable(format!("a blocking task failed: {e}"))))?
}

/// Verifies the seller's endpoint now: sends the signed `verify` message (5 s to answer, no
/// redirects, public destinations only) and records what came of it. A failing verification is a
/// result, not an error.
pub async fn verify(db: &Db, sender: &Sender, seller: &SellerId, id: &str) -> Result<VerificationRow> {
    let (reader, seller_id, endpoint_id) = (db.clone(), seller.clone(), id.to_owned());
    let endpoint =
        blocking(move || Ok(reader.read(|c| saas::get_for_seller(c, seller_id.as_str(), &endpoint_id))?)).await?;
    let nonce = shelf_persistence::new_id();
    let at = now();
    let body = serde_json::to_vec(&json!({"type": "verify", "nonce": nonce, "timestamp": at}))
        .map_err(|e| Error::Store(shelf_persistence::Error::Corrupt(e.to_string())))?;
    let message_id = format!("verify_{}", nonce.replace('-', ""));
    let signature = standardwebhooks::Webhook::new(&endpoint.secret)
        .and_then(|w| w.sign(&message_id, at.timestamp(), &body))
        .map_err(|e| Error::Store(shelf_persistence::Error::Corrupt(format!("signing: {e}"))))?;
    let out = Outgoing {
        url: endpoint.url.clone(),
        headers: vec![
            ("webhook-id", message_id),
            ("webhook-timestamp", at.timestamp().to_string()),
            ("webhook-signature", signature),
            ("content-type", "application/json".into()),
        ],
        body,
    };
    let started = Instant::now();
    let answer = sender.send_within(&out, Some(Duration::from_secs(VERIFY_TIMEOUT_SECONDS))).await;
    let latency_ms = started.elapsed().as_millis() as i64;
    /// What the check reads of an answer: its `nonce`, if it is a JSON object.
    #[derive(serde::Deserialize)]
    struct Echo {
        nonce: Option<String>,
    }
    let (status, verdict) = match &answer {
        Ok((status, body)) => {
            let echo = serde_json::from_slice::<Echo>(body).ok();
            (Some(*status), answer_passes(*status, echo.as_ref().map(|e| e.nonce.as_deref()), &nonce))
        }
        Err(why) => (None, Err(why.clone())),
    };
    let writer = db.clone();
    blocking(move || {
        let v = NewVerification {
            passed: verdict.is_ok(),
            status,
            latency_ms: answer.is_ok().then_some(latency_ms),
            error: verdict.as_ref().err().map(String::as_str),
            at,
        };
        Ok(writer.write(|c| saas::record(c, &endpoint, &v, KEPT_VERIFICATIONS))?)
    })
    .await
}
