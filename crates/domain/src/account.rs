//! Who is calling: the roles a token can carry.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The role claim of a token (domain.md "Actors").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Seller,
    Reviewer,
    Admin,
}

text_enum!(Role "role" { Seller => "seller", Reviewer => "reviewer", Admin => "admin" });

/// The authenticated caller: who, in which role, and the contacts their token gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub role: Role,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl Account {
    /// The caller as a seller (the id of what they own).
    pub fn seller_id(&self) -> SellerId {
        SellerId(self.id.clone())
    }
}

/// Defines a typed id: a `String` that cannot be passed where another kind of id is expected.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(id)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// A seller account's id: the owner of drafts, products, files and settings.
    SellerId
);
id_type!(
    /// A draft's id.
    DraftId
);
id_type!(
    /// An asset's id (a software package or an image reference).
    AssetId
);
id_type!(
    /// A listed (or removed) product's id.
    ProductId
);
id_type!(
    /// An application's id (one submission of a draft).
    ApplicationId
);
