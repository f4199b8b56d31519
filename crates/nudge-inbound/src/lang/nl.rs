//! Dutch phrase tables (dates first; intent cues for the common replies).

use chrono::Weekday::{Fri, Mon, Sat, Sun, Thu, Tue, Wed};
use nudge_core::dispute::DisputeCategory::{CreditNoteRequested, Other};

use super::{cue, dispute, Anchor, Cue, Lang, Unit, WeekdayShift};
use crate::intent::Intent::{AlreadyPaid, InvoiceCopyRequest, LegalThreat, PromiseToPay};
use nudge_mail::words;

pub const NL: Lang = Lang {
    code: "nl",
    weekdays: &[
        ("maandags", Mon),
        ("dinsdags", Tue),
        ("woensdags", Wed),
        ("donderdags", Thu),
        ("vrijdags", Fri),
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
    ambiguous_months: words![],
    anchors: &[
        (words!["vandaag"], Anchor::Days(0)),
        (words!["morgen"], Anchor::Days(1)),
        (words!["eind", "van", "de", "maand"], Anchor::EndOfMonth(0)),
        (words!["einde", "van", "de", "maand"], Anchor::EndOfMonth(0)),
        (words!["volgende", "week"], Anchor::Week(1)),
    ],
    weekday_shifts: &[
        ("volgende", WeekdayShift::Next),
        ("afgelopen", WeekdayShift::Last),
    ],
    next_week: &[],
    within: words!["binnen"],
    from_now: &[],
    ago: words![],
    units: &[("dagen", Unit::Day), ("weken", Unit::Week)],
    numbers: &[(words!["twee"], 2)],
    ordinals: &[],
    of: words![],
    end_of: &[words!["eind"], words!["einde"]],
    mid: &[words!["half"]],
    start_of: &[words!["begin"]],
    negations: words!["niet", "geen", "nooit"],
    conditions: words!["totdat", "zodra", "als"],
    future_markers: words!["zullen", "zal", "wordt", "worden", "gaan", "ga", "volgende"],
    past_markers: words!["betaald", "overgemaakt", "was", "hebben", "gisteren"],
    boilerplate: &[words!["vertrouwelijk"]],
    accepted: words![
        "klopt",
        "correct",
        "juist",
        "orde",
        "akkoord",
        "goedgekeurd",
    ],
    withdrawn: words![
        "hoopten",
        "hoopte",
        "wilden",
        "waren",
        "gepland",
        "bedoeling",
    ],
    approvals: words![
        "goedkeuren",
        "goedkeuring",
        "akkoord",
        "fiatteren",
        "aftekenen",
    ],
    question_words: words!["wie", "wat", "waarom", "wanneer", "welke", "hoe", "waar", "hoeveel",],
    week_words: words!["week", "wk"],
    run_words: words!["betaalrun", "betalingsrun", "betaalronde", "run"],
    missed: words!["gemist", "misten"],
    after_words: words!["na", "nadat"],
    receipt_words: words!["ontvangst", "ontvangen"],
    net_words: words!["netto"],
    inclusive: &[words!["t", "m"], words!["tot", "en", "met"], words!["tm"]],
    corrections: words!["gecorrigeerde", "nieuwe"],
    spellings: &[],
    cues: CUES,
    pay_words: words!["betalen", "betaling", "overmaken", "betaald", "overgemaakt"],
    return_words: words!["terug", "aanwezig"],
    until_words: words!["tot"],
    po_words: &[words!["inkoopordernummer"], words!["bestelnummer"]],
    invoice_words: words!["factuur", "factuurnummer"],
    number_words: words!["nr", "nummer", "en"],
};

const CUES: &[Cue] = &[
    cue(
        words!["zullen|zal", "~", "betalen|overmaken|voldoen"],
        PromiseToPay,
        0.65,
    ),
    cue(
        words!["al", "~", "betaald|overgemaakt|voldaan"],
        AlreadyPaid,
        0.8,
    ),
    dispute(words!["onjuist|klopt|fout|betwisten"], Other, 0.55),
    dispute(words!["creditnota"], CreditNoteRequested, 0.7),
    cue(words!["kopie", "~", "factuur"], InvoiceCopyRequest, 0.75),
    cue(words!["advocaat|rechter|incasso*"], LegalThreat, 0.8),
    // Issue 11: general vocabulary (SLA credits, replacement POs, hand-overs, …).
    super::dispute(
        words!["sla"],
        nudge_core::dispute::DisputeCategory::CreditNoteRequested,
        0.55,
    ),
    super::dispute(
        words!["storing|storingen|uitval|onbeschikbaar*"],
        nudge_core::dispute::DisputeCategory::CreditNoteRequested,
        0.4,
    ),
    super::dispute(
        words!["niet", "geleverd"],
        nudge_core::dispute::DisputeCategory::NotReceived,
        0.6,
    ),
    super::dispute(
        words!["beschadigd|defect|kapot"],
        nudge_core::dispute::DisputeCategory::Quality,
        0.6,
    ),
    super::dispute(
        words!["dubbel", "~", "gefactureerd|in", "rekening"],
        nudge_core::dispute::DisputeCategory::DuplicateBilling,
        0.7,
    ),
    super::dispute(
        words!["prijs|prijzen|tarief|offerte"],
        nudge_core::dispute::DisputeCategory::Pricing,
        0.45,
    ),
    super::dispute(
        words!["bezwaar|betwist*|onterecht"],
        nudge_core::dispute::DisputeCategory::Other,
        0.65,
    ),
    super::cue(
        words![
            "betalen|betaal|maken",
            "~",
            "over|op|voor|vóór|uiterlijk|volgende|deze|morgen|vandaag",
        ],
        crate::intent::Intent::PromiseToPay,
        0.55,
    ),
    super::cue(
        words!["wordt|worden", "~", "betaald|overgemaakt|voldaan"],
        crate::intent::Intent::PromiseToPay,
        0.65,
    ),
    super::cue(
        words!["gaan|ga", "~", "betalen|overmaken"],
        crate::intent::Intent::PromiseToPay,
        0.65,
    ),
    super::cue(
        words!["reeds|inmiddels", "~", "betaald|overgemaakt|voldaan"],
        crate::intent::Intent::AlreadyPaid,
        0.8,
    ),
    super::cue(
        words!["hebben|heb", "~", "betaald|overgemaakt|voldaan"],
        crate::intent::Intent::AlreadyPaid,
        0.7,
    ),
    super::cue(
        words!["betalingsregeling|termijnen|gespreid", "~"],
        crate::intent::Intent::PaymentPlanRequest,
        0.75,
    ),
    super::cue(
        words!["uitstel", "van", "betaling"],
        crate::intent::Intent::PaymentPlanRequest,
        0.6,
    ),
    super::cue(
        words!["opnieuw", "~", "sturen|toesturen|versturen"],
        crate::intent::Intent::InvoiceCopyRequest,
        0.6,
    ),
    super::cue(
        words![
            "nieuwe|nieuw",
            "inkoopordernummer|ordernummer|po|bestelnummer",
        ],
        crate::intent::Intent::BillingUpdate,
        0.6,
    ),
    super::cue(
        words!["factuuradres|btw-nummer|btw"],
        crate::intent::Intent::BillingUpdate,
        0.55,
    ),
    super::cue(
        words!["nieuwe|nieuw", "contactpersoon|adres|e-mailadres"],
        crate::intent::Intent::ContactChange,
        0.5,
    ),
    super::cue(
        words!["niet", "meer", "werkzaam|in", "dienst"],
        crate::intent::Intent::ContactChange,
        0.65,
    ),
    super::cue(
        words!["voortaan|vanaf", "nu"],
        crate::intent::Intent::ContactChange,
        0.45,
    ),
    super::cue(
        words!["voortaan"],
        crate::intent::Intent::ContactChange,
        0.4,
    ),
    super::cue(
        words!["afmelden|uitschrijven"],
        crate::intent::Intent::Unsubscribe,
        0.75,
    ),
    super::cue(
        words!["geen", "~", "herinneringen|e-mails|mails", "meer"],
        crate::intent::Intent::Unsubscribe,
        0.6,
    ),
    super::cue(
        words!["juridische", "stappen"],
        crate::intent::Intent::LegalThreat,
        0.8,
    ),
];
