//! Shelf's use cases: save, patch, submit, withdraw, approve, reject, modify, remove, settings. Each
//! is one function that takes typed inputs (the account, typed ids, parsed values), runs in one
//! transaction, writes its own events and notifications, and returns a typed result. Handlers,
//! workers, batches and tests call these; none of them needs an HTTP request.
//!
//! The rules are the domain's (`shelf_domain`); the data access is persistence's. A workflow reads,
//! asks the domain, writes.

pub mod assets;
pub mod capabilities;
pub mod catalogue;
pub mod drafts;
pub mod files;
mod notify;
pub mod outbound;
pub mod products;
pub mod review;
pub mod saas;
pub mod settings;
pub mod uploads;
pub mod webhooks;

use shelf_domain::Refusal;

pub use shelf_persistence::Db;

/// Why a use case did not happen: a rule refused it, or the store failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Store(#[from] shelf_persistence::Error),
}

impl From<shelf_persistence::diesel_result::Error> for Error {
    fn from(e: shelf_persistence::diesel_result::Error) -> Self {
        Error::Store(e.into())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
