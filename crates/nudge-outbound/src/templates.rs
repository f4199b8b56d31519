//! The template set: built-in templates embedded in the binary, plus operator overrides.
//!
//! Templates are named `<locale>/<name>.<txt|html>.j2`: one per message kind and format
//! (`en/reminder.html.j2`), shared partials starting with `_` (`en/_invoices.txt.j2`), and
//! `subject.txt.j2` / `thread_subject.txt.j2` for the subject lines. Partials are included by
//! bare name (`{% include "_invoices.txt.j2" %}`) and resolve to the including template's locale,
//! then its language, then English, so a new locale only needs the files whose wording differs.
//!
//! `.html` templates are HTML-autoescaped; `.txt` templates are not (they are plain text).
//! Every override is validated when it is loaded: it must parse, and every message kind and tone
//! must render with it against a sample context, so a typo fails at configuration time rather
//! than when a reminder is due.

use std::borrow::Cow;
use std::sync::Arc;

use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use nudge_core::sorted_map::SortedMap;

use crate::locale;

/// Why a template could not be loaded or rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// An override's name is not `<locale>/<name>.<txt|html>.j2`.
    #[error("`{0}` is not a template name of the form `<locale>/<name>.<txt|html>.j2`")]
    InvalidName(String),
    /// A template does not parse.
    #[error("template `{name}` does not parse: {message}")]
    Syntax {
        /// The template's name.
        name: String,
        /// The parser's message, with the line.
        message: String,
    },
    /// A template failed while rendering (undefined variable, type error, out of fuel).
    #[error("template `{name}` failed to render: {message}")]
    Render {
        /// The template's name.
        name: String,
        /// What went wrong, with the line.
        message: String,
    },
    /// No locale in the fallback chain has the template.
    #[error("no template `{0}` for any locale in the fallback chain")]
    Missing(String),
}

/// Upper bound on template instructions per render: an operator template can loop, but it
/// cannot hold a Worker's CPU hostage.
const FUEL: u64 = 2_000_000;

/// Nesting depth of includes, loops and conditions (minijinja counts an include as several
/// levels). The built-ins nest a handful.
const RECURSION_LIMIT: usize = 100;

macro_rules! builtin {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../templates/", $path)))),*]
    };
}

