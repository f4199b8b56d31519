//! The language a customer wrote in, so that Nudge answers in it.
//!
//! Counts the function words of each language the classifier reads (articles, pronouns,
//! auxiliaries, the words of every business letter) among the words of the text. Only words
//! that belong to one language count: "de", "en", "la", "is", "die" are shared and say
//! nothing. The language with the most hits wins when it has at least two and clearly more than
//! the runner-up; otherwise the language stays unknown and the caller falls back to the
//! account's locale.

use std::collections::HashMap;
use std::sync::LazyLock;

use nudge_mail::phrases::Words;
use nudge_mail::words;

use crate::text::{normalise, tokenize, Kind};

/// ISO 639-1 code and distinctive function words.
const WORDS: &[(&str, Words)] = &[
    (
        "en",
        words![
            "the", "and", "we", "will", "you", "your", "our", "are", "to", "of", "for", "this",
            "that", "have", "please", "thanks", "thank", "invoice", "invoices", "pay", "be",
            "with", "it", "not", "on", "would", "can", "could", "by", "been", "has", "was",
            "regards", "hi", "hello", "dear", "payment", "should", "us", "let", "know", "any",
            "from", "next", "week", "paid", "which", "there", "as", "all",
        ],
    ),
    (
        "de",
        words![
            "und",
            "der",
            "das",
            "wir",
            "ist",
            "nicht",
            "sie",
            "ihre",
            "ihr",
            "bitte",
            "rechnung",
            "rechnungen",
            "zahlung",
            "mit",
            "für",
            "auf",
            "ein",
            "eine",
            "einen",
            "dem",
            "zu",
            "wird",
            "werden",
            "haben",
            "uns",
            "danke",
            "vielen",
            "grüße",
            "gruß",
            "bis",
            "ich",
            "noch",
            "auch",
            "wie",
            "sind",
            "bei",
            "nach",
            "diese",
            "dieser",
            "können",
            "kann",
            "freundlichen",
            "sehr",
            "geehrte",
            "damen",
            "herren",
            "hallo",
            "überwiesen",
            "zum",
            "am",
            "im",
            "aus",
            "oder",
            "wurde",
            "woche",
            "betrag",
            "mfg",
            "liebe",
            "lieber",
        ],
    ),
    (
        "fr",
        words![
            "le",
            "les",
            "et",
            "nous",
            "vous",
            "est",
            "pas",
            "une",
            "des",
            "pour",
            "avec",
            "facture",
            "factures",
            "paiement",
            "merci",
            "cordialement",
            "sur",
            "ce",
            "cette",
            "sera",
            "avons",
            "votre",
            "vos",
            "du",
            "au",
            "aux",
            "je",
            "bonjour",
            "madame",
            "monsieur",
            "règlement",
            "virement",
            "sommes",
            "être",
            "mais",
            "notre",
            "nos",
            "qui",
            "dans",
            "ne",
            "semaine",
            "prochaine",
            "prochain",
            "veuillez",
            "salutations",
            "bien",
            "avant",
            "été",
            "fin",
            "mois",
            "il",
            "elle",
        ],
    ),
    (
        "es",
        words![
            "el",
            "los",
            "las",
            "y",
            "que",
            "es",
            "una",
            "por",
            "para",
            "con",
            "factura",
            "facturas",
            "pago",
            "gracias",
            "saludos",
            "nuestro",
            "nuestra",
            "su",
            "del",
            "hemos",
            "será",
            "le",
            "estimado",
            "estimada",
            "hola",
            "muchas",
            "atentamente",
            "transferencia",
            "semana",
            "próxima",
            "próximo",
            "mes",
            "pagaremos",
            "pagar",
            "está",
            "están",
            "lo",
            "al",
            "pero",
            "como",
            "favor",
            "nos",
            "usted",
            "ustedes",
            "cordial",
            "un",
            "antes",
            "hasta",
            "fin",
            "este",
            "esta",
        ],
    ),
    (
        "nl",
        words![
            "het",
            "een",
            "wij",
            "niet",
            "u",
            "uw",
            "voor",
            "met",
            "factuur",
            "facturen",
            "betaling",
            "bedankt",
            "groet",
            "groeten",
            "van",
            "op",
            "dat",
            "zijn",
            "wordt",
            "hebben",
            "graag",
            "ik",
            "ons",
            "onze",
            "deze",
            "dit",
            "wordt",
            "worden",
            "ook",
            "nog",
            "maar",
            "naar",
            "bij",
            "aan",
            "geachte",
            "beste",
            "hartelijk",
            "dank",
            "vriendelijke",
            "volgende",
            "week",
            "betalen",
            "betaald",
            "maand",
            "tot",
            "om",
            "kan",
            "kunnen",
            "zullen",
            "zal",
        ],
    ),
    (
        "sv",
        words![
            "och",
            "att",
            "det",
            "är",
            "vi",
            "inte",
            "ett",
            "för",
            "med",
            "faktura",
            "fakturan",
            "fakturor",
            "betalning",
            "tack",
            "hälsningar",
            "på",
            "som",
            "vår",
            "ni",
            "har",
            "kommer",
            "till",
            "jag",
            "oss",
            "våra",
            "vänliga",
            "hej",
            "betala",
            "betalt",
            "betalas",
            "nästa",
            "vecka",
            "månad",
            "kan",
            "ska",
            "skall",
            "vara",
            "eller",
            "men",
            "från",
            "denna",
            "detta",
            "efter",
            "innan",
            "också",
            "mvh",
            "era",
            "er",
            "kr",
        ],
    ),
];

