//! Lower-case base32 with the "extended hex" alphabet (RFC 4648 §7) and no padding: the text of
//! reply tokens and Message-ID local parts.
//!
//! Written out rather than taken from `data-encoding`, whose one table-driven engine for every
//! encoding cost ≈ 21 KB of the Worker's wasm for these two functions (issue 12). The tests hold
//! it to `data_encoding::BASE32_DNSSEC` (a dev-dependency), byte for byte.

const ALPHABET: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";

/// `bytes` as `[0-9a-v]`, five bits per character, the last character zero-padded on the right.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((acc >> bits) & 31) as usize]));
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((acc << (5 - bits)) & 31) as usize]));
    }
    out
}

/// The bytes of a lower-case `text` that [`encode`] could have written, else `None`: only
/// `[0-9a-v]`, a length that ends on a whole byte, and zero padding bits (so every byte string
/// has exactly one spelling).
pub fn decode(text: &str) -> Option<Vec<u8>> {
    // A last group of 1, 3 or 6 characters cannot end on a byte boundary.
    if matches!(text.len() % 8, 1 | 3 | 6) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let value = ALPHABET.iter().position(|&a| a == c)?;
        acc = (acc << 5) | value as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
        acc &= (1 << bits) - 1;
    }
    (acc == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use data_encoding::BASE32_DNSSEC;
    use proptest::prelude::*;

    #[test]
    fn rfc_4648_vectors_in_lower_case() {
        for (plain, coded) in [
            ("", ""),
            ("f", "co"),
            ("fo", "cpng"),
            ("foo", "cpnmu"),
            ("foob", "cpnmuog"),
            ("fooba", "cpnmuoj1"),
            ("foobar", "cpnmuoj1e8"),
        ] {
            assert_eq!(encode(plain.as_bytes()), coded);
            assert_eq!(decode(coded).as_deref(), Some(plain.as_bytes()));
        }
    }

    #[test]
    fn non_canonical_text_is_refused() {
        // Upper case: callers lower-case first (data-encoding's DNSSEC alphabet folds case).
        assert_eq!(decode("CO"), None);
        // A letter past `v`, a length that leaves bits over, and non-zero padding bits (`cp`
        // spells "f" plus a stray bit).
        for bad in ["cw", "c", "cpn", "cpnmuo", "cp"] {
            assert_eq!(decode(bad), None, "{bad}");
            assert!(BASE32_DNSSEC.decode(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn same_as_data_encoding(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let ours = encode(&bytes);
            prop_assert_eq!(&ours, &BASE32_DNSSEC.encode(&bytes));
            prop_assert_eq!(decode(&ours), Some(bytes));
        }

        #[test]
        fn decodes_exactly_what_data_encoding_decodes(text in "[0-9a-z]{0,24}") {
            prop_assert_eq!(decode(&text), BASE32_DNSSEC.decode(text.as_bytes()).ok());
        }
    }
}
