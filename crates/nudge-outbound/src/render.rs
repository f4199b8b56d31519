//! Rendering a [`MessageContext`] into a subject, a plain-text part and an HTML part.

use chrono::NaiveDate;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use crate::locale;
use crate::message::{InvoiceLine, MessageContext, MessageKind, Tone};
use crate::templates::{TemplateError, Templates};
use crate::view::View;

/// A rendered message. `subject` names this one message (e.g. "Final notice: 2 overdue
/// invoices") for approval queues and logs; the e-mail's `Subject:` header is the account
/// thread's stable subject (see [`thread_subject`] and [`crate::Thread`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    /// One line, no control characters.
    pub subject: String,
    /// Plain text, `\n` line endings, ending in one newline.
    pub text: String,
    /// HTML with every value escaped.
    pub html: String,
    /// The locale whose templates were used (after fallback), e.g. `de` for `de-AT`.
    pub locale: String,
}

/// Longest subject we emit, in characters: long enough for any real company + customer name.
const MAX_SUBJECT_CHARS: usize = 200;

/// Renders `ctx` with the first locale in its fallback chain (`de-AT` → `de` → `en`) that has both
/// the text and HTML template for its kind.
pub fn render(ctx: &MessageContext, templates: &Templates) -> Result<Rendered, TemplateError> {
    let kind = ctx.kind.as_str();
    let reader = locale::normalise(&ctx.locale);
    let chain = locale::chain(&reader);
    let template_locale = chain
        .iter()
        .find(|loc| {
            templates.has(&format!("{loc}/{kind}.txt.j2"))
                && templates.has(&format!("{loc}/{kind}.html.j2"))
        })
        .ok_or_else(|| TemplateError::Missing(format!("{kind}.txt.j2")))?;
    // Numbers and dates follow the reader's region when the wording is in their language.
    let fmt_locale = if locale::language(&reader) == locale::language(template_locale) {
        reader.as_str()
    } else {
        template_locale.as_str()
    };
    let view = View::new(ctx, template_locale, fmt_locale);
    let value = minijinja::Value::from(Serde(&view));

    let subject_name = find_in_chain(templates, template_locale, "subject.txt.j2")?;
    let subject = render_one(templates, &subject_name, &value)?;
    let text = render_one(
        templates,
        &format!("{template_locale}/{kind}.txt.j2"),
        &value,
    )?;
    let html = render_one(
        templates,
        &format!("{template_locale}/{kind}.html.j2"),
        &value,
    )?;
    Ok(Rendered {
        subject: header_safe(&subject),
        text: tidy_text(&text),
        html: clean_body(&html),
        locale: template_locale.clone(),
    })
}

/// The stable subject of an account's thread, e.g. "Your account with Acme GmbH — Globex",
/// rendered from `thread_subject.txt.j2` in the reader's locale. Compute it once per account
/// thread and keep it: every message of the thread uses it.
pub fn thread_subject(
    company_name: &str,
    customer_name: &str,
    locale_tag: &str,
    templates: &Templates,
) -> Result<String, TemplateError> {
    let name = find_in_chain(templates, locale_tag, "thread_subject.txt.j2")?;
    let value = minijinja::context! {
        company => company_name.trim(),
        customer => customer_name.trim(),
        locale => locale::normalise(locale_tag),
    };
    Ok(header_safe(&render_one(templates, &name, &value)?))
}

fn find_in_chain(templates: &Templates, tag: &str, file: &str) -> Result<String, TemplateError> {
    locale::chain(tag)
        .into_iter()
        .map(|loc| format!("{loc}/{file}"))
        .find(|name| templates.has(name))
        .ok_or_else(|| TemplateError::Missing(file.to_string()))
}

fn render_one(
    templates: &Templates,
    name: &str,
    value: &minijinja::Value,
) -> Result<String, TemplateError> {
    let template = templates
        .env()
        .get_template(name)
        .map_err(|_| TemplateError::Missing(name.to_string()))?;
    // Rendered into a bounded buffer: a template (an operator's override) that would write more
    // than MAX_OUTPUT_BYTES is stopped at the limit instead of filling a Worker's memory.
    let mut out = Bounded {
        buf: Vec::new(),
        over: false,
    };
    let result = template.render_captured_to(value.clone(), &mut out);
    if out.over {
        return Err(TemplateError::Render {
            name: name.to_string(),
            message: format!("output is over the limit of {MAX_OUTPUT_BYTES} bytes"),
        });
    }
    result.map_err(|e| TemplateError::Render {
        name: name.to_string(),
        message: e.to_string(),
    })?;
    String::from_utf8(out.buf).map_err(|e| TemplateError::Render {
        name: name.to_string(),
        message: e.to_string(),
    })
}

/// Most bytes one template may render (a reminder naming 500 invoices in HTML is ≈ 150 KiB).
pub const MAX_OUTPUT_BYTES: usize = 512 * 1024;