/// Every built-in template, by name.
static BUILTIN: &[(&str, &str)] = builtin![
    "en/_layout.txt.j2",
    "en/_layout.html.j2",
    "en/_greeting.txt.j2",
    "en/_greeting.html.j2",
    "en/_invoices.txt.j2",
    "en/_invoices.html.j2",
    "en/_situation.txt.j2",
    "en/_situation.html.j2",
    "en/_evidence.txt.j2",
    "en/subject.txt.j2",
    "en/thread_subject.txt.j2",
    "en/courtesy.txt.j2",
    "en/courtesy.html.j2",
    "en/reminder.txt.j2",
    "en/reminder.html.j2",
    "en/firm_reminder.txt.j2",
    "en/firm_reminder.html.j2",
    "en/final_notice.txt.j2",
    "en/final_notice.html.j2",
    "en/promise_confirmation.txt.j2",
    "en/promise_confirmation.html.j2",
    "en/dispute_acknowledgement.txt.j2",
    "en/dispute_acknowledgement.html.j2",
    "en/invoice_copy.txt.j2",
    "en/invoice_copy.html.j2",
    "en/already_paid_confirmed.txt.j2",
    "en/already_paid_confirmed.html.j2",
    "en/already_paid_ask_remittance.txt.j2",
    "en/already_paid_ask_remittance.html.j2",
    "en/billing_update_confirmed.txt.j2",
    "en/billing_update_confirmed.html.j2",
    "en/contact_change_confirmed.txt.j2",
    "en/contact_change_confirmed.html.j2",
    "en/payment_plan_received.txt.j2",
    "en/payment_plan_received.html.j2",
    "de/_layout.txt.j2",
    "de/_layout.html.j2",
    "de/_greeting.txt.j2",
    "de/_greeting.html.j2",
    "de/_invoices.txt.j2",
    "de/_invoices.html.j2",
    "de/_situation.txt.j2",
    "de/_situation.html.j2",
    "de/subject.txt.j2",
    "de/thread_subject.txt.j2",
    "de/courtesy.txt.j2",
    "de/courtesy.html.j2",
    "de/reminder.txt.j2",
    "de/reminder.html.j2",
    "de/firm_reminder.txt.j2",
    "de/firm_reminder.html.j2",
    "de/final_notice.txt.j2",
    "de/final_notice.html.j2",
    "en/_also.html.j2",
    "en/_also.txt.j2",
    "de/_also.html.j2",
    "de/_also.txt.j2",
    "de/_evidence.txt.j2",
    "de/already_paid_ask_remittance.html.j2",
    "de/already_paid_ask_remittance.txt.j2",
    "de/already_paid_confirmed.html.j2",
    "de/already_paid_confirmed.txt.j2",
    "de/billing_update_confirmed.html.j2",
    "de/billing_update_confirmed.txt.j2",
    "de/contact_change_confirmed.html.j2",
    "de/contact_change_confirmed.txt.j2",
    "de/dispute_acknowledgement.html.j2",
    "de/dispute_acknowledgement.txt.j2",
    "de/invoice_copy.html.j2",
    "de/invoice_copy.txt.j2",
    "de/payment_plan_received.html.j2",
    "de/payment_plan_received.txt.j2",
    "de/promise_confirmation.html.j2",
    "de/promise_confirmation.txt.j2",
    "fr/_also.html.j2",
    "fr/_also.txt.j2",
    "fr/_evidence.txt.j2",
    "fr/_greeting.html.j2",
    "fr/_greeting.txt.j2",
    "fr/_invoices.html.j2",
    "fr/_invoices.txt.j2",
    "fr/_layout.html.j2",
    "fr/_layout.txt.j2",
    "fr/_situation.html.j2",
    "fr/_situation.txt.j2",
    "fr/already_paid_ask_remittance.html.j2",
    "fr/already_paid_ask_remittance.txt.j2",
    "fr/already_paid_confirmed.html.j2",
    "fr/already_paid_confirmed.txt.j2",
    "fr/billing_update_confirmed.html.j2",
    "fr/billing_update_confirmed.txt.j2",
    "fr/contact_change_confirmed.html.j2",
    "fr/contact_change_confirmed.txt.j2",
    "fr/dispute_acknowledgement.html.j2",
    "fr/dispute_acknowledgement.txt.j2",
    "fr/invoice_copy.html.j2",
    "fr/invoice_copy.txt.j2",
    "fr/payment_plan_received.html.j2",
    "fr/payment_plan_received.txt.j2",
    "fr/promise_confirmation.html.j2",
    "fr/promise_confirmation.txt.j2",
    "fr/subject.txt.j2",
    "fr/thread_subject.txt.j2",
    "es/_also.html.j2",
    "es/_also.txt.j2",
    "es/_evidence.txt.j2",
    "es/_greeting.html.j2",
    "es/_greeting.txt.j2",
    "es/_invoices.html.j2",
    "es/_invoices.txt.j2",
    "es/_layout.html.j2",
    "es/_layout.txt.j2",
    "es/_situation.html.j2",
    "es/_situation.txt.j2",
    "es/already_paid_ask_remittance.html.j2",
    "es/already_paid_ask_remittance.txt.j2",
    "es/already_paid_confirmed.html.j2",
    "es/already_paid_confirmed.txt.j2",
    "es/billing_update_confirmed.html.j2",
    "es/billing_update_confirmed.txt.j2",
    "es/contact_change_confirmed.html.j2",
    "es/contact_change_confirmed.txt.j2",
    "es/dispute_acknowledgement.html.j2",
    "es/dispute_acknowledgement.txt.j2",
    "es/invoice_copy.html.j2",
    "es/invoice_copy.txt.j2",
    "es/payment_plan_received.html.j2",
    "es/payment_plan_received.txt.j2",
    "es/promise_confirmation.html.j2",
    "es/promise_confirmation.txt.j2",
    "es/subject.txt.j2",
    "es/thread_subject.txt.j2",
    "nl/_also.html.j2",
    "nl/_also.txt.j2",
    "nl/_evidence.txt.j2",
    "nl/_greeting.html.j2",
    "nl/_greeting.txt.j2",
    "nl/_invoices.html.j2",
    "nl/_invoices.txt.j2",
    "nl/_layout.html.j2",
    "nl/_layout.txt.j2",
    "nl/_situation.html.j2",
    "nl/_situation.txt.j2",
    "nl/already_paid_ask_remittance.html.j2",
    "nl/already_paid_ask_remittance.txt.j2",
    "nl/already_paid_confirmed.html.j2",
    "nl/already_paid_confirmed.txt.j2",
    "nl/billing_update_confirmed.html.j2",
    "nl/billing_update_confirmed.txt.j2",
    "nl/contact_change_confirmed.html.j2",
    "nl/contact_change_confirmed.txt.j2",
    "nl/dispute_acknowledgement.html.j2",
    "nl/dispute_acknowledgement.txt.j2",
    "nl/invoice_copy.html.j2",
    "nl/invoice_copy.txt.j2",
    "nl/payment_plan_received.html.j2",
    "nl/payment_plan_received.txt.j2",
    "nl/promise_confirmation.html.j2",
    "nl/promise_confirmation.txt.j2",
    "nl/subject.txt.j2",
    "nl/thread_subject.txt.j2",
    "sv/_also.html.j2",
    "sv/_also.txt.j2",
    "sv/_evidence.txt.j2",
    "sv/_greeting.html.j2",
    "sv/_greeting.txt.j2",
    "sv/_invoices.html.j2",
    "sv/_invoices.txt.j2",
    "sv/_layout.html.j2",
    "sv/_layout.txt.j2",
    "sv/_situation.html.j2",
    "sv/_situation.txt.j2",
    "sv/already_paid_ask_remittance.html.j2",
    "sv/already_paid_ask_remittance.txt.j2",
    "sv/already_paid_confirmed.html.j2",
    "sv/already_paid_confirmed.txt.j2",
    "sv/billing_update_confirmed.html.j2",
    "sv/billing_update_confirmed.txt.j2",
    "sv/contact_change_confirmed.html.j2",
    "sv/contact_change_confirmed.txt.j2",
    "sv/dispute_acknowledgement.html.j2",
    "sv/dispute_acknowledgement.txt.j2",
    "sv/invoice_copy.html.j2",
    "sv/invoice_copy.txt.j2",
    "sv/payment_plan_received.html.j2",
    "sv/payment_plan_received.txt.j2",
    "sv/promise_confirmation.html.j2",
    "sv/promise_confirmation.txt.j2",
    "sv/subject.txt.j2",
    "sv/thread_subject.txt.j2",
];

