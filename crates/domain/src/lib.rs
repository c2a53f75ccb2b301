//! Shelf's business rules: product content and its release requirements, drafts, reference data.
//! Pure: no I/O, no database, no HTTP.

#[macro_use]
pub mod text_enum;

pub mod account;
pub mod application;
pub mod asset;
pub mod attribute;
pub mod calendar;
pub mod capability;
pub mod contact;
pub mod content;
pub mod draft;
pub mod files;
pub mod limits;
pub mod notification;
pub mod package;
pub mod pricing;
pub mod product;
pub mod refusal;
pub mod region;
pub mod saas;
pub mod sales;
pub mod service_flow;
pub mod upload;
pub mod violation;
pub mod webhook;

pub use account::{Account, ApplicationId, AssetId, DraftId, ProductId, Role, SellerId};
pub use content::DraftContent;
pub use draft::{Draft, DraftAction, DraftKind, DraftState, Transition};
pub use refusal::{Precondition, Refusal};
pub use violation::{Severity, Violation, ViolationCode};
