//! Property tests: nothing panics on any input, and the size limit is exact.

use nudge_mail::{extract_new_text, parse, plus_token, Limits, MailError};
use proptest::prelude::*;

const SEED: &[u8] = include_bytes!("fixtures/human_gmail_alternative_qp.eml");
const DSN: &[u8] = include_bytes!("fixtures/bounce_dsn_user_unknown.eml");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_never_panics_on_bytes(raw in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = parse(&raw, &Limits::default());
    }

    #[test]
    fn parse_never_panics_on_mutated_mail(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..64),
        cut in any::<usize>(),
        dsn in any::<bool>(),
    ) {
        let mut raw = if dsn { DSN.to_vec() } else { SEED.to_vec() };
        for (at, byte) in edits {
            let len = raw.len();
            if len > 0 {
                raw[at % len] = byte;
            }
        }
        raw.truncate(cut % (raw.len() + 1));
        let _ = parse(&raw, &Limits::default());
    }

    #[test]
    fn text_helpers_never_panic(s in "\\PC{0,400}") {
        let out = extract_new_text(&s);
        let grew = out.len() > s.len() + 1;
        prop_assert!(!grew, "new text longer than its input");
        let _ = plus_token(&s);
    }

    #[test]
    fn size_limit_is_exact(len in 0usize..2048, limit in 0usize..2048) {
        let raw = vec![b'x'; len];
        let result = parse(&raw, &Limits { max_bytes: limit });
        if len > limit {
            prop_assert_eq!(result, Err(MailError::TooLarge { size: len, limit }));
        } else {
            let too_large = matches!(result, Err(MailError::TooLarge { .. }));
            prop_assert!(!too_large);
        }
    }
}
