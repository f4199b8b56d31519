//! Character references (`&amp;`, `&#8217;`, `&#x20AC;`) in HTML text.
//!
//! Named references are the HTML 4 set (what mail clients and e-mail builders write), plus
//! `&apos;` and the upper-case spellings HTML 5 accepts for the commonest. The full HTML 5 list
//! (2,125 names, mostly mathematical symbols) cost ≈ 20 KB of the gzipped worker (issue 12); a
//! name outside this set stays in the text as written, as any unknown name does.

use mail_parser::decoders::charsets::map::charset_decoder;

use crate::phrases::Words;
use crate::words;

/// Named references, `"name character"`, the commonest in mail first (lookup walks the list).
const NAMED: Words = words![
    "nbsp \u{a0}",
    "amp &",
    "quot \"",
    "lt <",
    "gt >",
    "apos '",
    "rsquo ’",
    "lsquo ‘",
    "ldquo “",
    "rdquo ”",
    "ndash –",
    "mdash —",
    "hellip …",
    "euro €",
    "zwnj \u{200c}",
    "copy ©",
    "reg ®",
    "trade ™",
    "bull •",
    "middot ·",
    "pound £",
    "yen ¥",
    "cent ¢",
    "sect §",
    "deg °",
    "laquo «",
    "raquo »",
    "times ×",
    "shy \u{ad}",
    "auml ä",
    "ouml ö",
    "uuml ü",
    "Auml Ä",
    "Ouml Ö",
    "Uuml Ü",
    "szlig ß",
    "eacute é",
    "egrave è",
    "agrave à",
    "ccedil ç",
    // The rest of Latin-1 (U+00A1–U+00FF), in code point order.
    "iexcl ¡",
    "curren ¤",
    "brvbar ¦",
    "uml ¨",
    "ordf ª",
    "not ¬",
    "macr ¯",
    "plusmn ±",
    "sup2 ²",
    "sup3 ³",
    "acute ´",
    "micro µ",
    "para ¶",
    "cedil ¸",
    "sup1 ¹",
    "ordm º",
    "frac14 ¼",
    "frac12 ½",
    "frac34 ¾",
    "iquest ¿",
    "Agrave À",
    "Aacute Á",
    "Acirc Â",
    "Atilde Ã",
    "Aring Å",
    "AElig Æ",
    "Ccedil Ç",
    "Egrave È",
    "Eacute É",
    "Ecirc Ê",
    "Euml Ë",
    "Igrave Ì",
    "Iacute Í",
    "Icirc Î",
    "Iuml Ï",
    "ETH Ð",
    "Ntilde Ñ",
    "Ograve Ò",
    "Oacute Ó",
    "Ocirc Ô",
    "Otilde Õ",
    "Oslash Ø",
    "Ugrave Ù",
    "Uacute Ú",
    "Ucirc Û",
    "Yacute Ý",
    "THORN Þ",
    "aacute á",
    "acirc â",
    "atilde ã",
    "aring å",
    "aelig æ",
    "ecirc ê",
    "euml ë",
    "igrave ì",
    "iacute í",
    "icirc î",
    "iuml ï",
    "eth ð",
    "ntilde ñ",
    "ograve ò",
    "oacute ó",
    "ocirc ô",
    "otilde õ",
    "divide ÷",
    "oslash ø",
    "ugrave ù",
    "uacute ú",
    "ucirc û",
    "yacute ý",
    "thorn þ",
    "yuml ÿ",
    // Latin Extended, spacing modifiers, general punctuation.
    "OElig Œ",
    "oelig œ",
    "Scaron Š",
    "scaron š",
    "Yuml Ÿ",
    "fnof ƒ",
    "circ ˆ",
    "tilde ˜",
    "ensp \u{2002}",
    "emsp \u{2003}",
    "thinsp \u{2009}",
    "zwj \u{200d}",
    "lrm \u{200e}",
    "rlm \u{200f}",
    "sbquo ‚",
    "bdquo „",
    "dagger †",
    "Dagger ‡",
    "permil ‰",
    "lsaquo ‹",
    "rsaquo ›",
    "prime ′",
    "Prime ″",
    "oline ‾",
    "frasl ⁄",
    // Greek.
    "Alpha Α",
    "Beta Β",
    "Gamma Γ",
    "Delta Δ",
    "Epsilon Ε",
    "Zeta Ζ",
    "Eta Η",
    "Theta Θ",
    "Iota Ι",
    "Kappa Κ",
    "Lambda Λ",
    "Mu Μ",
    "Nu Ν",
    "Xi Ξ",
    "Omicron Ο",
    "Pi Π",
    "Rho Ρ",
    "Sigma Σ",
    "Tau Τ",
    "Upsilon Υ",
    "Phi Φ",
    "Chi Χ",
    "Psi Ψ",
    "Omega Ω",
    "alpha α",
    "beta β",
    "gamma γ",
    "delta δ",
    "epsilon ε",
    "zeta ζ",
    "eta η",
    "theta θ",
    "iota ι",
    "kappa κ",
    "lambda λ",
    "mu μ",
    "nu ν",
    "xi ξ",
    "omicron ο",
    "pi π",
    "rho ρ",
    "sigmaf ς",
    "sigma σ",
    "tau τ",
    "upsilon υ",
    "phi φ",
    "chi χ",
    "psi ψ",
    "omega ω",
    "thetasym ϑ",
    "upsih ϒ",
    "piv ϖ",
    // Letter-like symbols, arrows, mathematical operators, shapes.
    "weierp ℘",
    "image ℑ",
    "real ℜ",
    "alefsym ℵ",
    "larr ←",
    "uarr ↑",
    "rarr →",
    "darr ↓",
    "harr ↔",
    "crarr ↵",
    "lArr ⇐",
    "uArr ⇑",
    "rArr ⇒",
    "dArr ⇓",
    "hArr ⇔",
    "forall ∀",
    "part ∂",
    "exist ∃",
    "empty ∅",
    "nabla ∇",
    "isin ∈",
    "notin ∉",
    "ni ∋",
    "prod ∏",
    "sum ∑",
    "minus −",
    "lowast ∗",
    "radic √",
    "prop ∝",
    "infin ∞",
    "ang ∠",
    "and ∧",
    "or ∨",
    "cap ∩",
    "cup ∪",
    "int ∫",
    "there4 ∴",
    "sim ∼",
    "cong ≅",
    "asymp ≈",
    "ne ≠",
    "equiv ≡",
    "le ≤",
    "ge ≥",
    "sub ⊂",
    "sup ⊃",
    "nsub ⊄",
    "sube ⊆",
    "supe ⊇",
    "oplus ⊕",
    "otimes ⊗",
    "perp ⊥",
    "sdot ⋅",
    "lceil ⌈",
    "rceil ⌉",
    "lfloor ⌊",
    "rfloor ⌋",
    // HTML 5 maps these two to the mathematical angle brackets.
    "lang ⟨",
    "rang ⟩",
    "loz ◊",
    "spades ♠",
    "clubs ♣",
    "hearts ♥",
    "diams ♦",
    // Upper-case spellings HTML 5 accepts.
    "AMP &",
    "QUOT \"",
    "LT <",
    "GT >",
    "COPY ©",
    "REG ®",
];

