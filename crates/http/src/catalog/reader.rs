//! Catalog entries read by id in batches. A lookup that misses the cache queues for one of a few
//! reader threads, which takes every lookup waiting and answers them all with one statement on one
//! connection: under load a burst of lookups costs one hand-off to a database thread and one query,
//! where a thread of the blocking pool per lookup spent most of the machine waking threads
//! (bench/HISTORY.md).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use shelf_persistence::products::{self, ProductEntry};
use shelf_persistence::{Db, Error};
use tokio::sync::oneshot;

use crate::problem::ApiError;

/// The most lookups answered by one statement.
const MAX_BATCH: usize = 32;

type Reply = oneshot::Sender<Result<Option<ProductEntry>, ApiError>>;

struct Lookup {
    id: String,
    reply: Reply,
}

/// The reader threads; they stop when this is dropped.
pub struct EntryReader {
    readers: Vec<mpsc::Sender<Lookup>>,
    next: AtomicUsize,
}

impl EntryReader {
    /// Starts `threads` readers (at least one) on `db`.
    pub fn start(db: Db, threads: usize) -> std::io::Result<EntryReader> {
        let readers = (0..threads.max(1))
            .map(|n| {
                let (sender, lookups) = mpsc::channel();
                let db = db.clone();
                std::thread::Builder::new().name(format!("catalog-reader-{n}")).spawn(move || serve(&db, &lookups))?;
                Ok(sender)
            })
            .collect::<std::io::Result<_>>()?;
        Ok(EntryReader { readers, next: AtomicUsize::new(0) })
    }

    /// The catalog entry of product `id` (any status); 404 when there is none.
    pub async fn get(&self, id: String) -> Result<ProductEntry, ApiError> {
        let (reply, answer) = oneshot::channel();
        let reader = &self.readers[self.next.fetch_add(1, Ordering::Relaxed) % self.readers.len()];
        reader.send(Lookup { id, reply }).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())??.ok_or(ApiError::NotFound)
    }
}

fn stopped() -> ApiError {
    ApiError::Internal("the catalog reader stopped".into())
}

/// Answers lookups until every sender is gone: each round takes what is waiting, up to a batch.
fn serve(db: &Db, lookups: &mpsc::Receiver<Lookup>) {
    while let Ok(first) = lookups.recv() {
        let batch: Vec<Lookup> = std::iter::once(first).chain(lookups.try_iter().take(MAX_BATCH - 1)).collect();
        let entries = {
            let ids: Vec<&str> = batch.iter().map(|l| l.id.as_str()).collect();
            db.read(|c| products::catalog_entries(c, &ids))
        };
        match entries {
            Ok(entries) => answer(batch, entries),
            Err(e) => {
                for Lookup { reply, .. } in batch {
                    let _ = reply.send(Err(shared(&e)));
                }
            }
        }
    }
}

/// Gives each lookup its entry (or none); an id asked for twice in one batch gets a copy.
fn answer(batch: Vec<Lookup>, entries: Vec<ProductEntry>) {
    let mut by_id: HashMap<String, (ProductEntry, usize)> =
        entries.into_iter().map(|e| (e.id.clone(), (e, 0))).collect();
    for lookup in &batch {
        if let Some((_, askers)) = by_id.get_mut(&lookup.id) {
            *askers += 1;
        }
    }
    for Lookup { id, reply } in batch {
        let entry = match by_id.get_mut(&id) {
            Some((entry, askers)) if *askers > 1 => {
                *askers -= 1;
                Some(entry.clone())
            }
            _ => by_id.remove(&id).map(|(entry, _)| entry),
        };
        // The asker may have gone (a closed connection): nothing to do.
        let _ = reply.send(Ok(entry));
    }
}

/// A database error, for every lookup of the batch it failed.
fn shared(e: &Error) -> ApiError {
    match e {
        Error::Unavailable(cause) => ApiError::Unavailable(cause.clone()),
        other => ApiError::internal(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shelf_domain::product::ProductStatus;

    fn entry(id: &str) -> ProductEntry {
        ProductEntry { id: id.into(), status: ProductStatus::OnSale, version: 1, json: id.into(), gzip: vec![] }
    }

    fn lookup(id: &str) -> (Lookup, oneshot::Receiver<Result<Option<ProductEntry>, ApiError>>) {
        let (reply, answer) = oneshot::channel();
        (Lookup { id: id.into(), reply }, answer)
    }

    #[test]
    fn every_lookup_of_a_batch_gets_its_entry_a_copy_when_asked_twice_and_none_when_missing() {
        let (lookups, mut answers): (Vec<_>, Vec<_>) = ["a", "b", "a", "nope", "a"].into_iter().map(lookup).unzip();
        answer(lookups, vec![entry("b"), entry("a")]);
        let got: Vec<Option<String>> =
            answers.iter_mut().map(|a| a.try_recv().expect("answered").expect("no error").map(|e| e.id)).collect();
        let expected = [Some("a"), Some("b"), Some("a"), None, Some("a")].map(|id| id.map(String::from));
        assert_eq!(got, expected);
    }

    #[test]
    fn a_database_error_reaches_every_lookup_of_the_batch_as_an_error() {
        assert!(matches!(shared(&Error::Unavailable("pool timed out".into())), ApiError::Unavailable(_)));
        assert!(matches!(shared(&Error::Corrupt("bad row".into())), ApiError::Internal(_)));
    }

    #[test]
    fn a_reader_stops_once_every_sender_is_gone() {
        let db = Db::open(":memory:", Some(1)).expect("in-memory SQLite");
        let (sender, lookups) = mpsc::channel();
        drop(sender);
        serve(&db, &lookups); // returns instead of waiting for lookups forever
    }
}
