//! The webhook worker: claims due deliveries, sends each signed message with a 10 s timeout and no
//! redirects to a destination whose every address is public (unless private ones are allowed), and
//! records the answer. Per instance at most `PER_ENDPOINT` messages are in flight to one endpoint and
//! `IN_FLIGHT` in all, so a slow or dead endpoint never holds up another seller's deliveries.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::web;
use shelf_domain::webhook::{OutboundPolicy, TIMEOUT_SECONDS};
use shelf_persistence::Db;
use shelf_persistence::webhooks::Claimed;
use shelf_workflows::webhooks::{self, Outcome, Outgoing};

/// Messages in flight to one endpoint, per instance.
pub const PER_ENDPOINT: usize = 4;
/// Messages in flight in all, per instance.
pub const IN_FLIGHT: usize = 64;

/// Sends webhook messages.
pub struct Sender {
    client: reqwest::Client,
    policy: OutboundPolicy,
}

/// A resolver that answers only the addresses the policy allows: a name that resolves to a private
/// address (now, whatever it resolved to at registration) is never called.
struct Allowed(OutboundPolicy);

impl reqwest::dns::Resolve for Allowed {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let (policy, host) = (self.0, name.as_str().to_owned());
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found.into_iter().filter(|a| policy.allows(a.ip())).collect();
            if allowed.is_empty() {
                let refused: Box<dyn std::error::Error + Send + Sync> =
                    format!("{host} resolves to no public address").into();
                return Err(refused);
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

impl Sender {
    pub fn new(policy: OutboundPolicy) -> Result<Sender, String> {
        Sender::with_timeout(policy, Duration::from_secs(TIMEOUT_SECONDS))
    }

    /// A sender whose receivers have `timeout` to answer (tests shorten it).
    pub fn with_timeout(policy: OutboundPolicy, timeout: Duration) -> Result<Sender, String> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(Allowed(policy)))
            .user_agent("Shelf-Webhooks/1")
            .build()
            .map_err(|e| format!("webhook client: {e}"))?;
        Ok(Sender { client, policy })
    }

    /// Sends one message; the answer's status and the first bytes of its body, or why there was none.
    async fn send(&self, out: &Outgoing) -> Result<(u16, Vec<u8>), String> {
        let url = reqwest::Url::parse(&out.url).map_err(|e| format!("bad URL: {e}"))?;
        // An address in the URL itself is never resolved: check it here.
        if let Some(ip) = url.host_str().and_then(|h| h.trim_matches(['[', ']']).parse::<IpAddr>().ok())
            && !self.policy.allows(ip)
        {
            return Err(format!("{ip} is not a public address"));
        }
        let mut request = self.client.post(url).body(out.body.clone());
        for (name, value) in &out.headers {
            request = request.header(*name, value);
        }
        let mut response = request.send().await.map_err(|e| describe(&e))?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        while body.len() < shelf_domain::webhook::RESPONSE_KEPT_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                _ => break,
            }
        }
        Ok((status, body))
    }
}

/// A send error in a line, its causes included (never the URL's query: it may hold a token).
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    let mut text = what.to_owned();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// Sends one claimed delivery; what became of it.
async fn send(sender: &Sender, claimed: &Claimed) -> Outcome {
    match webhooks::sign(claimed, shelf_persistence::now()) {
        Ok(out) => match sender.send(&out).await {
            Ok((status, body)) => Outcome::Answered { status, body },
            Err(why) => Outcome::Failed(why),
        },
        Err(e) => Outcome::Failed(format!("not sent: {e}")),
    }
}

/// Records attempts in one transaction.
async fn record(db: &Db, attempts: Vec<(Claimed, Outcome)>) {
    if attempts.is_empty() {
        return;
    }
    let db = db.clone();
    match web::block(move || webhooks::attempted(&db, &attempts)).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => log::warn!("recording webhook attempts failed: {e}"),
        Err(e) => log::warn!("recording webhook attempts failed: {e}"),
    }
}

/// Claims what is due and sends it all, concurrently, then records the attempts; returns how many
/// were sent.
pub async fn deliver_once(db: &Db, sender: &Arc<Sender>) -> usize {
    let claimed = claim(db, IN_FLIGHT, Vec::new()).await;
    let count = claimed.len();
    let sends = claimed.into_iter().map(|c| async move {
        let outcome = send(sender, &c).await;
        (c, outcome)
    });
    record(db, futures_util::future::join_all(sends).await).await;
    count
}

async fn claim(db: &Db, room: usize, busy: Vec<String>) -> Vec<Claimed> {
    let db = db.clone();
    match web::block(move || webhooks::claim_due(&db, room, PER_ENDPOINT, &busy)).await {
        Ok(Ok(claimed)) => claimed,
        Ok(Err(e)) => {
            log::warn!("claiming webhook deliveries failed: {e}");
            vec![]
        }
        Err(e) => {
            log::warn!("claiming webhook deliveries failed: {e}");
            vec![]
        }
    }
}

/// Attempts recorded together at most: what finished while the last batch was being written.
const RECORD_BATCH: usize = 256;

/// The worker: every `tick`, and whenever a send finishes, claims what is due within its bounds and
/// sends each in a task of its own; a recorder writes the finished attempts in batches, so that
/// delivering does not take a write transaction per message from the releases that make them.
pub async fn run(db: Db, sender: Arc<Sender>, tick: Duration) {
    let in_flight: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let finished = Arc::new(tokio::sync::Notify::new());
    let (done, mut attempts) = tokio::sync::mpsc::unbounded_channel::<(Claimed, Outcome)>();
    let recorder_db = db.clone();
    actix_web::rt::spawn(async move {
        while let Some(first) = attempts.recv().await {
            let mut batch = vec![first];
            while batch.len() < RECORD_BATCH {
                match attempts.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
            record(&recorder_db, batch).await;
        }
    });
    let mut every = actix_web::rt::time::interval(tick);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = finished.notified() => {}
        }
        let (busy, total) = {
            let counts = in_flight.lock().unwrap_or_else(|p| p.into_inner());
            (counts.keys().cloned().collect::<Vec<_>>(), counts.values().sum::<usize>())
        };
        if total >= IN_FLIGHT {
            continue;
        }
        for claimed in claim(&db, IN_FLIGHT - total, busy).await {
            let endpoint = claimed.endpoint.id.clone();
            *in_flight.lock().unwrap_or_else(|p| p.into_inner()).entry(endpoint.clone()).or_default() += 1;
            let (sender, in_flight, finished, done) =
                (sender.clone(), in_flight.clone(), finished.clone(), done.clone());
            actix_web::rt::spawn(async move {
                let outcome = send(&sender, &claimed).await;
                let _ = done.send((claimed, outcome));
                {
                    let mut counts = in_flight.lock().unwrap_or_else(|p| p.into_inner());
                    if let Some(n) = counts.get_mut(&endpoint) {
                        *n -= 1;
                        if *n == 0 {
                            counts.remove(&endpoint);
                        }
                    }
                }
                finished.notify_one();
            });
        }
    }
}
