//! Tokens and sentences: the shape every phrase table is matched against.
//!
//! Text is lower-cased once; words keep apostrophes and are split at English contractions
//! ("won't" → "will not") so that the tables only need to know the long forms. Each token keeps
//! its byte span in the lower-cased text, so callers can cut the original words back out.

use nudge_mail::phrases::Words;
use nudge_mail::words;

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Letters (possibly with digits after letters, like `q4`).
    Word,
    /// Only ASCII digits; the value is kept when it fits.
    Number,
    /// Digits followed by an ordinal suffix: `3rd`, `15th`, `1st`.
    Ordinal,
    /// One punctuation or symbol character.
    Symbol,
}

/// One token of a lower-cased text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: Kind,
    /// The lower-cased text (or the expanded form of a contraction).
    pub text: &'a str,
    /// Numeric value of a `Number` or `Ordinal` (saturating; `0` when not numeric).
    pub value: u32,
    /// Count of digits of a `Number` (so `03` and `3` can be told apart).
    pub digits: usize,
    /// Byte span in the lower-cased text.
    pub start: usize,
    pub end: usize,
    /// True when whitespace separates this token from the previous one.
    pub space_before: bool,
}

impl Token<'_> {
    /// A word (or number) equal to `s`.
    pub fn is(&self, s: &str) -> bool {
        self.text == s
    }
    /// A symbol token equal to `c`.
    pub fn is_sym(&self, c: char) -> bool {
        self.kind == Kind::Symbol && self.text.starts_with(c)
    }
}

const ORDINAL_SUFFIXES: Words = words!["st", "nd", "rd", "th"];

/// Contractions expanded to the words the tables are written in.
fn expand_contraction(word: &str) -> Option<(&'static str, &'static str)> {
    Some(match word {
        "won't" => ("will", "not"),
        "can't" => ("can", "not"),
        "cannot" => ("can", "not"),
        "shan't" => ("shall", "not"),
        "ain't" => ("is", "not"),
        _ => return None,
    })
}

fn suffix_expansion(suffix: &str) -> Option<&'static str> {
    Some(match suffix {
        "n't" => "not",
        "'ll" => "will",
        "'re" => "are",
        "'ve" => "have",
        "'m" => "am",
        "'d" => "would",
        "'s" => "",
        _ => return None,
    })
}

/// Lower-cases `text` and normalises typographic apostrophes, so tables can be plain ASCII/UTF-8.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{2019}' | '\u{2018}' | '`' => out.push('\''),
            '\u{2013}' | '\u{2014}' => out.push('-'),
            '\u{00a0}' => out.push(' '),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Splits a lower-cased text into tokens.
pub fn tokenize(lower: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::with_capacity(lower.len() / 4);
    let mut iter = lower.char_indices().peekable();
    let mut space_before = true;
    while let Some((start, c)) = iter.next() {
        if c.is_whitespace() {
            space_before = true;
            continue;
        }
        if c.is_alphanumeric() {
            let mut end = start + c.len_utf8();
            while let Some(&(i, n)) = iter.peek() {
                let keep = n.is_alphanumeric()
                    || (n == '\'' && {
                        // An apostrophe inside a word (don't, o'brien), not a closing quote.
                        let rest = &lower[i + 1..];
                        rest.chars().next().is_some_and(char::is_alphabetic)
                    });
                if !keep {
                    break;
                }
                end = i + n.len_utf8();
                iter.next();
            }
            push_word(&mut tokens, lower, start, end, space_before);
        } else {
            tokens.push(Token {
                kind: Kind::Symbol,
                text: &lower[start..start + c.len_utf8()],
                value: 0,
                digits: 0,
                start,
                end: start + c.len_utf8(),
                space_before,
            });
        }
        space_before = false;
    }
    tokens
}

