//! One mechanism for every closed set that is stored or sent as text: `text_enum!` gives a fieldless
//! enum `ALL`, `as_str`, `Display` and a `FromStr` whose error names the accepted values.

/// A text that names no member of a closed set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownText {
    /// What the set is, for the message (`role`, `draft state`, …).
    pub what: &'static str,
    pub text: String,
    pub expected: &'static [&'static str],
}

impl std::fmt::Display for UnknownText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let expected = match self.expected {
            [] => String::new(),
            [one] => (*one).to_owned(),
            [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
        };
        write!(f, "unknown {} `{}`: expected {expected}", self.what, self.text)
    }
}

impl std::error::Error for UnknownText {}

macro_rules! text_enum {
    ($ty:ident $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// Every member, in declaration order.
            pub const ALL: [$ty; [$($text),+].len()] = [$($ty::$variant),+];

            /// The member's text, as stored and as serialised.
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::text_enum::UnknownText;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok(Self::$variant),)+
                    other => Err($crate::text_enum::UnknownText {
                        what: $what,
                        text: other.to_owned(),
                        expected: &[$($text),+],
                    }),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::application::ApplicationStatus;
    use crate::content::DeliveryMethod;
    use crate::notification::{Channel, EventType};
    use crate::pricing::Period;
    use crate::product::ProductStatus;
    use crate::service_flow::ServiceFlowTemplateCode;
    use crate::{DraftKind, DraftState, Role};

    fn round_trips<T>(all: &[T])
    where
        T: Copy + PartialEq + std::fmt::Debug + std::fmt::Display + std::str::FromStr,
        T::Err: std::fmt::Debug,
    {
        for v in all {
            assert_eq!(v.to_string().parse::<T>().unwrap(), *v);
        }
        assert!("no such member".parse::<T>().is_err());
    }

    #[test]
    fn every_closed_set_round_trips_through_its_text() {
        round_trips(&Role::ALL);
        round_trips(&DraftKind::ALL);
        round_trips(&DraftState::ALL);
        round_trips(&ApplicationStatus::ALL);
        round_trips(&ProductStatus::ALL);
        round_trips(&EventType::ALL);
        round_trips(&Channel::ALL);
        round_trips(&DeliveryMethod::ALL);
        round_trips(&Period::ALL);
        round_trips(&ServiceFlowTemplateCode::ALL);
        round_trips(&crate::files::FileKind::ALL);
        round_trips(&crate::asset::AssetKind::ALL);
        round_trips(&crate::asset::AssetStatus::ALL);
        round_trips(&crate::upload::UploadStatus::ALL);
        round_trips(&crate::package::PackageFormat::ALL);
    }

    #[test]
    fn the_error_names_the_set_and_what_it_accepts() {
        let e = "owner".parse::<Role>().unwrap_err();
        assert_eq!(e.to_string(), "unknown role `owner`: expected seller, reviewer or admin");
    }
}
