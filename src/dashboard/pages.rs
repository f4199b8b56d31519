//! The pages, rendered from the JSON the API handlers return. Pure functions: every value shown
//! goes through [`esc`]/[`t`], every form carries the CSRF field.

use serde_json::Value;

use super::html::{bar_chart, csrf_field, enc, esc, notice, num, page, t, Bar};

fn arr(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or(&[])
}

fn account_link(id: &Value, name: &Value) -> String {
    let id_s = id.as_str().unwrap_or_default();
    let label = if name.is_null() { t(id) } else { t(name) };
    format!("<a href=\"/dashboard/accounts/{}\">{label}</a>", enc(id_s))
}

/// A list of reasons (`[{code, text}]`) as the sentences.
fn reasons(v: &Value) -> String {
    let items: Vec<String> = arr(v)
        .iter()
        .map(|r| {
            let text = r["text"].as_str().filter(|s| !s.is_empty());
            match text {
                Some(s) => format!("<li>{}</li>", esc(s)),
                None => format!("<li>{}</li>", t(&r["code"])),
            }
        })
        .collect();
    if items.is_empty() {
        String::new()
    } else {
        format!("<ul class=\"reasons\">{}</ul>", items.join(""))
    }
}

fn ok_text(ok: Option<&str>) -> String {
    let text = match ok {
        Some("approved-sent") => "Approved: the message was sent.",
        Some("approved") => "Approved.",
        Some("rejected") => "Rejected.",
        Some("resolved") => "Dispute resolved. The preview below is what Nudge will do next.",
        Some("applied") => "Payment applied.",
        _ => return String::new(),
    };
    notice(text, false)
}

/// The login form.
pub fn login(error: Option<&str>) -> String {
    let err = error.map(|e| notice(e, true)).unwrap_or_default();
    page(
        "Log in",
        "",
        None,
        &format!(
            "{err}<form class=\"login\" method=\"post\" action=\"/dashboard/login\">\
<label for=\"token\">Admin token</label>\
<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" required autofocus>\
<button type=\"submit\">Log in</button></form>\
<p class=\"muted\">The token is <code>ADMIN_TOKEN</code>. The session cookie holds a signature derived from it, never the token.</p>"
        ),
    )
}

/// An error page.
pub fn error(csrf: &Option<&str>, status: u16, message: &str) -> String {
    page(
        &format!("Error {status}"),
        "",
        *csrf,
        &format!(
            "{}<p><a href=\"/dashboard\">Back to the overview</a></p>",
            notice(message, true)
        ),
    )
}

