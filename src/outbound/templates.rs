//! The operator's template overrides. They are stored in D1 `settings` under `settings::TEMPLATES_KEY` as
//! a JSON object `{"en/reminder.txt.j2": "<minijinja source>", …}`, validated when set (every kind
//! and tone must still render), and applied on top of the built-in set for every reminder.

use nudge_core::sorted_map::SortedMap;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::OnceLock;

use nudge_outbound::{TemplateError, Templates};
use serde_json::json;

use crate::logging;

/// The built-in template set, parsed once per isolate (≈ 1 ms).
pub fn builtin() -> &'static Templates {
    static T: OnceLock<Templates> = OnceLock::new();
    T.get_or_init(Templates::builtin)
}

/// Parses the stored overrides (an absent or unreadable value means none).
pub fn parse_overrides(stored: Option<&str>) -> SortedMap<String, String> {
    stored
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default()
}

/// The built-in set with `overrides` applied, each validated.
pub fn apply(overrides: &SortedMap<String, String>) -> Result<Templates, (String, TemplateError)> {
    let mut set = builtin().clone();
    for (name, source) in overrides {
        set = set
            .with_override(name, source.as_str())
            .map_err(|e| (name.clone(), e))?;
    }
    Ok(set)
}

thread_local! {
    /// The last effective set and the stored text it was built from: overrides change rarely,
    /// so an isolate rebuilds only when the stored text changes.
    static EFFECTIVE: RefCell<Option<(String, Rc<Templates>)>> = const { RefCell::new(None) };
}

/// The set reminders are rendered with, for the stored overrides text. An override that no
/// longer validates (e.g. after a template variable was renamed) is logged and the built-in set
/// is used instead, so reminders keep going out.
pub fn effective(stored: Option<&str>) -> Rc<Templates> {
    let key = stored.unwrap_or("").to_string();
    if let Some(hit) = EFFECTIVE.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, t)| Rc::clone(t))
    }) {
        return hit;
    }
    let set = match apply(&parse_overrides(stored)) {
        Ok(set) => Rc::new(set),
        Err((name, e)) => {
            logging::error(
                "templates.override_invalid",
                json!({"name": name, "error": e.to_string()}),
            );
            Rc::new(builtin().clone())
        }
    };
    EFFECTIVE.with(|c| *c.borrow_mut() = Some((key, Rc::clone(&set))));
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_apply_and_broken_ones_are_refused_with_their_name() {
        let mut overrides = SortedMap::new();
        overrides.insert(
            "en/_signature.txt.j2".to_string(),
            "Kind regards, the Collections Desk".to_string(),
        );
        let set = apply(&overrides).expect("a valid override applies");
        assert!(set.names().any(|n| n == "en/_signature.txt.j2"));

        overrides.insert("en/reminder.txt.j2".to_string(), "{% if %}".to_string());
        let (name, _) = apply(&overrides).expect_err("a template that does not parse is refused");
        assert_eq!(name, "en/reminder.txt.j2");
    }

    #[test]
    fn an_unreadable_stored_value_means_no_overrides() {
        assert!(parse_overrides(Some("not json")).is_empty());
        assert!(parse_overrides(None).is_empty());
    }
}
