//! A specification's attributes: enumerations (their values) and at most one quantity (its range and step).

use super::*;

pub(super) fn check_attributes(spec: &Specification, at: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    let attributes = spec.attributes.as_deref().unwrap_or_default();
    let mut quantities = 0;
    let mut codes = HashSet::with_capacity(attributes.len());
    for (j, a) in attributes.iter().enumerate() {
        let at = format!("{at}/attributes/{j}");
        match a.code.as_deref() {
            None => out.push(Violation::required(format!("{at}/code"))),
            Some(code) if !is_attribute_code(code) => out.push(Violation::error(
                format!("{at}/code"),
                ViolationCode::InvalidFormat,
                format!("an attribute code is a letter then letters, digits, `_` or `-` (at most {KEY_MAX_CHARS}); got `{code}`"),
            )),
            Some(code) if is_reserved_attribute_name(code) => out.push(Violation::error(
                format!("{at}/code"),
                ViolationCode::ReservedName,
                format!("`{code}` is a preset attribute name"),
            )),
            Some(code) if !codes.insert(code) => out.push(
                Violation::error(format!("{at}/code"), ViolationCode::Duplicate, format!("code `{code}` is used twice")),
            ),
            Some(_) => {}
        }
        out.extend(check_name(&format!("{at}/name"), a.name.as_deref()));
        match a.attribute_type {
            None => out.push(Violation::required(format!("{at}/type"))),
            Some(AttributeType::Enumeration) => out.extend(check_enumeration(a, &at)),
            Some(AttributeType::Quantity) => {
                quantities += 1;
                if quantities > 1 {
                    out.push(Violation::error(
                        format!("{at}/type"),
                        ViolationCode::TooManyQuantityAttributes,
                        "a specification has at most one quantity attribute",
                    ));
                }
                out.extend(check_quantity(a, &at));
            }
        }
    }
    out
}

fn check_enumeration(a: &SpecAttribute, at: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    for (field, present) in
        [("unit", a.unit.is_some()), ("min", a.min.is_some()), ("max", a.max.is_some()), ("step", a.step.is_some())]
    {
        if present {
            out.push(Violation::error(
                format!("{at}/{field}"),
                ViolationCode::InvalidValue,
                format!("`{field}` belongs to quantity attributes"),
            ));
        }
    }
    match a.values.as_deref() {
        None | Some([]) => out.push(Violation::error(
            format!("{at}/values"),
            ViolationCode::Required,
            "an enumeration has 1..20 values",
        )),
        Some(values) => {
            if values.len() > MAX_VALUES {
                out.push(Violation::error(
                    format!("{at}/values"),
                    ViolationCode::TooMany,
                    format!("at most {MAX_VALUES} values, got {}", values.len()),
                ));
            }
            let mut seen = HashSet::with_capacity(values.len());
            for (k, v) in values.iter().enumerate() {
                if let Some(violation) = check_name(&format!("{at}/values/{k}"), Some(v)) {
                    out.push(violation);
                } else if !seen.insert(v) {
                    out.push(Violation::error(
                        format!("{at}/values/{k}"),
                        ViolationCode::Duplicate,
                        format!("value `{v}` is repeated"),
                    ));
                }
            }
        }
    }
    out
}

fn check_quantity(a: &SpecAttribute, at: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    if a.values.is_some() {
        out.push(Violation::error(
            format!("{at}/values"),
            ViolationCode::InvalidValue,
            "`values` belong to enumeration attributes",
        ));
    }
    match a.unit.as_deref().map(str::trim) {
        None => out.push(Violation::required(format!("{at}/unit"))),
        Some("") => out.push(Violation::error(format!("{at}/unit"), ViolationCode::TooShort, "unit must not be empty")),
        Some(_) => {}
    }
    let (min, max, step) = (a.min, a.max, a.step);
    for (field, value) in [("min", min), ("max", max), ("step", step)] {
        match value {
            None => out.push(Violation::required(format!("{at}/{field}"))),
            Some(0) => out.push(Violation::error(
                format!("{at}/{field}"),
                ViolationCode::OutOfRange,
                format!("{field} must be at least 1"),
            )),
            Some(_) => {}
        }
    }
    if let (Some(min), Some(max)) = (min, max)
        && max < min
    {
        out.push(Violation::error(
            format!("{at}/max"),
            ViolationCode::OutOfRange,
            format!("max ({max}) is below min ({min})"),
        ));
    }
    if let (Some(min @ 1..), Some(max), Some(step @ 1..)) = (min, max, step)
        && max >= min
        && (max - min) % step != 0
    {
        out.push(Violation::error(
            format!("{at}/step"),
            ViolationCode::StepMismatch,
            format!("max − min ({}) is not a multiple of the step ({step})", max - min),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;

    #[test]
    fn enumeration_values_are_one_to_twenty_distinct_non_empty() {
        let attr = |values: serde_json::Value| {
            let mut v = base();
            v["attributes"][0]["values"] = values;
            check(v)
        };
        assert!(has(&attr(json!([])), "/specifications/0/attributes/0/values", ViolationCode::Required));
        let many: Vec<String> = (0..21).map(|i| format!("v{i}")).collect();
        assert!(has(&attr(json!(many)), "/specifications/0/attributes/0/values", ViolationCode::TooMany));
        assert!(has(
            &attr(json!(["basic", "basic", "enterprise"])),
            "/specifications/0/attributes/0/values/1",
            ViolationCode::Duplicate
        ));
        assert!(has(
            &attr(json!(["basic", " ", "enterprise"])),
            "/specifications/0/attributes/0/values/1",
            ViolationCode::TooShort
        ));
    }

    #[test]
    fn quantity_ranges_are_checked() {
        let quantity = |min: u32, max: u32, step: u32| {
            let mut v = base();
            v["attributes"][1]["min"] = json!(min);
            v["attributes"][1]["max"] = json!(max);
            v["attributes"][1]["step"] = json!(step);
            check(v)
        };
        let at = "/specifications/0/attributes/1";
        assert!(has(&quantity(0, 10, 1), &format!("{at}/min"), ViolationCode::OutOfRange));
        assert!(has(&quantity(5, 4, 1), &format!("{at}/max"), ViolationCode::OutOfRange));
        assert!(has(&quantity(1, 10, 0), &format!("{at}/step"), ViolationCode::OutOfRange));
        assert!(has(&quantity(1, 10, 2), &format!("{at}/step"), ViolationCode::StepMismatch));
        assert_eq!(quantity(1, 11, 2), []);
        let mut v = base();
        v["attributes"].as_array_mut().unwrap().push(json!({"code": "users", "name": "Users", "type": "quantity", "unit": "user", "min": 1, "max": 5, "step": 1}));
        assert!(has(&check(v), "/specifications/0/attributes/2/type", ViolationCode::TooManyQuantityAttributes));
    }

    #[test]
    fn reserved_attribute_codes_are_refused() {
        let mut v = base();
        v["attributes"][0]["code"] = json!("version");
        assert!(has(&check(v), "/specifications/0/attributes/0/code", ViolationCode::ReservedName));
    }
}