/// A validated set of templates ready to render. Cheap to share; build once per isolate.
#[derive(Debug, Clone)]
pub struct Templates {
    sources: SortedMap<String, Cow<'static, str>>,
    env: Environment<'static>,
}

impl Templates {
    /// The templates shipped with Nudge: English for every kind, German for the reminder ladder.
    pub fn builtin() -> Self {
        let sources: SortedMap<String, Cow<'static, str>> = BUILTIN
            .iter()
            .map(|(name, src)| (name.to_string(), Cow::Borrowed(*src)))
            .collect();
        match build_env(&sources) {
            Ok(env) => Templates { sources, env },
            // The built-ins are checked by the test suite; should one ever fail to parse, an
            // empty set makes every render return `Missing` instead of panicking in a Worker.
            Err(_) => Templates {
                env: Environment::new(),
                sources: SortedMap::new(),
            },
        }
    }

    /// Adds or replaces the template `name` (e.g. `"en/reminder.txt.j2"`, `"fr/_greeting.html.j2"`)
    /// with `source`. The result is validated: it parses, and every kind × tone renders in the
    /// override's locale. Returns a new set; `self` stays usable when the override is refused.
    pub fn with_override(
        &self,
        name: &str,
        source: impl Into<String>,
    ) -> Result<Self, TemplateError> {
        let name = check_name(name)?;
        let loc = name
            .split('/')
            .next()
            .unwrap_or(locale::FALLBACK)
            .to_string();
        let mut sources = self.sources.clone();
        sources.insert(name, Cow::Owned(source.into()));
        let env = build_env(&sources)?;
        let candidate = Templates { sources, env };
        crate::render::validate_locale(&candidate, &loc)?;
        Ok(candidate)
    }