/// The aging buckets of one currency as bars (in the API's key order).
fn aging_bars(aging: &Value) -> Vec<Bar> {
    aging
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, v)| {
                    (v.is_string() || v.is_number()) && !matches!(k.as_str(), "overdue" | "total")
                })
                .map(|(k, v)| Bar {
                    label: k
                        .trim_start_matches('d')
                        .replace('_', "–")
                        .replace("–plus", "+"),
                    value: num(v),
                    shown: v
                        .as_str()
                        .map(String::from)
                        .unwrap_or_else(|| v.to_string()),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The overview: per currency the aging chart, exposure by stage, the DSO trend; the worklist.
pub fn overview(
    metrics: &Value,
    trend: &[(String, Value)],
    worklist: &Value,
    csrf: &str,
) -> String {
    let mut body = String::new();
    let currencies = arr(&metrics["currencies"]);
    if currencies.is_empty() {
        body.push_str("<p>No receivables yet.</p>");
    }
    for c in currencies {
        let cur = c["currency"].as_str().unwrap_or_default();
        body.push_str(&format!(
            "<section aria-labelledby=\"h-{0}\"><h2 id=\"h-{0}\">{0}</h2>",
            esc(cur)
        ));
        body.push_str(&format!(
            "<p>DSO (count-back) {} days · best possible {} · CEI {} · overdue {}</p>",
            t(&c["dso"]["count_back"]),
            t(&c["dso"]["best_possible"]),
            t(&c["cei"]),
            t(&c["aging"]["overdue"]),
        ));
        body.push_str("<div class=\"charts\">");
        body.push_str(&format!(
            "<figure><figcaption>Aging ({0})</figcaption>{1}</figure>",
            esc(cur),
            bar_chart(
                &format!("Aging of open receivables in {cur}"),
                &aging_bars(&c["aging"])
            )
        ));
        let stages: Vec<Bar> = arr(&c["overdue_by_stage"])
            .iter()
            .map(|s| Bar {
                label: s["stage"].as_str().unwrap_or("none").to_string(),
                value: num(&s["amount"]),
                shown: format!("{} ({} acc.)", t(&s["amount"]), t(&s["accounts"])),
            })
            .collect();
        body.push_str(&format!(
            "<figure><figcaption>Overdue exposure by stage ({0})</figcaption>{1}</figure>",
            esc(cur),
            bar_chart(&format!("Overdue exposure by stage in {cur}"), &stages)
        ));
        let dso: Vec<Bar> = trend
            .iter()
            .map(|(month, per)| Bar {
                label: month.clone(),
                value: num(&per[cur]),
                shown: per[cur]
                    .as_str()
                    .map(|d| format!("{d} d"))
                    .unwrap_or_else(|| "—".into()),
            })
            .collect();
        body.push_str(&format!(
            "<figure><figcaption>DSO by month ({0})</figcaption>{1}</figure>",
            esc(cur),
            bar_chart(&format!("DSO count-back by month in {cur}"), &dso)
        ));
        body.push_str("</div></section>");
    }
    body.push_str("<h2 id=\"worklist\">Worklist</h2>");
    let mut rows = String::new();
    for cw in arr(&worklist["by_currency"]) {
        for e in arr(&cw["entries"]) {
            let needs: Vec<String> = arr(&e["needs"])
                .iter()
                .map(|n| t(n).replace('_', " "))
                .collect();
            rows.push_str(&format!(
                "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{} {}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                t(&e["rank"]),
                account_link(&e["account_id"], &e["account_name"]),
                needs.join(", "),
                t(&e["overdue"]),
                t(&cw["currency"]),
                t(&e["oldest_days_overdue"]),
                t(&e["owner"]),
            ));
        }
    }
    for e in arr(&worklist["nothing_overdue"]) {
        let needs: Vec<String> = arr(&e["needs"])
            .iter()
            .map(|n| t(n).replace('_', " "))
            .collect();
        rows.push_str(&format!(
            "<tr><td class=\"num\">—</td><td>{}</td><td>{}</td><td class=\"num\">0</td><td class=\"num\">0</td><td>{}</td></tr>",
            account_link(&e["account_id"], &e["account_name"]),
            needs.join(", "),
            t(&e["owner"]),
        ));
    }
    if rows.is_empty() {
        body.push_str("<p>Nobody needs to do anything.</p>");
    } else {
        body.push_str(&format!(
            "<table><caption class=\"muted\">Accounts that need a person, by value at risk</caption><thead><tr><th scope=\"col\" class=\"num\">Rank</th><th scope=\"col\">Account</th><th scope=\"col\">Needs</th><th scope=\"col\" class=\"num\">Overdue</th><th scope=\"col\" class=\"num\">Oldest (days)</th><th scope=\"col\">Owner</th></tr></thead><tbody>{rows}</tbody></table>"
        ));
    }
    page("Overview", "/dashboard", Some(csrf), &body)
}

/// Whether an account row passes the filter.
fn passes(a: &Value, filter: &str) -> bool {
    match filter {
        "chased" => a["stage"]
            .as_str()
            .is_some_and(|s| !s.is_empty() && s != "none"),
        "open" => a["open_invoices"].as_i64().unwrap_or(0) > 0,
        "paused" => a["dunning_enabled"] == Value::Bool(false),
        _ => true,
    }
}

/// The accounts table with search and filters.
pub fn accounts(list: &Value, q: &str, filter: &str, csrf: &str) -> String {
    let options = [
        ("", "All accounts"),
        ("open", "With open invoices"),
        ("chased", "Being chased (has a stage)"),
        ("paused", "Dunning paused"),
    ];
    let opts: String = options
        .iter()
        .map(|(v, l)| {
            let sel = if *v == filter { " selected" } else { "" };
            format!("<option value=\"{v}\"{sel}>{l}</option>")
        })
        .collect();
    let mut body = format!(
        "<form class=\"inline\" method=\"get\" action=\"/dashboard/accounts\" role=\"search\">\
<label for=\"q\">Search</label><input id=\"q\" name=\"q\" type=\"search\" value=\"{}\" placeholder=\"name, id or contact email\">\
<label for=\"filter\">Show</label><select id=\"filter\" name=\"filter\">{opts}</select>\
<button type=\"submit\">Search</button></form>",
        esc(q)
    );
    let rows: Vec<String> = arr(&list["accounts"])
        .iter()
        .filter(|a| passes(a, filter))
        .map(|a| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                account_link(&a["id"], &a["name"]),
                t(&a["id"]),
                t(&a["stage"]),
                t(&a["open_invoices"]),
                if a["dunning_enabled"] == Value::Bool(false) { "paused" } else { "on" },
                t(&a["next_action_at"]),
            )
        })
        .collect();
    if rows.is_empty() {
        body.push_str("<p>No accounts match.</p>");
    } else {
        body.push_str(&format!(
            "<table><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Id</th><th scope=\"col\">Stage</th><th scope=\"col\" class=\"num\">Open invoices</th><th scope=\"col\">Dunning</th><th scope=\"col\">Next action</th></tr></thead><tbody>{}</tbody></table>",
            rows.join("")
        ));
    }
    page("Accounts", "/dashboard/accounts", Some(csrf), &body)
}

