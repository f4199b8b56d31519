//! HTML building blocks: the escaper (everything shown goes through it), the page layout, form
//! parsing and URL encoding, and server-side SVG bar charts. Pure, so it tests natively.

use serde_json::Value;

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A JSON value as escaped text: strings without quotes, `null` as a dash.
pub fn t(v: &Value) -> String {
    match v {
        Value::Null => "—".to_string(),
        Value::String(s) => esc(s),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => esc(&other.to_string()),
    }
}

/// A JSON value as a number (numbers and decimal strings), else 0.
pub fn num(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().unwrap_or(0.0),
        Value::String(s) => s.parse().unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Percent-encodes a path segment or query value.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Decodes `application/x-www-form-urlencoded` (also a query string) into pairs.
pub fn form(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// The first value of `key` in decoded pairs.
pub fn field<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The navigation entries: (path, label).
const NAV: [(&str, &str); 5] = [
    ("/dashboard", "Overview"),
    ("/dashboard/accounts", "Accounts"),
    ("/dashboard/approvals", "Approvals"),
    ("/dashboard/unapplied", "Unapplied cash"),
    ("/dashboard/disputes", "Disputes"),
];

/// A whole page. `csrf` is `Some` for a signed-in page (it shows the navigation and the logout
/// button); `current` is the navigation entry to mark.
pub fn page(title: &str, current: &str, csrf: Option<&str>, body: &str) -> String {
    let mut nav = String::new();
    if let Some(csrf) = csrf {
        nav.push_str("<nav aria-label=\"Main\"><ul>");
        for (href, label) in NAV {
            let mark = if href == current {
                " aria-current=\"page\""
            } else {
                ""
            };
            nav.push_str(&format!("<li><a href=\"{href}\"{mark}>{label}</a></li>"));
        }
        nav.push_str("</ul>");
        nav.push_str(&format!(
            "<form method=\"post\" action=\"/dashboard/logout\" class=\"logout\">{}<button type=\"submit\">Log out</button></form>",
            csrf_field(csrf)
        ));
        nav.push_str("</nav>");
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{} · Nudge</title><link rel=\"stylesheet\" href=\"/dashboard/style.css\"></head>\
<body><header><a class=\"brand\" href=\"/dashboard\">Nudge</a>{nav}</header>\
<main id=\"main\"><h1>{}</h1>{body}</main></body></html>\n",
        esc(title),
        esc(title)
    )
}

/// The hidden CSRF input of a form.
pub fn csrf_field(csrf: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(csrf)
    )
}

/// A notice (success or error) at the top of a page.
pub fn notice(text: &str, error: bool) -> String {
    let (class, role) = if error {
        ("notice error", "alert")
    } else {
        ("notice", "status")
    };
    format!("<p class=\"{class}\" role=\"{role}\">{}</p>", esc(text))
}

/// One bar of a chart: its label, its value, and the value as shown.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub shown: String,
}

/// A horizontal bar chart as inline SVG (no script, no external asset), with a text title for
/// screen readers and a `<title>` on every bar.
pub fn bar_chart(title: &str, bars: &[Bar]) -> String {
    let row = 26.0;
    let label_w = 110.0;
    let bar_w = 300.0;
    let width = label_w + bar_w + 120.0;
    let height = row * bars.len().max(1) as f64 + 8.0;
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title>",
        esc(title),
        esc(title)
    );
    if bars.is_empty() {
        svg.push_str("<text x=\"0\" y=\"18\">No data</text>");
    }
    for (i, b) in bars.iter().enumerate() {
        let y = 4.0 + row * i as f64;
        let w = if max > 0.0 {
            (b.value.max(0.0) / max * bar_w).max(if b.value > 0.0 { 1.0 } else { 0.0 })
        } else {
            0.0
        };
        svg.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{label}</text>\
<rect class=\"bar\" x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"18\"><title>{label}: {shown}</title></rect>\
<text x=\"{vx:.1}\" y=\"{ty}\">{shown}</text>",
            lx = label_w - 6.0,
            ty = y + 14.0,
            vx = label_w + w + 6.0,
            label = esc(&b.label),
            shown = esc(&b.shown),
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The stylesheet, served at `/dashboard/style.css`.
pub const STYLE: &str = include_str!("style.css");

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_escaper_escapes_every_special_character() {
        assert_eq!(
            esc("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(esc(r#"a&b "c" 'd'"#), "a&amp;b &quot;c&quot; &#39;d&#39;");
        assert_eq!(esc("plain é"), "plain é");
        assert_eq!(t(&json!("<b>")), "&lt;b&gt;");
        assert_eq!(t(&Value::Null), "—");
        assert_eq!(t(&json!(["<x>"])), "[&quot;&lt;x&gt;&quot;]");
    }

    #[test]
    fn forms_and_urls_round_trip() {
        let pairs = form("token=a+b%26c&csrf=x&empty=");
        assert_eq!(field(&pairs, "token"), Some("a b&c"));
        assert_eq!(field(&pairs, "empty"), Some(""));
        assert_eq!(field(&pairs, "none"), None);
        assert_eq!(enc("erp:C-1 x/y"), "erp%3AC-1%20x%2Fy");
    }

    #[test]
    fn a_chart_has_one_bar_per_value_and_escapes_labels() {
        let svg = bar_chart(
            "Aging <EUR>",
            &[
                Bar {
                    label: "1-30".into(),
                    value: 10.0,
                    shown: "10.00".into(),
                },
                Bar {
                    label: "<x>".into(),
                    value: 0.0,
                    shown: "0".into(),
                },
            ],
        );
        assert_eq!(svg.matches("<rect class=\"bar\"").count(), 2);
        assert!(svg.contains("Aging &lt;EUR&gt;") && !svg.contains("<x>"));
        assert!(bar_chart("empty", &[]).contains("No data"));
    }

    #[test]
    fn a_page_escapes_its_title() {
        let p = page("<script>alert(1)</script>", "/dashboard", Some("c"), "");
        assert!(!p.contains("<script>alert(1)"));
        assert!(p.contains("name=\"csrf\" value=\"c\""));
        assert!(!page("Log in", "", None, "").contains("Log out"));
    }
}