    /// Names of every template in the set (built-in and overrides), sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.sources.keys().map(String::as_str)
    }

    /// The source of one template, to show an operator what they are overriding.
    pub fn source(&self, name: &str) -> Option<&str> {
        self.sources.get(name).map(|s| s.as_ref())
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    pub(crate) fn env(&self) -> &Environment<'static> {
        &self.env
    }
}

/// `<locale>/<stem>.<txt|html>.j2` with a safe locale and stem; returns the normalised name.
fn check_name(name: &str) -> Result<String, TemplateError> {
    let invalid = || TemplateError::InvalidName(name.to_string());
    let (loc, file) = name.split_once('/').ok_or_else(invalid)?;
    let loc_ok = !loc.is_empty()
        && loc.len() <= 35
        && loc
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let stem = file
        .strip_suffix(".txt.j2")
        .or_else(|| file.strip_suffix(".html.j2"))
        .ok_or_else(invalid)?;
    let stem_ok = !stem.is_empty()
        && stem
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !loc_ok || !stem_ok {
        return Err(invalid());
    }
    Ok(format!("{}/{}", locale::normalise(loc), file))
}

/// Where a bare include from `parent` resolves: the parent's locale, then its language, then
/// English; the first that exists wins (a missing one reports the English name).
fn resolve_include(known: &[String], name: &str, parent: &str) -> String {
    if name.contains('/') {
        return name.to_string();
    }
    let parent_locale = parent.split('/').next().unwrap_or(locale::FALLBACK);
    locale::chain(parent_locale)
        .into_iter()
        .map(|loc| format!("{loc}/{name}"))
        .find(|candidate| known.binary_search(candidate).is_ok())
        .unwrap_or_else(|| format!("{}/{name}", locale::FALLBACK))
}

fn build_env(
    sources: &SortedMap<String, Cow<'static, str>>,
) -> Result<Environment<'static>, TemplateError> {
    let mut env = Environment::new();
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
        .map_err(|e| TemplateError::Syntax {
            name: String::new(),
            message: e.to_string(),
        })?;
    env.set_syntax(syntax);
    // Strict: a misspelt variable in an operator template is an error at load, not a blank.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html.j2") || name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    // Without minijinja's `builtins`, the few filters templates may use (crate::filters).
    crate::filters::register(&mut env);
    env.set_fuel(Some(FUEL));
    // Includes nest a few levels; a template that includes itself stops here, cleanly.
    env.set_recursion_limit(RECURSION_LIMIT);
    // Sorted, as the map's keys are: looked up by binary search.
    let known: Arc<Vec<String>> = Arc::new(sources.keys().cloned().collect());
    env.set_path_join_callback(move |name, parent| {
        Cow::Owned(resolve_include(&known, name, parent))
    });
    for (name, source) in sources {
        env.add_template_owned(name.clone(), source.clone())
            .map_err(|e| TemplateError::Syntax {
                name: name.clone(),
                message: e.to_string(),
            })?;
    }
    Ok(env)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_normalised() {
        assert_eq!(
            check_name("de_DE/reminder.txt.j2").unwrap(),
            "de-de/reminder.txt.j2"
        );
        assert!(check_name("reminder.txt.j2").is_err());
        assert!(check_name("en/../x.txt.j2").is_err());
        assert!(check_name("en/reminder.j2").is_err());
        assert!(check_name("en/Reminder.html.j2").is_err());
    }

    #[test]
    fn includes_resolve_along_the_locale_chain() {
        let mut known: Vec<String> = ["en/_a.txt.j2", "de/_a.txt.j2", "en/_b.txt.j2"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        known.sort();
        assert_eq!(
            resolve_include(&known, "_a.txt.j2", "de-at/x.txt.j2"),
            "de/_a.txt.j2"
        );
        assert_eq!(
            resolve_include(&known, "_b.txt.j2", "de/x.txt.j2"),
            "en/_b.txt.j2"
        );
        assert_eq!(
            resolve_include(&known, "_c.txt.j2", "de/x.txt.j2"),
            "en/_c.txt.j2"
        );
    }

    #[test]
    fn every_builtin_parses() {
        let sources: SortedMap<String, Cow<'static, str>> = BUILTIN
            .iter()
            .map(|(name, src)| (name.to_string(), Cow::Borrowed(*src)))
            .collect();
        build_env(&sources).unwrap();
        for (name, _) in BUILTIN {
            check_name(name).unwrap();
        }
    }
}