/// The dispute resolution form.
fn resolve_form(account_id: &str, dispute_id: &str, csrf: &str) -> String {
    let fid = format!("o-{}", enc(dispute_id));
    format!(
        "<form class=\"inline\" method=\"post\" action=\"/dashboard/accounts/{}/disputes/{}/resolve\">{}\
<label for=\"{fid}\">Outcome</label><select id=\"{fid}\" name=\"outcome\">\
<option value=\"withdrawn\">Withdrawn (back into dunning now)</option>\
<option value=\"rejected\">Rejected (back after the grace period)</option>\
<option value=\"credited\">Credited (leaves dunning)</option></select>\
<label for=\"n-{fid}\">Note</label><input id=\"n-{fid}\" name=\"note\" type=\"text\">\
<button type=\"submit\">Resolve dispute</button></form>",
        enc(account_id),
        enc(dispute_id),
        csrf_field(csrf)
    )
}

fn timeline_row(e: &Value) -> String {
    let d = &e["data"];
    let what = match e["type"].as_str().unwrap_or_default() {
        "message_out" => format!(
            "Message out ({}) to {}: “{}” — <strong>{}</strong>",
            t(&e["kind"]),
            t(&d["to_addr"]),
            t(&d["subject"]),
            t(&d["status"])
        ),
        "message_in" => format!(
            "Message in from {}: {}",
            t(&d["from_addr"]),
            t(&d["subject"])
        ),
        "approval" => format!(
            "Approval ({}) {}: {}",
            t(&e["kind"]),
            t(&d["status"]),
            t(&d["summary"])
        ),
        "task" => format!(
            "Task ({}) {}: {}",
            t(&e["kind"]),
            t(&d["status"]),
            t(&d["summary"])
        ),
        _ => {
            let summary = d["summary"]
                .as_str()
                .or_else(|| d["data"]["summary"].as_str())
                .map(esc)
                .unwrap_or_default();
            format!("{} {summary}", t(&e["kind"]).replace('_', " "))
        }
    };
    // Decisions carry their reasons (in the event's data, or its data's data).
    let why = [
        &d["reasons"],
        &d["data"]["reasons"],
        &d["decision"]["reasons"],
    ]
    .into_iter()
    .find(|r| r.is_array())
    .map(reasons)
    .unwrap_or_default();
    format!(
        "<tr><td>{}</td><td>{}</td><td>{what}{why}</td></tr>",
        t(&e["at"]),
        t(&e["type"]).replace('_', " ")
    )
}

