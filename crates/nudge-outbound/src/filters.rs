//! The filters templates may use: `length` (alias `count`), `join` and `map(attribute=…)`.
//!
//! minijinja's `builtins` feature (≈ 50 filters, 30 tests, `range`/`dict`/`namespace`) is off:
//! it was ≈ 20 KB of the gzipped wasm and the templates use three filters (issue 12,
//! BENCHMARKS.md). These follow minijinja's own definitions for the cases templates meet.
//! Output stays bounded by fuel and by `render`'s output limit; the lists they walk come from the
//! message context (a few hundred invoices at most) or from a template's slice of one.

use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind};

/// Registers the filters on `env`.
pub(crate) fn register(env: &mut Environment<'_>) {
    env.add_filter("length", length);
    env.add_filter("count", length);
    env.add_filter("join", join);
    env.add_filter("map", map);
}

/// Number of items of a list or map, or characters of a string.
fn length(value: &Value) -> Result<usize, Error> {
    value.len().ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("cannot calculate length of value of type {}", value.kind()),
        )
    })
}

/// The items of a list (or the characters of a string) written one after another with `joiner`
/// (default none) between them; `none` joins to "". In an HTML template the result is escaped
/// when it is printed, like any other string.
fn join(value: &Value, joiner: Option<&str>) -> Result<String, Error> {
    let joiner = joiner.unwrap_or("");
    if value.is_none() || value.is_undefined() {
        return Ok(String::new());
    }
    if let Some(s) = value.as_str() {
        let chars: Vec<String> = s.chars().map(String::from).collect();
        return Ok(chars.join(joiner));
    }
    let mut out = String::new();
    for (idx, item) in value.try_iter()?.enumerate() {
        if idx > 0 {
            out.push_str(joiner);
        }
        match item.as_str() {
            Some(s) => out.push_str(s),
            None => out.push_str(&item.to_string()),
        }
    }
    Ok(out)
}

/// `map(attribute="name")`: the attribute `name` of every item (`default=` for items without
/// it; without a default a missing attribute is an error, as undefined values are in Nudge's
/// strict templates).
/// Dotted paths (`attribute="amount.currency"`) walk into nested values.
fn map(value: &Value, kwargs: Kwargs) -> Result<Vec<Value>, Error> {
    let attribute: String = kwargs.get("attribute")?;
    let default: Option<Value> = kwargs.get("default")?;
    kwargs.assert_all_used()?;
    if value.kind() != ValueKind::Seq && value.kind() != ValueKind::Iterable {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("cannot map over a value of type {}", value.kind()),
        ));
    }
    let mut out = Vec::new();
    for item in value.try_iter()? {
        let mut sub = item;
        for part in attribute.split('.') {
            if sub.is_undefined() {
                break;
            }
            sub = sub.get_attr(part)?;
        }
        out.push(match (&default, sub.is_undefined()) {
            (_, false) => sub,
            (Some(default), true) => default.clone(),
            (None, true) => {
                return Err(Error::new(
                    ErrorKind::UndefinedError,
                    format!("an item has no attribute `{attribute}`"),
                ))
            }
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    fn render(source: &str, ctx: Value) -> Result<String, Error> {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        register(&mut env);
        env.render_str(source, ctx)
    }

    #[test]
    fn length_counts_items_and_characters() {
        let ctx = context! { xs => vec![1, 2, 3], s => "héllo" };
        assert_eq!(render("{{ xs|length }} {{ s|count }}", ctx).unwrap(), "3 5");
        assert!(render("{{ 3|length }}", context! {}).is_err());
    }

    #[test]
    fn join_writes_items_with_the_joiner() {
        let ctx = context! { xs => vec!["a", "b"], ns => vec![1, 2], s => "ab" };
        assert_eq!(
            render(
                "{{ xs|join(', ') }}|{{ ns|join }}|{{ s|join('-') }}|{{ none|join }}",
                ctx
            )
            .unwrap(),
            "a, b|12|a-b|"
        );
    }

    #[test]
    fn map_takes_an_attribute_with_an_optional_default() {
        let ctx = context! {
            xs => vec![context! { n => "1", m => context! { c => "EUR" } }, context! { n => "2" }],
        };
        assert_eq!(
            render("{{ xs|map(attribute='n')|join(',') }}", ctx.clone()).unwrap(),
            "1,2"
        );
        assert_eq!(
            render(
                "{{ xs|map(attribute='m.c', default='-')|join(',') }}",
                ctx.clone()
            )
            .unwrap(),
            "EUR,-"
        );
        assert!(render("{{ xs|map(attribute='m.c')|join(',') }}", ctx.clone()).is_err());
        assert!(render("{{ xs|map(attribute='n', bogus=1) }}", ctx).is_err());
    }
}