/// The language of `text` (ISO 639-1: `en`, `de`, `fr`, `es`, `nl`, `sv`), or `None` when the
/// text says too little to tell.
pub fn detect(text: &str) -> Option<&'static str> {
    let lower = normalise(text);
    let tokens = tokenize(&lower);
    let owners = owners();
    let mut hits = [0u32; WORDS.len()];
    for t in tokens.iter().filter(|t| t.kind == Kind::Word) {
        if let Some(Some(i)) = owners.get(t.text) {
            if let Some(h) = hits.get_mut(usize::from(*i)) {
                *h += 1;
            }
        }
    }
    let mut ranked: Vec<(usize, u32)> = hits.iter().copied().enumerate().collect();
    nudge_core::order::sort_by(&mut ranked, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let (best, score) = ranked.first().copied()?;
    let runner_up = ranked.get(1).map_or(0, |r| r.1);
    // Two words of one language and half again as many as any other: a reply of one line
    // ("Danke, wird bezahlt") is enough, a mixed signature is not.
    if score >= 2 && score * 2 >= runner_up * 3 {
        WORDS.get(best).map(|(code, _)| *code)
    } else {
        None
    }
}

/// Each word's language, `None` for a word of several (built once).
fn owners() -> &'static HashMap<&'static str, Option<u8>> {
    static OWNERS: LazyLock<HashMap<&'static str, Option<u8>>> = LazyLock::new(|| {
        let mut m: HashMap<&'static str, Option<u8>> = HashMap::new();
        for (i, (_, words)) in WORDS.iter().enumerate() {
            let i = u8::try_from(i).unwrap_or(u8::MAX);
            for w in *words {
                m.entry(w)
                    .and_modify(|o| {
                        if *o != Some(i) {
                            *o = None;
                        }
                    })
                    .or_insert(Some(i));
            }
        }
        m
    });
    &OWNERS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_is_recognised() {
        let cases = [
            ("We will pay the invoice on Friday, thanks.", "en"),
            (
                "Wir werden die Rechnung am Freitag bezahlen. Vielen Dank!",
                "de",
            ),
            ("Nous allons régler la facture vendredi. Merci.", "fr"),
            ("Pagaremos la factura el viernes. Muchas gracias.", "es"),
            (
                "Wij betalen de factuur volgende week. Met vriendelijke groet",
                "nl",
            ),
            ("Vi betalar fakturan på fredag. Tack och hälsningar", "sv"),
        ];
        for (text, want) in cases {
            assert_eq!(detect(text), Some(want), "{text}");
        }
    }

    #[test]
    fn too_little_text_is_unknown() {
        assert_eq!(detect(""), None);
        assert_eq!(detect("INV-1001"), None);
        assert_eq!(detect("ok"), None);
    }
}
