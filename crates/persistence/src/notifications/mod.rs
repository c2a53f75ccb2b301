//! What sellers are told: internal messages, the email/SMS outbox with its delivery claims,
//! notification settings and the contacts of accounts, and the event feed; one module per table.

mod contacts;
mod events;
mod messages;
mod outbox;

pub use contacts::*;
pub use events::*;
pub use messages::*;
pub use outbox::*;