/// Longest reference we read, `&` and `;` excluded (`&thetasym;`, `&#x10FFFF;`).
const MAX_NAME: usize = 10;

/// Reads the character reference at the start of `text` (which starts with `&`): the character
/// and the bytes it took, or `None` when it is not a reference we know (then `&` is text).
pub(super) fn decode(text: &str) -> Option<(char, usize)> {
    let body = text.strip_prefix('&')?;
    let end = body.bytes().take(MAX_NAME + 1).position(|b| b == b';')?;
    let name = body.get(..end)?;
    let ch = match name.strip_prefix('#') {
        Some(number) => numeric(number)?,
        None => named(name)?,
    };
    Some((ch, end + 2))
}

/// The character a named reference stands for.
fn named(name: &str) -> Option<char> {
    NAMED.iter().find_map(|entry| {
        let (entry_name, ch) = entry.split_once(' ')?;
        if entry_name == name {
            ch.chars().next()
        } else {
            None
        }
    })
}

/// The character of `&#…;` (`number` without the `#`): decimal, or hexadecimal after `x`.
/// Like browsers, 128–159 are read as Windows-1252 (what the writer meant by `&#146;`), and
/// zero, surrogates and values past Unicode become U+FFFD.
fn numeric(number: &str) -> Option<char> {
    let (digits, radix) = match number.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    if digits.is_empty() || !digits.bytes().all(|b| (b as char).is_digit(radix)) {
        return None;
    }
    let code = u32::from_str_radix(digits, radix).ok()?;
    if let Ok(byte @ 0x80..=0x9f) = u8::try_from(code) {
        return charset_decoder(b"windows-1252").and_then(|decode| decode(&[byte]).chars().next());
    }
    Some(match code {
        0 => char::REPLACEMENT_CHARACTER,
        _ => char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::decoders::html::html_to_text;
    use std::collections::HashSet;

    /// Every entry stands for what mail-parser's full HTML 5 table says (the oracle, test-only).
    #[test]
    fn table_agrees_with_the_html5_list() {
        let mut seen = HashSet::new();
        for entry in NAMED {
            let (name, ch) = entry.split_once(' ').expect("name and character");
            assert_eq!(ch.chars().count(), 1, "{entry:?}");
            assert!(seen.insert(name), "{name} twice");
            assert_eq!(html_to_text(&format!("&{name};")), ch, "&{name};");
            assert_eq!(
                decode(&format!("&{name};x")),
                ch.chars().next().map(|c| (c, name.len() + 2))
            );
        }
        assert!(seen.len() >= 250, "HTML 4 has 252 names: {}", seen.len());
        assert!(seen.iter().all(|n| n.len() <= MAX_NAME));
    }

    #[test]
    fn numeric_references() {
        assert_eq!(decode("&#8217;s"), Some(('’', 7)));
        assert_eq!(decode("&#x20AC;"), Some(('€', 8)));
        assert_eq!(decode("&#X20ac;"), Some(('€', 8)));
        assert_eq!(decode("&#146;"), Some(('’', 6)), "Windows-1252 range");
        assert_eq!(decode("&#150;"), Some(('–', 6)));
        assert_eq!(decode("&#0;"), Some(('\u{fffd}', 4)));
        assert_eq!(decode("&#xD800;"), Some(('\u{fffd}', 8)));
        assert_eq!(decode("&#x110000;"), Some(('\u{fffd}', 10)));
        assert_eq!(decode("&#;"), None);
        assert_eq!(decode("&#x;"), None);
        assert_eq!(decode("&#12a;"), None);
        assert_eq!(decode("&#+65;"), None);
    }

    #[test]
    fn not_references() {
        assert_eq!(decode("&amp"), None, "no semicolon");
        assert_eq!(decode("& amp;"), None);
        assert_eq!(decode("&T rocks;"), None);
        assert_eq!(decode("&NotSquareSuperset;"), None, "HTML 5 only, too long");
        assert_eq!(decode("&check;"), None, "HTML 5 only");
        assert_eq!(decode("&Amp;"), None, "names are case-sensitive");
    }
}
