//! The outbox worker: delivers the email and SMS notifications that decisions wrote, with retries.
//! Each row is claimed before delivery (a conditional update), so instances never deliver the same
//! row at once; a worker that dies mid-delivery leaves its claim to expire and the row is retried.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use lettre::message::Mailbox;
use lettre::{Message, SmtpTransport, Transport};
use shelf_domain::notification::Channel;
use shelf_persistence::Db;
use shelf_persistence::notifications::{self, Claimed};

const BATCH: i64 = 20;

/// Where notifications go. Unconfigured channels are logged instead of sent.
pub struct Delivery {
    /// How long a claim lasts before another worker may retry the row.
    lease: chrono::Duration,
    smtp: Option<SmtpTransport>,
    from: Mailbox,
    sms_webhook: Option<String>,
}

impl Delivery {
    pub fn new(smtp_url: Option<&str>, mail_from: Option<&str>, sms_webhook: Option<&str>) -> Result<Delivery, String> {
        let smtp = smtp_url.map(smtp_transport).transpose()?;
        let from = mail_from
            .unwrap_or("Shelf <noreply@shelf.invalid>")
            .parse()
            .map_err(|e| format!("SHELF_MAIL_FROM: {e}"))?;
        Ok(Delivery { lease: chrono::Duration::seconds(60), smtp, from, sms_webhook: sms_webhook.map(str::to_owned) })
    }

    /// Sets how long a claim lasts (the time a row waits when its worker died mid-delivery).
    /// How long a claim on an outbox row lasts before another worker may retry it.
    pub fn lease(&self) -> chrono::Duration {
        self.lease
    }

    pub fn with_lease(mut self, seconds: u32) -> Delivery {
        self.lease = chrono::Duration::seconds(i64::from(seconds.max(1)));
        self
    }

    async fn send(&self, item: &Claimed) -> Result<(), String> {
        match item.channel {
            Channel::Email => {
                let Some(smtp) = self.smtp.clone() else {
                    log::info!("email notification {} (no SHELF_SMTP_URL: not sent): {}", item.id, item.subject);
                    return Ok(());
                };
                let message = Message::builder()
                    .from(self.from.clone())
                    .to(item.recipient.parse().map_err(|e| format!("bad recipient: {e}"))?)
                    .subject(&item.subject)
                    // The outbox id, so that a receiver can drop the duplicate of a retried delivery.
                    .message_id(Some(format!("<{}@shelf>", item.id)))
                    .body(item.body.clone())
                    .map_err(|e| e.to_string())?;
                web::block(move || smtp.send(&message).map(drop).map_err(|e| e.to_string()))
                    .await
                    .map_err(|e| e.to_string())?
            }
            Channel::Sms => {
                let Some(url) = &self.sms_webhook else {
                    log::info!("SMS notification {} (no SHELF_SMS_WEBHOOK_URL: not sent)", item.id);
                    return Ok(());
                };
                let body = serde_json::json!({"id": item.id, "to": item.recipient, "text": item.body});
                let response = awc::Client::default()
                    .post(url)
                    .timeout(Duration::from_secs(10))
                    .send_json(&body)
                    .await
                    .map_err(|e| e.to_string())?;
                if response.status().is_success() {
                    Ok(())
                } else {
                    Err(format!("the SMS webhook answered {}", response.status()))
                }
            }
        }
    }
}

/// A plain SMTP relay from `smtp://host[:port]` (port 25 by default). TLS is left to the relay
/// (a local MTA), which keeps TLS libraries out of the build.
fn smtp_transport(url: &str) -> Result<SmtpTransport, String> {
    let rest = url.strip_prefix("smtp://").ok_or("SHELF_SMTP_URL: expected smtp://host[:port]")?;
    let authority = rest.trim_end_matches('/');
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse::<u16>().map_err(|_| format!("SHELF_SMTP_URL: bad port `{port}`"))?),
        None => (authority, 25),
    };
    if host.is_empty() {
        return Err("SHELF_SMTP_URL: no host".into());
    }
    Ok(SmtpTransport::builder_dangerous(host).port(port).timeout(Some(Duration::from_secs(10))).build())
}

/// Delivers one batch of due notifications; returns how many were delivered.
pub async fn run_once(db: &Db, delivery: &Delivery) -> Result<usize, String> {
    let claiming = db.clone();
    let lease = delivery.lease;
    let claimed = web::block(move || claiming.write(|c| notifications::claim_due(c, BATCH, lease)))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let mut delivered = 0;
    for item in claimed {
        let outcome = delivery.send(&item).await;
        let db = db.clone();
        let item = Arc::new(item);
        let recorded = item.clone();
        let result = web::block(move || match &outcome {
            Ok(()) => db.write(|c| notifications::delivered(c, &recorded)).map(|ours| ours as usize),
            Err(error) => db.write(|c| notifications::failed(c, &recorded, error)).map(|()| 0),
        })
        .await
        .map_err(|e| e.to_string())?;
        match result {
            Ok(n) => delivered += n,
            Err(e) => log::warn!("notification {}: could not record the attempt: {e}", item.id),
        }
    }
    Ok(delivered)
}

/// Runs the worker forever, every `every`.
pub async fn run(db: Db, delivery: Arc<Delivery>, every: Duration) {
    let mut tick = actix_web::rt::time::interval(every);
    loop {
        tick.tick().await;
        if let Err(e) = run_once(&db, &delivery).await {
            log::warn!("outbox delivery failed: {e}");
        }
    }
}
