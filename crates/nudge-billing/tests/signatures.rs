//! Webhook signatures: Stripe's `t=…,v1=…` scheme and the ERP's `sha256=<hex>` scheme.

use chrono::{DateTime, Utc};
use nudge_billing::{erp, stripe, SignatureError};

const BODY: &[u8] = br#"{"id":"evt_1","type":"invoice.paid"}"#;
const T: i64 = 1_793_520_000;

fn now(offset: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(T + offset, 0).unwrap()
}

fn verify(header: &str, secrets: &[&str], offset: i64) -> Result<(), SignatureError> {
    stripe::verify_signature(header, BODY, secrets, now(offset), 300)
}

#[test]
fn stripe_accepts_a_valid_signature() {
    let h = stripe::signature_header(&["whsec_a"], T, BODY);
    assert_eq!(verify(&h, &["whsec_a"], 0), Ok(()));
    assert_eq!(verify(&h, &["whsec_a"], 299), Ok(()));
}

#[test]
fn stripe_known_vector() {
    // HMAC-SHA256("whsec_test", "1700000000.{}") computed independently (Python's hmac module).
    let header = "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91";
    let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    assert_eq!(
        stripe::verify_signature(header, b"{}", &["whsec_test"], at, 300),
        Ok(())
    );
    assert_eq!(
        stripe::signature_header(&["whsec_test"], 1_700_000_000, b"{}"),
        header
    );
    assert_eq!(
        stripe::verify_signature(header, b"{ }", &["whsec_test"], at, 300),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn stripe_rejects_a_wrong_secret_and_a_tampered_body() {
    let h = stripe::signature_header(&["whsec_a"], T, BODY);
    assert_eq!(verify(&h, &["whsec_b"], 0), Err(SignatureError::Mismatch));
    assert_eq!(
        stripe::verify_signature(&h, b"{\"id\":\"evt_2\"}", &["whsec_a"], now(0), 300),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn stripe_accepts_any_configured_secret_during_rotation() {
    let old = stripe::signature_header(&["whsec_old"], T, BODY);
    let new = stripe::signature_header(&["whsec_new"], T, BODY);
    for h in [&old, &new] {
        assert_eq!(verify(h, &["whsec_new", "whsec_old"], 0), Ok(()));
        assert_eq!(verify(h, &["", " whsec_new ", "whsec_old"], 0), Ok(()));
    }
    assert_eq!(
        verify(&old, &["whsec_new"], 0),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn stripe_accepts_when_any_of_several_v1_matches() {
    // Stripe signs with every active secret of the endpoint during its own roll.
    let h = stripe::signature_header(&["whsec_other", "whsec_a"], T, BODY);
    assert_eq!(h.matches("v1=").count(), 2);
    assert_eq!(verify(&h, &["whsec_a"], 0), Ok(()));
    let with_v0 = format!("{h},v0=deadbeef");
    assert_eq!(verify(&with_v0, &["whsec_a"], 0), Ok(()));
}

#[test]
fn stripe_rejects_stale_and_future_timestamps() {
    let h = stripe::signature_header(&["whsec_a"], T, BODY);
    assert!(matches!(
        verify(&h, &["whsec_a"], 301),
        Err(SignatureError::Stale { age_secs: 301 })
    ));
    assert!(matches!(
        verify(&h, &["whsec_a"], -301),
        Err(SignatureError::Stale { age_secs: -301 })
    ));
    assert!(matches!(
        verify(&h, &["whsec_a"], 86_400 * 365),
        Err(SignatureError::Stale { .. })
    ));
}

#[test]
fn stripe_rejects_missing_parts_and_garbage() {
    let h = stripe::signature_header(&["whsec_a"], T, BODY);
    let sig = h.split_once(",v1=").unwrap().1.to_string();
    assert_eq!(
        verify("", &["whsec_a"], 0),
        Err(SignatureError::Malformed("empty header"))
    );
    assert_eq!(
        verify(&format!("v1={sig}"), &["whsec_a"], 0),
        Err(SignatureError::BadTimestamp)
    );
    assert!(matches!(
        verify(&format!("t={T}"), &["whsec_a"], 0),
        Err(SignatureError::Malformed(_))
    ));
    assert_eq!(
        verify(&format!("t=abc,v1={sig}"), &["whsec_a"], 0),
        Err(SignatureError::BadTimestamp)
    );
    assert!(matches!(
        verify(&format!("t={T},t={T},v1={sig}"), &["whsec_a"], 0),
        Err(SignatureError::Malformed(_))
    ));
    assert!(matches!(
        verify("garbage", &["whsec_a"], 0),
        Err(SignatureError::Malformed(_))
    ));
    assert_eq!(
        verify(&format!("t={T},v1=zz{}", &sig[2..]), &["whsec_a"], 0),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify(&format!("t={T},v1={}", &sig[..40]), &["whsec_a"], 0),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify(&format!("t={T},v1="), &["whsec_a"], 0),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(verify(&h, &[], 0), Err(SignatureError::NoSecret));
    assert_eq!(verify(&h, &["", "  "], 0), Err(SignatureError::NoSecret));
    // Upper-case hex is still the same signature.
    assert_eq!(
        verify(&format!("t={T},v1={}", sig.to_uppercase()), &["whsec_a"], 0),
        Ok(())
    );
}

#[test]
fn erp_accepts_a_valid_signature() {
    let sig = erp::signature_header("erp_secret", T, BODY);
    assert!(sig.starts_with("sha256="));
    let ts = T.to_string();
    assert_eq!(
        erp::verify_signature(&ts, &sig, BODY, "erp_secret", now(10), 300),
        Ok(())
    );
    let upper = sig.replace("sha256=", "SHA256=");
    assert_eq!(
        erp::verify_signature(&ts, &upper, BODY, "erp_secret", now(0), 300),
        Ok(())
    );
}

#[test]
fn erp_rejects_wrong_secret_stale_and_malformed() {
    let sig = erp::signature_header("erp_secret", T, BODY);
    let ts = T.to_string();
    assert_eq!(
        erp::verify_signature(&ts, &sig, BODY, "other", now(0), 300),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        erp::verify_signature(&ts, &sig, b"{}", "erp_secret", now(0), 300),
        Err(SignatureError::Mismatch)
    );
    // The timestamp is part of what is signed: moving it breaks the signature.
    assert_eq!(
        erp::verify_signature(&(T + 1).to_string(), &sig, BODY, "erp_secret", now(0), 300),
        Err(SignatureError::Mismatch)
    );
    assert!(matches!(
        erp::verify_signature(&ts, &sig, BODY, "erp_secret", now(301), 300),
        Err(SignatureError::Stale { .. })
    ));
    assert!(matches!(
        erp::verify_signature(&ts, &sig, BODY, "erp_secret", now(-301), 300),
        Err(SignatureError::Stale { .. })
    ));
    let bare = sig.trim_start_matches("sha256=");
    assert!(matches!(
        erp::verify_signature(&ts, bare, BODY, "erp_secret", now(0), 300),
        Err(SignatureError::Malformed(_))
    ));
    assert!(matches!(
        erp::verify_signature(
            &ts,
            &format!("sha1={bare}"),
            BODY,
            "erp_secret",
            now(0),
            300
        ),
        Err(SignatureError::Malformed(_))
    ));
    assert_eq!(
        erp::verify_signature("", &sig, BODY, "erp_secret", now(0), 300),
        Err(SignatureError::BadTimestamp)
    );
    assert_eq!(
        erp::verify_signature("yesterday", &sig, BODY, "erp_secret", now(0), 300),
        Err(SignatureError::BadTimestamp)
    );
    assert_eq!(
        erp::verify_signature(&ts, "sha256=nothex", BODY, "erp_secret", now(0), 300),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        erp::verify_signature(&ts, &sig, BODY, "", now(0), 300),
        Err(SignatureError::NoSecret)
    );
    assert!(matches!(
        erp::verify_signature(&ts, "", BODY, "erp_secret", now(0), 300),
        Err(SignatureError::Malformed(_))
    ));
}
