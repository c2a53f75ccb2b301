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
    /// A field that is not allowed here (for this kind or delivery method).
    NotAllowed,
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
    /// A name reserved for the marketplace's preset attributes.
    ReservedName,
    /// More than one quantity attribute in a specification.
    TooManyQuantityAttributes,
    /// A quantity range whose (max − min) is not a multiple of its step.
    StepMismatch,
    /// A quantity that is not min + k × step.
    NotOnStepGrid,
    /// More SKUs than a specification may have.
    TooManySkus,
    /// A combination of enumeration values without a SKU.
    SkuMissing,
    /// A SKU whose values are not a combination of the attributes.
    SkuUnknown,
    /// More than one SKU where the delivery method allows one per specification.
    MultiSkuNotAllowed,
    /// The billing mode is not available for the delivery method.
    BillingModeNotAllowed,
    /// A price that the pricing kind does not allow here (a SKU price in a simple specification, or the reverse).
    PricingConflict,
    /// A period the billing mode needs has no amount.
    PriceMissing,
    /// An amount for a period the billing mode does not have.
    PeriodNotAllowed,
    /// A linear or tiered price in a specification without a quantity attribute.
    QuantityAttributeRequired,
    /// Tier bounds that do not strictly increase.
    TiersNotIncreasing,
    /// A last tier with an upper bound.
    LastTierNotOpen,
    /// An amount too large to compute.
    AmountOverflow,
    /// A referenced resource (pricing template, catalogue attribute) that does not exist or is not yours.
    NotFound,
    /// A pricing template in another currency than the product's.
    CurrencyMismatch,
    /// Not a readable image of the required format.
    InvalidImage,
    /// An image of the wrong size.
    ImageDimensions,
    /// A file type that is not accepted here.
    UnsupportedFileType,
    /// A file whose bytes are not what its name says.
    FileContentMismatch,
    /// A modification that drops a released specification or SKU (remove it instead).
    ReleasedItemDropped,
    /// A modification that changes what may not change after release (billing mode, quantity step).
    ReleasedItemChanged,
    /// A specification or SKU that the seller removed.
    Removed,
    /// A modification that changes what is fixed once released (the delivery method, SaaS supervision,
    /// a free image's pricing).
    Immutable,
    /// A SaaS production URL without a passing access verification in the last 90 days.
    NotVerified,
    /// The seller already has as many of these as an account may keep.
    LimitReached,
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

    /// The same violation, found in a value that sits at `prefix` of a larger document.
    pub fn under(mut self, prefix: &str) -> Self {
        self.pointer.insert_str(0, prefix);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
