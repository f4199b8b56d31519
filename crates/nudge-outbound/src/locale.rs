//! Locale tags: normalising them and the fallback chain templates are looked up along.

/// The locale every message can fall back to: English templates are complete.
pub const FALLBACK: &str = "en";

/// Normalises a BCP 47-ish tag for lookups: lower case, `-` separators, only
/// `[a-z0-9-]` kept (so a tag can never reach outside the template namespace).
/// `"de_DE"` → `"de-de"`; an empty or garbage tag becomes [`FALLBACK`].
pub fn normalise(tag: &str) -> String {
    let cleaned: String = tag
        .trim()
        .chars()
        .map(|c| {
            if c == '_' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let cleaned = cleaned.trim_matches('-').to_string();
    if cleaned.is_empty() {
        FALLBACK.to_string()
    } else {
        cleaned
    }
}

/// The primary language subtag: `"de-ch"` → `"de"`.
pub fn language(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

/// Region subtag when present: `"en-us"` → `Some("us")`.
pub fn region(tag: &str) -> Option<&str> {
    tag.split('-')
        .skip(1)
        .find(|part| part.len() == 2 && part.chars().all(|c| c.is_ascii_alphabetic()))
}

/// Where to look for a template, most specific first, ending with [`FALLBACK`]:
/// `"de-DE"` → `["de-de", "de", "en"]`.
pub fn chain(tag: &str) -> Vec<String> {
    let tag = normalise(tag);
    let mut out = vec![tag.clone()];
    // Drop subtags one by one: zh-hant-tw → zh-hant → zh.
    let mut current = tag.as_str();
    while let Some(pos) = current.rfind('-') {
        current = &current[..pos];
        out.push(current.to_string());
    }
    if !out.iter().any(|t| t == FALLBACK) {
        out.push(FALLBACK.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_falls_back_through_language_to_english() {
        assert_eq!(chain("de-DE"), vec!["de-de", "de", "en"]);
        assert_eq!(chain("de_AT"), vec!["de-at", "de", "en"]);
        assert_eq!(chain("en"), vec!["en"]);
        assert_eq!(chain("en-GB"), vec!["en-gb", "en"]);
        assert_eq!(chain(""), vec!["en"]);
        assert_eq!(chain("../../etc"), vec!["etc", "en"]);
    }

    #[test]
    fn region_and_language_are_split() {
        assert_eq!(language("de-ch"), "de");
        assert_eq!(region("en-us"), Some("us"));
        assert_eq!(region("zh-hant-tw"), Some("tw"));
        assert_eq!(region("fr"), None);
    }
}
