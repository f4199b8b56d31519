//! One fixture per rule deciding whether a bounce means the address itself is dead
//! (`tests/fixtures/bounce/`, written for these tests): the SMTP step that was refused, what the
//! RFC 3463 status code is about, and DNS failures versus names that do not exist.

use nudge_mail::{parse, Bounce, BounceReason, Limits, Machine};

fn bounce(name: &str) -> Bounce {
    let path = format!(
        "{}/tests/fixtures/bounce/{name}.eml",
        env!("CARGO_MANIFEST_DIR")
    );
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match parse(&raw, &Limits::default()).expect("parses").machine {
        Some(Machine::Bounce(b)) => b,
        other => panic!("{name}: not a bounce: {other:?}"),
    }
}

#[test]
fn user_unknown_at_rcpt_to_is_dead() {
    for name in ["rcpt-stage-user-unknown", "postfix-rcpt-user-unknown"] {
        let b = bounce(name);
        assert_eq!(b.reason, BounceReason::UserUnknown, "{name}");
        assert!(b.address_dead, "{name}");
    }
}

#[test]
fn user_unknown_after_data_is_a_filter_not_a_dead_address() {
    let b = bounce("data-stage-user-unknown");
    assert!(b.permanent);
    assert_eq!(b.reason, BounceReason::Filtered);
    assert!(!b.address_dead);
}

#[test]
fn a_pipelined_recipient_answer_after_data_is_about_the_recipient() {
    let b = bounce("pipelined-invalid-recipient");
    assert_eq!(b.reason, BounceReason::UserUnknown);
    assert!(b.address_dead);
}

#[test]
fn a_status_naming_the_mailbox_is_not_second_guessed_by_the_stage() {
    let b = bounce("data-stage-status-names-mailbox");
    assert_eq!(b.status.as_deref(), Some("5.1.1"));
    assert!(b.address_dead);
}

#[test]
fn a_refusal_of_our_own_host_or_sender_is_not_about_the_recipient() {
    let b = bounce("qmail-helo-rejected");
    assert!(b.permanent);
    assert_eq!(b.reason, BounceReason::Blocked);
    assert!(!b.address_dead);
}

#[test]
fn policy_status_outweighs_address_wording() {
    let b = bounce("policy-status-unknown-address");
    assert_eq!(b.status.as_deref(), Some("5.7.1"));
    assert_eq!(b.reason, BounceReason::Blocked);
    assert!(!b.address_dead);
}

#[test]
fn mailbox_status_x_2_0_says_the_mailbox_exists() {
    let b = bounce("mailbox-exists-status");
    assert_eq!(b.status.as_deref(), Some("5.2.0"));
    assert!(!b.address_dead);
}

#[test]
fn a_dns_failure_is_not_a_missing_domain() {
    let b = bounce("dns-failure");
    assert!(!b.address_dead, "{b:?}");
    assert_ne!(b.reason, BounceReason::HostUnknown);
}

#[test]
fn a_null_mx_recipient_domain_is_dead() {
    let b = bounce("null-mx-status");
    assert_eq!(b.reason, BounceReason::HostUnknown);
    assert!(b.address_dead);
}

#[test]
fn a_provider_saying_the_account_does_not_exist_is_dead_even_after_data() {
    let b = bounce("data-stage-no-account");
    assert_eq!(b.reason, BounceReason::UserUnknown);
    assert!(b.address_dead);
}

#[test]
fn a_content_filter_gateways_user_unknown_is_its_verdict_not_a_dead_address() {
    // Recognised by its X-Mailer, and by the product name in its own Received header.
    for name in ["gateway-user-unknown", "gateway-received-user-unknown"] {
        let b = bounce(name);
        assert!(b.permanent, "{name}");
        assert_eq!(b.reason, BounceReason::Filtered, "{name}");
        assert!(!b.address_dead, "{name}");
    }
}

#[test]
fn a_gateway_relaying_a_refusal_at_rcpt_to_still_reports_a_dead_address() {
    let b = bounce("gateway-rcpt-user-unknown");
    assert_eq!(b.reason, BounceReason::UserUnknown);
    assert!(b.address_dead);
}

#[test]
fn a_user_unknown_naming_an_empty_address_is_not_about_the_recipient() {
    let b = bounce("empty-address-user-unknown");
    assert!(b.permanent);
    assert!(!b.address_dead, "{b:?}");
}

#[test]
fn a_mail_system_status_makes_user_unknown_wording_a_system_failure() {
    let b = bounce("mail-system-status-user-unknown");
    assert_eq!(b.status.as_deref(), Some("5.3.0"));
    assert!(b.permanent);
    assert!(!b.address_dead, "{b:?}");
}

#[test]
fn a_mail_system_status_at_rcpt_to_is_still_a_missing_user() {
    let b = bounce("mail-system-status-rcpt-no-such-user");
    assert_eq!(b.status.as_deref(), Some("5.3.0"));
    assert_eq!(b.reason, BounceReason::UserUnknown);
    assert!(b.address_dead);
}

#[test]
fn a_disabled_mailbox_status_outside_rcpt_to_is_not_dead() {
    let b = bounce("disabled-status-user-unknown");
    assert_eq!(b.status.as_deref(), Some("5.2.1"));
    assert_eq!(b.reason, BounceReason::Suspended);
    assert!(!b.address_dead);
}

#[test]
fn a_local_delivery_program_failure_is_a_mailer_error() {
    let b = bounce("local-delivery-cannot-create");
    assert!(b.permanent);
    assert_eq!(b.reason, BounceReason::Other);
    assert!(!b.address_dead, "{b:?}");
}