fn push_word<'a>(
    tokens: &mut Vec<Token<'a>>,
    lower: &'a str,
    start: usize,
    end: usize,
    space_before: bool,
) {
    let word = &lower[start..end];
    let digit_len = word.bytes().take_while(u8::is_ascii_digit).count();
    let make = |kind, text, value, digits| Token {
        kind,
        text,
        value,
        digits,
        start,
        end,
        space_before,
    };
    if digit_len == word.len() {
        tokens.push(make(Kind::Number, word, parse_u32(word), digit_len));
        return;
    }
    if digit_len > 0 {
        let (num, suffix) = word.split_at(digit_len);
        if ORDINAL_SUFFIXES.contains(suffix) {
            tokens.push(make(Kind::Ordinal, word, parse_u32(num), digit_len));
        } else if suffix.chars().all(char::is_alphabetic) || suffix.starts_with('t') {
            // "15sep", "10am", "4800usd", "05t08" (ISO time): a number glued to a word.
            tokens.push(Token {
                end: start + digit_len,
                ..make(Kind::Number, num, parse_u32(num), digit_len)
            });
            tokens.push(Token {
                start: start + digit_len,
                space_before: false,
                ..make(Kind::Word, suffix, 0, 0)
            });
        } else {
            tokens.push(make(Kind::Word, word, 0, 0));
        }
        return;
    }
    if let Some((a, b)) = expand_contraction(word) {
        tokens.push(make(Kind::Word, a, 0, 0));
        tokens.push(Token {
            space_before: true,
            ..make(Kind::Word, b, 0, 0)
        });
        return;
    }
    // French and Italian elisions: "d'adresser" → "d'" + "adresser" ("aujourd'hui" stays).
    if let Some((prefix, rest)) = split_elision(word) {
        tokens.push(make(Kind::Word, prefix, 0, 0));
        tokens.push(Token {
            space_before: false,
            ..make(Kind::Word, rest, 0, 0)
        });
        return;
    }
    if let Some(pos) = word.find('\'') {
        // "n't" starts one letter before the apostrophe.
        let split = if word[pos..].starts_with("'t") && word[..pos].ends_with('n') {
            pos - 1
        } else {
            pos
        };
        if let Some(expanded) = suffix_expansion(&word[split..]) {
            tokens.push(make(Kind::Word, &word[..split], 0, 0));
            if !expanded.is_empty() {
                tokens.push(Token {
                    space_before: true,
                    ..make(Kind::Word, expanded, 0, 0)
                });
            }
            return;
        }
    }
    tokens.push(make(Kind::Word, respell(word), 0, 0));
}

/// Common misspellings mapped to the spelling the tables use.
fn respell(word: &str) -> &str {
    crate::lang::index::index().respell(word)
}

/// Words commonly abbreviated with a dot inside a sentence: month and weekday abbreviations
/// of the date tables, and "no.", "nr.", "approx.", "ca.", "inv.".
fn is_abbreviation(word: &str) -> bool {
    matches!(
        word,
        "no" | "nr"
            | "kw"
            | "wk"
            | "v"
            | "sem"
            | "approx"
            | "ca"
            | "inv"
            | "ref"
            | "incl"
            | "excl"
            | "vs"
            | "etc"
            | "st"
            | "z"
            | "bzw"
            | "usw"
    ) || crate::lang::ALL.iter().any(|l| {
        l.months.iter().any(|(m, _)| *m == word && m.len() <= 4)
            || l.weekdays.iter().any(|(d, _)| *d == word && d.len() <= 4)
    })
}

fn split_elision(word: &str) -> Option<(&str, &str)> {
    const PREFIXES: Words = words![
        "l'", "d'", "n'", "qu'", "j'", "s'", "m'", "c'", "t'", "jusqu'", "lorsqu'", "puisqu'",
    ];
    if word.starts_with("aujourd'") {
        return None;
    }
    let prefix = PREFIXES.iter().find(|p| word.starts_with(*p))?;
    let rest = word.get(prefix.len()..)?;
    (!rest.is_empty()).then(|| (&word[..prefix.len()], rest))
}

fn parse_u32(digits: &str) -> u32 {
    digits.bytes().fold(0u32, |acc, b| {
        acc.saturating_mul(10)
            .saturating_add(u32::from(b.saturating_sub(b'0')))
    })
}

