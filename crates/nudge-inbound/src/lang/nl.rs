//! Dutch phrase tables (dates first; intent cues for the common replies).

use chrono::Weekday::{Fri, Mon, Sat, Sun, Thu, Tue, Wed};
use nudge_core::dispute::DisputeCategory::{CreditNoteRequested, Other};

use super::{cue, dispute, Anchor, Cue, Lang, Unit, WeekdayShift};
use crate::intent::Intent::{AlreadyPaid, InvoiceCopyRequest, LegalThreat, PromiseToPay};

pub const NL: Lang = Lang {
    code: "nl",
    weekdays: &[
        ("maandag", Mon),
        ("dinsdag", Tue),
        ("woensdag", Wed),
        ("donderdag", Thu),
        ("vrijdag", Fri),
        ("zaterdag", Sat),
        ("zondag", Sun),
    ],
    months: &[
        ("januari", 1),
        ("februari", 2),
        ("maart", 3),
        ("mei", 5),
        ("juni", 6),
        ("juli", 7),
        ("augustus", 8),
        ("oktober", 10),
    ],
    ambiguous_months: &[],
    anchors: &[
        (&["vandaag"], Anchor::Days(0)),
        (&["morgen"], Anchor::Days(1)),
        (&["eind", "van", "de", "maand"], Anchor::EndOfMonth(0)),
        (&["einde", "van", "de", "maand"], Anchor::EndOfMonth(0)),
        (&["volgende", "week"], Anchor::Week(1)),
    ],
    weekday_shifts: &[
        ("volgende", WeekdayShift::Next),
        ("afgelopen", WeekdayShift::Last),
    ],
    next_week: &[],
    within: &["binnen"],
    from_now: &[],
    ago: &[],
    units: &[("dagen", Unit::Day), ("weken", Unit::Week)],
    numbers: &[(&["twee"], 2)],
    ordinals: &[],
    of: &[],
    end_of: &[&["eind"], &["einde"]],
    mid: &[&["half"]],
    start_of: &[&["begin"]],
    negations: &["niet", "geen", "nooit"],
    conditions: &["totdat", "zodra", "als"],
    future_markers: &["zullen", "zal"],
    past_markers: &["betaald", "overgemaakt", "was", "hebben", "gisteren"],
    boilerplate: &[&["vertrouwelijk"]],
    corrections: &["gecorrigeerde", "nieuwe"],
    spellings: &[],
    cues: CUES,
    pay_words: &["betalen", "betaling", "overmaken", "betaald", "overgemaakt"],
    return_words: &["terug", "aanwezig"],
    until_words: &["tot"],
    po_words: &[&["inkoopordernummer"], &["bestelnummer"]],
    invoice_words: &["factuur", "factuurnummer"],
    number_words: &["nr", "nummer", "en"],
};

const CUES: &[Cue] = &[
    cue(
        &["zullen|zal", "~", "betalen|overmaken|voldoen"],
        PromiseToPay,
        0.65,
    ),
    cue(
        &["al", "~", "betaald|overgemaakt|voldaan"],
        AlreadyPaid,
        0.8,
    ),
    dispute(&["onjuist|klopt|fout|betwisten"], Other, 0.55),
    dispute(&["creditnota"], CreditNoteRequested, 0.7),
    cue(&["kopie", "~", "factuur"], InvoiceCopyRequest, 0.75),
    cue(&["advocaat|rechter|incasso*"], LegalThreat, 0.8),
];