/// The account page: summary, invoices, disputes, the next action with its reasons, the
/// preview, the timeline.
pub fn account(
    detail: &Value,
    timeline: &Value,
    preview: &Value,
    ok: Option<&str>,
    csrf: &str,
) -> String {
    let a = &detail["account"];
    let id = a["id"].as_str().unwrap_or_default();
    let mut body = ok_text(ok);
    body.push_str(&format!(
        "<p>Id {} · stage <strong>{}</strong> · next action {} · timezone {} · dunning {}</p>",
        t(&a["id"]),
        t(&detail["stage"]),
        t(&detail["next_action_at"]),
        t(&a["timezone"]),
        if a["dunning_enabled"] == Value::Bool(false) {
            "paused"
        } else {
            "on"
        }
    ));
    let contacts: Vec<String> = arr(&detail["contacts"])
        .iter()
        .map(|c| {
            format!(
                "{} &lt;{}&gt; ({}, {})",
                t(&c["name"]),
                t(&c["email"]),
                t(&c["role"]),
                t(&c["status"])
            )
        })
        .collect();
    body.push_str(&format!(
        "<p>Contacts: {}</p>",
        if contacts.is_empty() {
            "none".into()
        } else {
            contacts.join("; ")
        }
    ));

    body.push_str("<h2>Invoices</h2>");
    let rows: Vec<String> = arr(&detail["invoices"])
        .iter()
        .map(|i| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{} {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                t(&i["number"]),
                t(&i["status"]),
                t(&i["due_date"]),
                t(&i["open_amount"]),
                t(&i["currency"]),
                t(&i["total"]),
                t(&i["days_past_due"]),
            )
        })
        .collect();
    body.push_str(&format!(
        "<table><thead><tr><th scope=\"col\">Invoice</th><th scope=\"col\">Status</th><th scope=\"col\">Due</th><th scope=\"col\" class=\"num\">Open</th><th scope=\"col\" class=\"num\">Total</th><th scope=\"col\" class=\"num\">Days past due</th></tr></thead><tbody>{}</tbody></table>",
        rows.join("")
    ));

    let disputes = arr(&detail["disputes"]);
    if !disputes.is_empty() {
        body.push_str("<h2>Disputes</h2>");
        for d in disputes {
            let did = d["id"].as_str().unwrap_or_default();
            let invoices: Vec<String> = arr(&d["invoice_ids"]).iter().map(t).collect();
            body.push_str(&format!(
                "<div class=\"card\"><p><strong>{}</strong> · {} · invoices {} · opened {}</p><p>{}</p>{}</div>",
                t(&d["category"]),
                t(&d["status"]),
                invoices.join(", "),
                t(&d["opened_at"]),
                t(&d["summary"]),
                if d["status"] == "open" { resolve_form(id, did, csrf) } else { String::new() },
            ));
        }
    }

    let decision = &detail["decision"];
    body.push_str("<h2>Next action and why</h2>");
    body.push_str(&format!(
        "<p>Stage called for: <strong>{}</strong> · evaluate again at {}</p>{}",
        t(&decision["stage"]),
        t(&decision["next_evaluation_at"]),
        reasons(&decision["reasons"])
    ));

    body.push_str("<h2 id=\"preview\">Preview: the next 30 days</h2>");
    let p = &preview["preview"];
    let actions = arr(&p["actions"]);
    if actions.is_empty() {
        body.push_str(&format!("<p>Nothing planned ({}).</p>", t(&p["outcome"])));
    } else {
        let rows: Vec<String> = actions
            .iter()
            .map(|x| {
                let s = &x["step"];
                let invoices: Vec<String> = arr(&s["invoice_ids"]).iter().map(t).collect();
                format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    t(&x["local_at"]),
                    t(&s["type"]),
                    t(s.get("stage").unwrap_or(&s["kind"])),
                    t(&s["to"]),
                    invoices.join(", "),
                    reasons(&x["reasons"]),
                )
            })
            .collect();
        body.push_str(&format!(
            "<table class=\"preview\"><thead><tr><th scope=\"col\">When (local)</th><th scope=\"col\">Step</th><th scope=\"col\">Stage</th><th scope=\"col\">To</th><th scope=\"col\">Invoices</th><th scope=\"col\">Why</th></tr></thead><tbody>{}</tbody></table>",
            rows.join("")
        ));
    }

    body.push_str("<h2>Timeline</h2>");
    let rows: Vec<String> = arr(&timeline["events"]).iter().map(timeline_row).collect();
    body.push_str(&format!(
        "<table class=\"timeline\"><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Type</th><th scope=\"col\">What</th></tr></thead><tbody>{}</tbody></table>",
        rows.join("")
    ));
    let name = a["name"].as_str().unwrap_or(id);
    page(name, "/dashboard/accounts", Some(csrf), &body)
}

