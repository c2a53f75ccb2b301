//! Requests Shelf makes to sellers' systems (webhooks, SaaS access verification): https to public
//! addresses only (unless private destinations are allowed, for tests), a connect timeout and a
//! deadline for the answer, no redirects, and at most the first KB of the answer read.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use shelf_domain::webhook::{OutboundPolicy, TIMEOUT_SECONDS};

use crate::webhooks::Outgoing;

/// Sends requests to sellers' systems.
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
    pub async fn send(&self, out: &Outgoing) -> Result<(u16, Vec<u8>), String> {
        self.send_within(out, None).await
    }

    /// `send`, with its own deadline for the answer instead of the sender's.
    pub async fn send_within(&self, out: &Outgoing, timeout: Option<Duration>) -> Result<(u16, Vec<u8>), String> {
        let url = reqwest::Url::parse(&out.url).map_err(|e| format!("bad URL: {e}"))?;
        // An address in the URL itself is never resolved: check it here.
        if let Some(ip) = url.host_str().and_then(|h| h.trim_matches(['[', ']']).parse::<IpAddr>().ok())
            && !self.policy.allows(ip)
        {
            return Err(format!("{ip} is not a public address"));
        }
        let mut request = self.client.post(url).body(out.body.clone());
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
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
