//! Configuration read from the Worker's environment: non-secret vars from `wrangler.toml`,
//! secrets from `wrangler secret put` (production) or `.dev.vars` (local).

use worker::Env;

use crate::faults::Faults;

/// Settings every request path may need. Secrets are optional here so that a missing secret
/// fails only the routes that need it, with a clear error, instead of the whole worker.
#[derive(Clone)]
pub struct Config {
    pub company_name: String,
    pub from_address: String,
    pub inbound_address: String,
    pub fallback_address: String,
    pub default_timezone: String,
    pub default_locale: String,
    pub shadow_mode: bool,
    pub test_clocks: bool,
    pub admin_token: Option<String>,
    pub stripe_webhook_secrets: Vec<String>,
    pub erp_webhook_secret: Option<String>,
    /// How long ledger and inbound changes settle before the account is evaluated
    /// (`SETTLE_SECONDS`, default 60): one delivery, or a burst of them, is evaluated once, whole.
    pub settle_seconds: i64,
    /// Test-only fault injection points (`FAULTS`, honoured only with `TEST_CLOCKS` on).
    pub faults: Faults,
}

impl Config {
    /// Reads the configuration; absent vars fall back to safe defaults.
    pub fn from_env(env: &Env) -> Self {
        let var = |name: &str, default: &str| {
            env.var(name)
                .map(|v| v.to_string())
                .unwrap_or_else(|_| default.to_string())
        };
        let secret = |name: &str| {
            env.secret(name)
                .map(|v| v.to_string())
                .ok()
                .filter(|s| !s.trim().is_empty())
        };
        let test_clocks = is_true(&var("TEST_CLOCKS", "false"));
        Config {
            company_name: var("COMPANY_NAME", "Nudge"),
            from_address: var("FROM_ADDRESS", "ar@example.com"),
            inbound_address: var("INBOUND_ADDRESS", "ar@example.com"),
            fallback_address: var("FALLBACK_ADDRESS", "finance@example.com"),
            default_timezone: var("DEFAULT_TIMEZONE", "UTC"),
            default_locale: var("DEFAULT_LOCALE", "en-US"),
            shadow_mode: is_true(&var("SHADOW_MODE", "false")),
            test_clocks,
            admin_token: secret("ADMIN_TOKEN"),
            // Comma-separated so that a rotation can accept the old and the new secret at once.
            stripe_webhook_secrets: secret("STRIPE_WEBHOOK_SECRET")
                .map(|s| split_list(&s))
                .unwrap_or_default(),
            erp_webhook_secret: secret("ERP_WEBHOOK_SECRET"),
            settle_seconds: var("SETTLE_SECONDS", "60")
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|s| (0..=3_600).contains(s))
                .unwrap_or(60),
            faults: Faults::parse(&var("FAULTS", ""), test_clocks),
        }
    }
}

fn is_true(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "on"
    )
}

fn split_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_lists_are_split_on_commas_and_trimmed() {
        assert_eq!(split_list("whsec_a, whsec_b,,"), vec!["whsec_a", "whsec_b"]);
    }

    #[test]
    fn booleans_accept_the_usual_spellings() {
        assert!(is_true("TRUE") && is_true("1") && is_true("on"));
        assert!(!is_true("false") && !is_true(""));
    }
}
