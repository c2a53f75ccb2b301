//! What sellers are told: internal messages, email/SMS notifications, and the event feed's types.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::application::ApplicationStatus;

/// An event of the feed integrations poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub enum EventType {
    #[serde(rename = "application.submitted")]
    ApplicationSubmitted,
    #[serde(rename = "application.approved")]
    ApplicationApproved,
    #[serde(rename = "application.rejected")]
    ApplicationRejected,
    #[serde(rename = "application.withdrawn")]
    ApplicationWithdrawn,
    #[serde(rename = "product.listed")]
    ProductListed,
    #[serde(rename = "product.hidden")]
    ProductHidden,
    #[serde(rename = "product.modified")]
    ProductModified,
    #[serde(rename = "product.removed")]
    ProductRemoved,
    /// A hardware product's stock was set (never reviewed).
    #[serde(rename = "product.inventory_changed")]
    ProductInventoryChanged,
    /// A listed product's sales settings changed (never reviewed).
    #[serde(rename = "product.sales_changed")]
    ProductSalesChanged,
    #[serde(rename = "asset.approved")]
    AssetApproved,
    #[serde(rename = "asset.rejected")]
    AssetRejected,
}

text_enum!(EventType "event type" {
    ApplicationSubmitted => "application.submitted",
    ApplicationApproved => "application.approved",
    ApplicationRejected => "application.rejected",
    ApplicationWithdrawn => "application.withdrawn",
    ProductListed => "product.listed",
    ProductHidden => "product.hidden",
    ProductModified => "product.modified",
    ProductRemoved => "product.removed",
    ProductInventoryChanged => "product.inventory_changed",
    ProductSalesChanged => "product.sales_changed",
    AssetApproved => "asset.approved",
    AssetRejected => "asset.rejected",
});

impl EventType {
    /// The resource an event is about and the state it leaves it in, where the type says it.
    pub fn resource_state(self) -> Option<(&'static str, &'static str)> {
        use EventType::*;
        Some(match self {
            ApplicationSubmitted => ("application", "pending"),
            ApplicationApproved => ("application", "approved"),
            ApplicationRejected => ("application", "rejected"),
            ApplicationWithdrawn => ("application", "withdrawn"),
            ProductListed => ("product", "on_sale"),
            ProductHidden => ("product", "hidden"),
            AssetApproved => ("asset", "approved"),
            AssetRejected => ("asset", "rejected"),
            ProductModified | ProductRemoved | ProductInventoryChanged | ProductSalesChanged => return None,
        })
    }
}

/// How a notification travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
}

text_enum!(Channel "channel" { Email => "email", Sms => "sms" });

/// The message a stock change sends when it leaves SKUs sold out: subject and body.
pub fn sold_out_message(product_name: &str, skus: &[String]) -> (String, String) {
    let name = if product_name.is_empty() { "your product" } else { product_name };
    (
        format!("Sold out: {name}"),
        format!(
            "{} of {name} {} sold out: the catalog says so and quotes are refused until you set stock again: {}.",
            if skus.len() == 1 { "One SKU" } else { "Some SKUs" },
            if skus.len() == 1 { "is" } else { "are" },
            skus.join(", ")
        ),
    )
}

/// The message sent when an upgrade rule stops holding: subject and body.
pub fn invalid_rule_message(product_name: &str, rule: &crate::sales::UpgradeRule) -> (String, String) {
    let name = if product_name.is_empty() { "your product" } else { product_name };
    (
        format!("Upgrade rule no longer valid: {name}"),
        format!(
            "The upgrade from {} to {} in `{}` of {name} no longer holds: {}. Customers cannot make it until you set \
             the sales configuration again.",
            rule.from_sku,
            rule.to_sku,
            rule.specification,
            rule.invalid_reason.as_deref().unwrap_or("invalid")
        ),
    )
}

/// The message a review decision sends: subject and body.
pub fn decision_message(product_name: &str, status: ApplicationStatus, reason: Option<&str>) -> (String, String) {
    let name = if product_name.is_empty() { "your product" } else { product_name };
    match status {
        ApplicationStatus::Approved => {
            (format!("Approved: {name}"), format!("Your application for {name} was approved. The product is now live."))
        }
        ApplicationStatus::Rejected => (
            format!("Rejected: {name}"),
            format!(
                "Your application for {name} was rejected. Reason: {}\nFix the draft and submit it again.",
                reason.unwrap_or("(none given)")
            ),
        ),
        other => (
            format!("Application {}: {name}", other.as_str()),
            format!("Your application for {name} is {}.", other.as_str()),
        ),
    }
}

/// Seconds to wait before delivery attempt `attempt` (1-based): exponential, capped at an hour.
pub fn retry_delay_seconds(attempt: i32) -> i64 {
    let exponent = attempt.clamp(1, 12) as u32 - 1;
    (5i64 << exponent).min(3600)
}

/// Attempts after which a notification is given up (and kept, marked failed).
pub const MAX_DELIVERY_ATTEMPTS: i32 = 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_round_trip() {
        for e in EventType::ALL {
            assert_eq!(e.as_str().parse::<EventType>(), Ok(e));
            assert_eq!(serde_json::to_value(e).unwrap(), e.as_str());
        }
    }

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        assert_eq!([1, 2, 3, 4].map(retry_delay_seconds), [5, 10, 20, 40]);
        assert_eq!(retry_delay_seconds(12), 3600);
        assert_eq!(retry_delay_seconds(-3), 5);
    }

    #[test]
    fn a_rejection_message_carries_the_reason() {
        let (subject, body) = decision_message("Data Migration", ApplicationStatus::Rejected, Some("Too vague."));
        assert_eq!(subject, "Rejected: Data Migration");
        assert!(body.contains("Too vague."));
    }
}