/// The approvals queue: pending ones with the draft as the customer will see it, then the
/// decided ones with their message's status.
pub fn approvals(
    pending: &[Value],
    decided: &[Value],
    outbound: &Value,
    ok: Option<&str>,
    csrf: &str,
) -> String {
    let mut body = ok_text(ok);
    body.push_str("<h2>Waiting for a person</h2>");
    if pending.is_empty() {
        body.push_str("<p>Nothing is waiting.</p>");
    }
    for a in pending {
        let id = a["id"].as_str().unwrap_or_default();
        let p = &a["payload"];
        let draft = if p["text"].is_string() {
            format!(
                "<p>To {} · subject “{}”</p><div class=\"draft\" aria-label=\"Draft as the customer will see it\">{}</div>",
                t(&p["to"]),
                t(&p["subject"]),
                t(&p["text"])
            )
        } else {
            format!(
                "<div class=\"draft\">{}</div>",
                esc(&serde_json::to_string_pretty(p).unwrap_or_default())
            )
        };
        let nid = format!("note-{}", enc(id));
        body.push_str(&format!(
            "<article class=\"card approval\" data-id=\"{}\"><h3>{} · {}</h3><p>{}</p>{draft}\
<form class=\"inline\" method=\"post\" action=\"/dashboard/approvals/{}/approve\">{}<button type=\"submit\">Approve</button></form>\
<form class=\"inline\" method=\"post\" action=\"/dashboard/approvals/{}/reject\">{}<label for=\"{nid}\">Reason</label><input id=\"{nid}\" name=\"note\" type=\"text\" required><button type=\"submit\" class=\"secondary\">Reject</button></form></article>",
            esc(id),
            account_link(&a["account_id"], &Value::Null),
            t(&a["kind"]).replace('_', " "),
            t(&a["summary"]),
            enc(id),
            csrf_field(csrf),
            enc(id),
            csrf_field(csrf),
        ));
    }
    body.push_str("<h2>Decided</h2>");
    let message_status = |a: &Value| -> String {
        arr(&outbound["messages"])
            .iter()
            .find(|m| m["account_id"] == a["account_id"] && m["step_key"] == a["step_key"])
            .map(|m| t(&m["status"]))
            .unwrap_or_else(|| "—".into())
    };
    let rows: Vec<String> = decided
        .iter()
        .map(|a| {
            format!(
                "<tr data-id=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"status\">{}</td><td class=\"message\">{}</td><td>{}</td><td>{}</td></tr>",
                t(&a["id"]),
                account_link(&a["account_id"], &Value::Null),
                t(&a["kind"]).replace('_', " "),
                t(&a["summary"]),
                t(&a["status"]),
                message_status(a),
                t(&a["decided_at"]),
                t(&a["note"]),
            )
        })
        .collect();
    if rows.is_empty() {
        body.push_str("<p>Nothing decided yet.</p>");
    } else {
        body.push_str(&format!(
            "<table class=\"decided\"><thead><tr><th scope=\"col\">Account</th><th scope=\"col\">Kind</th><th scope=\"col\">Summary</th><th scope=\"col\">Decision</th><th scope=\"col\">Message</th><th scope=\"col\">Decided at</th><th scope=\"col\">Note</th></tr></thead><tbody>{}</tbody></table>",
            rows.join("")
        ));
    }
    page("Approvals", "/dashboard/approvals", Some(csrf), &body)
}