/// Splits tokens into sentences: at `!`, `?`, `;`, line breaks handled by the caller, and at `.`
/// unless the dot sits between digits or right after a number (so `3.12.` and `4.800,00` stay whole).
pub fn sentences<'t, 'a>(lower: &str, tokens: &'t [Token<'a>]) -> Vec<&'t [Token<'a>]> {
    let mut out = Vec::new();
    let mut begin = 0;
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        let mut cut = false;
        if t.kind == Kind::Symbol {
            match t.text {
                "!" | "?" | ";" => cut = true,
                "." => {
                    // `3.12.` (a German date) ends with a dot that is not a full stop.
                    let closes_number = i >= 2
                        && tokens[i - 1].kind == Kind::Number
                        && tokens[i - 1].digits <= 2
                        && !t.space_before
                        && !tokens[i - 1].space_before
                        && tokens[i - 2].is_sym('.');
                    let next_spaced = tokens.get(i + 1).is_none_or(|n| n.space_before);
                    // "Nov. 30", "No. 123", "approx. 3": the dot ends an abbreviation.
                    let abbreviation = i > 0
                        && !t.space_before
                        && tokens[i - 1].kind == Kind::Word
                        && is_abbreviation(tokens[i - 1].text)
                        && tokens.get(i + 1).is_some_and(|n| {
                            n.kind != Kind::Word || !n.text.starts_with(char::is_uppercase)
                        });
                    // "8. Dezember": a German day number, not the end of a sentence.
                    let day_before_month = i > 0
                        && tokens[i - 1].kind == Kind::Number
                        && tokens[i - 1].digits <= 2
                        && !t.space_before
                        && tokens.get(i + 1).is_some_and(|n| {
                            n.kind == Kind::Word
                                && crate::lang::index::index().word(n.text).month.is_some()
                        });
                    cut = !closes_number && !abbreviation && !day_before_month && next_spaced;
                }
                _ => {}
            }
        }
        // A blank line or a line break before a new line also ends a sentence.
        if !cut && i + 1 < tokens.len() {
            let gap = lower.get(t.end..tokens[i + 1].start).unwrap_or("");
            if gap.contains('\n') {
                let next = &tokens[i + 1];
                // Keep wrapped lines together unless the line ended with punctuation or the
                // gap is a paragraph break.
                if gap.matches('\n').count() >= 2
                    || t.kind == Kind::Symbol
                    || next.kind == Kind::Symbol
                {
                    out.push(&tokens[begin..=i]);
                    begin = i + 1;
                    i += 1;
                    continue;
                }
            }
        }
        if cut {
            out.push(&tokens[begin..=i]);
            begin = i + 1;
        } else if i > begin
            && t.kind == Kind::Word
            && matches!(
                t.text,
                "but" | "however" | "aber" | "jedoch" | "mais" | "pero" | "men" | "maar"
            )
        {
            // A contrast starts a new clause: "we won't pay INV-1 until it is corrected, but we
            // will pay INV-2 on Friday" holds a refusal and a promise.
            out.push(&tokens[begin..i]);
            begin = i;
        }
        i += 1;
    }
    if begin < tokens.len() {
        out.push(&tokens[begin..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        let lower = normalise(s);
        tokenize(&lower)
            .iter()
            .map(|t| t.text.to_string())
            .collect()
    }

    #[test]
    fn contractions_expand() {
        assert_eq!(words("We won't pay"), ["we", "will", "not", "pay"]);
        assert_eq!(words("We can’t"), ["we", "can", "not"]);
        assert_eq!(words("We'll pay"), ["we", "will", "pay"]);
        assert_eq!(words("didn't"), ["did", "not"]);
    }

    #[test]
    fn ordinals_and_numbers() {
        let lower = normalise("Dec 3rd 12/03");
        let t = tokenize(&lower);
        assert_eq!(t[1].kind, Kind::Ordinal);
        assert_eq!(t[1].value, 3);
        assert_eq!(t[2].kind, Kind::Number);
        assert_eq!(t[4].digits, 2);
    }

    #[test]
    fn sentences_keep_german_dates() {
        let lower = normalise("Wir zahlen am 3.12. den Betrag. Danke!");
        let t = tokenize(&lower);
        let s = sentences(&lower, &t);
        assert_eq!(s.len(), 2);
    }
}