/// A writer that refuses to grow past [`MAX_OUTPUT_BYTES`].
struct Bounded {
    buf: Vec<u8>,
    over: bool,
}

impl std::io::Write for Bounded {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.buf.len().saturating_add(data.len()) > MAX_OUTPUT_BYTES {
            self.over = true;
            return Err(std::io::Error::other("template output over the limit"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One line, safe for a header: control characters (CR, LF, TAB, …) become spaces, runs of
/// whitespace collapse, and the length is capped on a character boundary.
pub fn header_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for ch in s.chars() {
        if ch.is_control() || ch.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(ch);
    }
    if out.chars().count() > MAX_SUBJECT_CHARS {
        out = out.chars().take(MAX_SUBJECT_CHARS - 1).collect();
        out.push('…');
    }
    out
}

/// `\n` line endings only, and no control characters but `\n` and `\t`: a NUL or a bare CR from
/// a ledger field has no place in a mail body (and SMTP would mangle it).
fn clean_body(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .map(|c| if c == '\r' { '\n' } else { c })
        .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
        .collect()
}

/// Plain text that reads well: `\n` endings, no trailing spaces, at most one blank line in a row.
fn tidy_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank_run = 0;
    for line in clean_body(s).lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Renders every kind × tone in `loc` against a sample context that exercises every optional
/// fact, so that an override referring to a missing variable is refused when it is loaded.
pub(crate) fn validate_locale(templates: &Templates, loc: &str) -> Result<(), TemplateError> {
    thread_subject("Sample Co", "Customer Ltd", loc, templates)?;
    for kind in MessageKind::ALL {
        for tone in Tone::ALL {
            for full in [false, true] {
                render(&sample_context(kind, tone, loc, full), templates)?;
            }
        }
    }
    Ok(())
}

/// A context for validation: `full` sets every optional fact, otherwise none is set.
fn sample_context(kind: MessageKind, tone: Tone, loc: &str, full: bool) -> MessageContext {
    use nudge_core::dispute::DisputeCategory;
    use nudge_core::money::{Currency, Money};
    use rust_decimal::Decimal;

    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 1, d).unwrap_or_default();
    let mut ctx = MessageContext::new(kind, tone, loc, "Sample Co", "Customer Ltd", day(20), "Sam");
    if !full {
        return ctx;
    }
    ctx.contact_name = Some("Alex".into());
    ctx.invoices = vec![
        InvoiceLine {
            number: "S-1".into(),
            due_date: day(1),
            days_overdue: 19,
            amount_open: Decimal::new(12_345, 2),
            currency: Currency::EUR,
            payment_url: Some("https://pay.example/1".into()),
            pdf_url: Some("https://pay.example/1.pdf".into()),
        },
        InvoiceLine {
            number: "S-2".into(),
            due_date: day(25),
            days_overdue: -5,
            amount_open: Decimal::new(500, 0),
            currency: Currency::USD,
            payment_url: None,
            pdf_url: None,
        },
    ];
    ctx.promise = Some((
        day(28),
        Some(Money::new(Decimal::new(100, 0), Currency::EUR)),
    ));
    ctx.dispute = Some((DisputeCategory::Pricing, vec!["S-2".into()]));
    ctx.late_charges = Some(vec![crate::message::ChargeLine {
        description: "Interest".into(),
        amount: Money::new(Decimal::new(40, 0), Currency::EUR),
    }]);
    ctx.respond_by = Some(day(27));
    ctx.payment_portal_url = Some("https://pay.example/portal".into());
    ctx.payment_received = Some(crate::message::PaymentNote {
        received_on: day(18),
        amount: Money::new(Decimal::new(12_345, 2), Currency::EUR),
        reference: Some("REF".into()),
    });
    ctx.billing_update = Some(crate::message::BillingUpdate {
        po_number: Some("PO-9".into()),
        note: Some("address".into()),
    });
    ctx.new_contact = Some(crate::message::NewContact {
        name: Some("Kim".into()),
        email: "kim@example.com".into(),
    });
    ctx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_safe_removes_line_breaks_and_caps_length() {
        assert_eq!(header_safe(" a\r\nBcc: x@y\tz "), "a Bcc: x@y z");
        assert_eq!(
            header_safe(&"x".repeat(500)).chars().count(),
            MAX_SUBJECT_CHARS
        );
        assert_eq!(header_safe("\u{0085}\u{2028}ok"), "ok");
    }

    #[test]
    fn tidy_text_collapses_blank_runs() {
        assert_eq!(tidy_text("\n\na  \n\n\n\nb\r\n\n"), "a\n\nb\n");
        assert_eq!(clean_body("a\r\nb\rc\u{0}d\te"), "a\nb\ncd\te");
    }
}
