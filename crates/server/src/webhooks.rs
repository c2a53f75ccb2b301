//! The webhook worker: claims due deliveries, sends each signed message with a 10 s timeout and no
//! redirects to a destination whose every address is public (unless private ones are allowed), and
//! records the answer. Per instance at most `PER_ENDPOINT` messages are in flight to one endpoint and
//! `IN_FLIGHT` in all, so a slow or dead endpoint never holds up another seller's deliveries.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::web;
use shelf_persistence::Db;
use shelf_persistence::webhooks::Claimed;
pub use shelf_workflows::outbound::Sender;
use shelf_workflows::webhooks::{self, Outcome};
use tokio::sync::Notify;

/// Messages in flight to one endpoint, per instance.
pub const PER_ENDPOINT: usize = 4;
/// Messages in flight in all, per instance.
pub const IN_FLIGHT: usize = 64;

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

/// Numbers committed events first (PostgreSQL numbers them after commit, and a delivery waits for its
/// event's cursor; the server's event follower does this on each of its rounds), then claims what is due, sends
/// it all concurrently and records the attempts; returns how many were sent.
pub async fn deliver_once(db: &Db, sender: &Arc<Sender>) -> usize {
    let sequencer = db.clone();
    if let Ok(Err(e)) =
        web::block(move || shelf_persistence::notifications::sequence_committed_events(&sequencer)).await
    {
        log::warn!("numbering events failed: {e}");
    }
    let claimed = claim(db, IN_FLIGHT, Vec::new(), DEFAULT_LEASE).await;
    let count = claimed.len();
    let sends = claimed.into_iter().map(|c| async move {
        let outcome = send(sender, &c).await;
        (c, outcome)
    });
    record(db, futures_util::future::join_all(sends).await).await;
    count
}

/// How long a claim lasts where the configuration does not say (`SHELF_WEBHOOK_LEASE_SECONDS`).
pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);

async fn claim(db: &Db, room: usize, busy: Vec<String>, lease: Duration) -> Vec<Claimed> {
    let db = db.clone();
    match web::block(move || webhooks::claim_due(&db, room, PER_ENDPOINT, &busy, lease)).await {
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

/// The worker: every `tick`, whenever a send finishes and whenever `new_events` is told (the event
/// follower saw the feed grow), claims what is due within its bounds and sends each in a task of
/// its own; a recorder writes the finished attempts in batches, so that delivering does not take a
/// write transaction per message from the releases that make them.
pub async fn run(db: Db, sender: Arc<Sender>, tick: Duration, lease: Duration, new_events: Arc<Notify>) {
    let in_flight: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let finished = Arc::new(Notify::new());
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
            _ = new_events.notified() => {}
        }
        let (busy, total) = {
            let counts = in_flight.lock().unwrap_or_else(|p| p.into_inner());
            (counts.keys().cloned().collect::<Vec<_>>(), counts.values().sum::<usize>())
        };
        if total >= IN_FLIGHT {
            continue;
        }
        for claimed in claim(&db, IN_FLIGHT - total, busy, lease).await {
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