/// Unapplied cash, each with a form to apply it by hand (prefilled with the first suggestion).
pub fn unapplied(list: &Value, ok: Option<&str>, csrf: &str) -> String {
    let mut body = ok_text(ok);
    let items = arr(&list["payments"])
        .iter()
        .chain(arr(&list["unapplied"]))
        .collect::<Vec<_>>();
    if items.is_empty() {
        body.push_str("<p>No payment is waiting to be applied.</p>");
    }
    for p in items {
        let pid = p["payment_id"]
            .as_str()
            .or(p["id"].as_str())
            .unwrap_or_default();
        let first = arr(&p["suggestions"])
            .first()
            .cloned()
            .unwrap_or(Value::Null);
        let fid = enc(pid);
        let suggestions: Vec<String> = arr(&p["suggestions"])
            .iter()
            .map(|s| format!("<li>{} {}</li>", t(&s["invoice_id"]), t(&s["amount"])))
            .collect();
        body.push_str(&format!(
            "<div class=\"card\"><p><strong>{}</strong> · {} {} (unapplied {}) · reference {} · {}</p><p>{}</p><ul>{}</ul>\
<form class=\"inline\" method=\"post\" action=\"/dashboard/unapplied/{fid}/apply\">{}\
<label for=\"i-{fid}\">Invoice id</label><input id=\"i-{fid}\" name=\"invoice_id\" value=\"{}\" required>\
<label for=\"a-{fid}\">Amount</label><input id=\"a-{fid}\" name=\"amount\" value=\"{}\" inputmode=\"decimal\" required>\
<button type=\"submit\">Apply</button></form></div>",
            esc(pid),
            t(&p["amount"]),
            t(&p["currency"]),
            t(&p["unapplied"]),
            t(&p["reference"]),
            account_link(&p["account_id"], &p["account_name"]),
            t(&p["reason"]),
            suggestions.join(""),
            csrf_field(csrf),
            first["invoice_id"].as_str().map(esc).unwrap_or_default(),
            first["amount"].as_str().map(esc).unwrap_or_else(|| p["unapplied"].as_str().map(esc).unwrap_or_default()),
        ));
    }
    page("Unapplied cash", "/dashboard/unapplied", Some(csrf), &body)
}

