//! A broken rule, reported with a JSON pointer into the content, a stable code and a severity.

use serde::Serialize;
use utoipa::ToSchema;

/// Stable, machine-readable codes for every rule a request or a content can break.
/// Clients switch on these; the messages are for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ViolationCode {
    /// A field that must be present is missing.
    Required,
    /// Longer (or more items) than allowed.
    TooLong,
    /// Shorter than required.
    TooShort,
    /// More items than allowed.
    TooMany,
    /// Not in the required format.
    InvalidFormat,
    /// A number outside its allowed range.
    OutOfRange,
    /// The JSON value has the wrong type.
    InvalidType,
    /// The value is not one of the allowed values.
    InvalidValue,
    /// A field that the schema does not know (typos are never silently dropped).
    UnknownField,
    /// A value that must be unique appears twice.
    Duplicate,
    /// The product name contains a phone number.
    NameContainsPhone,
    /// The product name contains a price.
    NameContainsPrice,
    /// The product name contains a version string.
    NameContainsVersion,
    /// The product name imitates the marketplace operator's own offerings.
    NameImitatesOperator,
    /// The average delivery period is unusually short or long (warning).
    DeliveryDaysUnusual,
    /// No after-sales hotline is given (warning).
    HotlineMissing,
    /// After-sales coverage is under 8 hours a day or 5 days a week.
    CoverageInsufficient,
    /// Not an ISO 4217 currency code.
    UnknownCurrency,
    /// The request body or a parameter is malformed.
    Malformed,
}

impl ViolationCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationCode::Required => "required",
            ViolationCode::TooLong => "too_long",
            ViolationCode::TooShort => "too_short",
            ViolationCode::TooMany => "too_many",
            ViolationCode::InvalidFormat => "invalid_format",
            ViolationCode::OutOfRange => "out_of_range",
            ViolationCode::InvalidType => "invalid_type",
            ViolationCode::InvalidValue => "invalid_value",
            ViolationCode::UnknownField => "unknown_field",
            ViolationCode::Duplicate => "duplicate",
            ViolationCode::NameContainsPhone => "name_contains_phone",
            ViolationCode::NameContainsPrice => "name_contains_price",
            ViolationCode::NameContainsVersion => "name_contains_version",
            ViolationCode::NameImitatesOperator => "name_imitates_operator",
            ViolationCode::DeliveryDaysUnusual => "delivery_days_unusual",
            ViolationCode::HotlineMissing => "hotline_missing",
            ViolationCode::CoverageInsufficient => "coverage_insufficient",
            ViolationCode::UnknownCurrency => "unknown_currency",
            ViolationCode::Malformed => "malformed",
        }
    }
}

/// Errors block submission; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One broken release requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Violation {
    /// JSON pointer (RFC 6901) into the draft content, e.g. `/after_sales/email`.
    #[schema(example = "/name")]
    pub pointer: String,
    pub code: ViolationCode,
    pub severity: Severity,
    #[schema(example = "name must be at most 100 characters")]
    pub message: String,
}

impl Violation {
    pub fn error(pointer: impl Into<String>, code: ViolationCode, message: impl Into<String>) -> Self {
        Violation { pointer: pointer.into(), code, severity: Severity::Error, message: message.into() }
    }

    pub fn warning(pointer: impl Into<String>, code: ViolationCode, message: impl Into<String>) -> Self {
        Violation { pointer: pointer.into(), code, severity: Severity::Warning, message: message.into() }
    }

    pub fn required(pointer: impl Into<String>) -> Self {
        let pointer = pointer.into();
        let message = format!("{} is required", pointer.trim_start_matches('/').replace('/', "."));
        Violation::error(pointer, ViolationCode::Required, message)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
