//! The `nudge classify` binary prints the Classification JSON.

use std::process::Command;

#[test]
fn classify_prints_the_interface_json() {
    let dir = std::env::temp_dir().join(format!("nudge-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let eml = dir.join("reply.eml");
    std::fs::write(
        &eml,
        "From: Mark <mark@customer.example>\r\nTo: ar@vendor.example\r\nSubject: Re: Invoice INV-2026-0412\r\nDate: Tue, 03 Nov 2026 09:42:00 +0000\r\n\r\nHi, we'll pay INV-2026-0412 (GBP 4,800.00) by Friday.\r\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nudge"))
        .args([
            "classify",
            eml.to_str().unwrap(),
            "--locale",
            "en-GB",
            "--timezone",
            "Europe/London",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "kind",
        "intents",
        "primary_intent",
        "promise",
        "dispute",
        "invoice_refs",
        "po_number",
        "new_contacts",
        "out_of_office_until",
        "bounce",
        "new_text",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert_eq!(json["kind"], "human");
    assert_eq!(json["primary_intent"], "promise_to_pay");
    // --now defaults to the Date header: Friday after Tuesday 3 November.
    assert_eq!(json["promise"]["date"], "2026-11-06");
    assert_eq!(json["promise"]["amount"], "4800.00");
    assert_eq!(json["promise"]["currency"], "GBP");
    assert_eq!(json["invoice_refs"][0], "INV-2026-0412");

    let later = Command::new(env!("CARGO_BIN_EXE_nudge"))
        .args([
            "classify",
            eml.to_str().unwrap(),
            "--now",
            "2026-11-06T12:00:00Z",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&later.stdout).unwrap();
    assert_eq!(json["promise"]["date"], "2026-11-13");

    let bad = Command::new(env!("CARGO_BIN_EXE_nudge"))
        .args(["frobnicate"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    std::fs::remove_dir_all(&dir).ok();
}