/// Open disputes across accounts, each with its resolution form.
pub fn disputes(rows: &[Value], ok: Option<&str>, csrf: &str) -> String {
    let mut body = ok_text(ok);
    if rows.is_empty() {
        body.push_str("<p>No open disputes.</p>");
    }
    for r in rows {
        let data: Value = r["data"]
            .as_str()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or(Value::Null);
        let invoices: Vec<String> = arr(&data["invoice_ids"]).iter().map(t).collect();
        body.push_str(&format!(
            "<div class=\"card dispute\"><p>{} · <strong>{}</strong> · invoices {} · opened {}</p><p>{}</p>{}</div>",
            account_link(&r["account_id"], &r["account_name"]),
            t(&r["category"]),
            invoices.join(", "),
            t(&r["opened_at"]),
            t(&data["summary"]),
            resolve_form(
                r["account_id"].as_str().unwrap_or_default(),
                r["id"].as_str().unwrap_or_default(),
                csrf
            ),
        ));
    }
    page("Disputes", "/dashboard/disputes", Some(csrf), &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const HOSTILE: &str = "<script>alert(1)</script>";

    #[test]
    fn a_hostile_account_name_is_escaped_everywhere() {
        let list = json!({"accounts": [{"id": "erp:<x>", "name": HOSTILE, "stage": HOSTILE,
                           "open_invoices": 1, "dunning_enabled": true}]});
        let detail = json!({"account": {"id": "erp:<x>", "name": HOSTILE},
            "contacts": [{"name": "<img src=x onerror=alert(2)>", "email": "a@b"}],
            "invoices": [{"number": HOSTILE}],
            "disputes": [{"id": "d\"1", "status": "open", "summary": HOSTILE, "invoice_ids": [HOSTILE]}],
            "decision": {"reasons": [{"code": "x", "text": HOSTILE}]}});
        let timeline = json!({"events": [{"at": "t", "type": "message_out", "kind": HOSTILE,
            "data": {"subject": HOSTILE, "reasons": [{"text": HOSTILE}]}}]});
        let preview = json!({"preview": {"actions": [{"step": {"to": HOSTILE}, "reasons": []}]}});
        let worklist = json!({"by_currency": [{"currency": "EUR", "entries": [
            {"account_id": "erp:<x>", "account_name": HOSTILE, "needs": ["open_task"]}]}]});
        let metrics = json!({"currencies": [{"currency": "EUR", "aging": {HOSTILE: "1"},
            "overdue_by_stage": [{"stage": HOSTILE, "amount": "1"}]}]});
        let approval = json!({"id": "a<1>", "account_id": "erp:<x>", "summary": HOSTILE,
            "payload": {"to": HOSTILE, "subject": HOSTILE, "text": HOSTILE}});
        let disputes_rows = [
            json!({"id": "d", "account_id": "a", "account_name": HOSTILE,
            "data": json!({"summary": HOSTILE}).to_string()}),
        ];
        let pages = [
            accounts(&list, HOSTILE, HOSTILE, "c"),
            account(&detail, &timeline, &preview, Some(HOSTILE), "c"),
            overview(
                &metrics,
                &[(HOSTILE.into(), json!({"EUR": HOSTILE}))],
                &worklist,
                "c",
            ),
            approvals(
                std::slice::from_ref(&approval),
                std::slice::from_ref(&approval),
                &json!({}),
                None,
                "c",
            ),
            unapplied(
                &json!({"payments": [{"payment_id": HOSTILE, "reference": HOSTILE}]}),
                None,
                "c",
            ),
            disputes(&disputes_rows, None, "c"),
            login(Some(HOSTILE)),
            error(&Some("c"), 500, HOSTILE),
        ];
        for (i, p) in pages.iter().enumerate() {
            assert!(!p.contains("<script>"), "page {i} has a raw script tag");
            assert!(!p.contains("<img"), "page {i} has a raw img tag");
        }
        assert!(pages[1].contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    #[test]
    fn every_form_carries_the_csrf_field() {
        let detail = json!({"account": {"id": "a"}, "disputes": [{"id": "d", "status": "open"}]});
        let p = account(&detail, &json!({}), &json!({}), None, "tok");
        assert!(p.contains("/dashboard/accounts/a/disputes/d/resolve"));
        let forms = p.matches("<form").count();
        assert_eq!(p.matches("name=\"csrf\" value=\"tok\"").count(), forms);
    }
}
