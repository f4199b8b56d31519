//! Dutch phrase tables (dates first; intent cues for the common replies).

use chrono::Weekday::{Fri, Mon, Sat, Sun, Thu, Tue, Wed};
use nudge_core::dispute::DisputeCategory::{CreditNoteRequested, Other};

use super::{cue, dispute, Anchor, Cue, Lang, Unit, WeekdayShift};
use crate::intent::Intent::{AlreadyPaid, InvoiceCopyRequest, LegalThreat, PromiseToPay};

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
    future_markers: &["zullen", "zal", "wordt", "worden", "gaan", "ga", "volgende"],
    past_markers: &["betaald", "overgemaakt", "was", "hebben", "gisteren"],
    boilerplate: &[&["vertrouwelijk"]],
    accepted: &[
        "klopt",
        "correct",
        "juist",
        "orde",
        "akkoord",
        "goedgekeurd",
    ],
    withdrawn: &[
        "hoopten",
        "hoopte",
        "wilden",
        "waren",
        "gepland",
        "bedoeling",
    ],
    approvals: &[
        "goedkeuren",
        "goedkeuring",
        "akkoord",
        "fiatteren",
        "aftekenen",
    ],
    question_words: &[
        "wie", "wat", "waarom", "wanneer", "welke", "hoe", "waar", "hoeveel",
    ],
    week_words: &["week", "wk"],
    run_words: &["betaalrun", "betalingsrun", "betaalronde", "run"],
    missed: &["gemist", "misten"],
    after_words: &["na", "nadat"],
    receipt_words: &["ontvangst", "ontvangen"],
    net_words: &["netto"],
    inclusive: &[&["t", "m"], &["tot", "en", "met"], &["tm"]],
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
    // Issue 11: general vocabulary (SLA credits, replacement POs, hand-overs, …).
    super::dispute(
        &["sla"],
        nudge_core::dispute::DisputeCategory::CreditNoteRequested,
        0.55,
    ),
    super::dispute(
        &["storing|storingen|uitval|onbeschikbaar*"],
        nudge_core::dispute::DisputeCategory::CreditNoteRequested,
        0.4,
    ),
    super::dispute(
        &["niet", "geleverd"],
        nudge_core::dispute::DisputeCategory::NotReceived,
        0.6,
    ),
    super::dispute(
        &["beschadigd|defect|kapot"],
        nudge_core::dispute::DisputeCategory::Quality,
        0.6,
    ),
    super::dispute(
        &["dubbel", "~", "gefactureerd|in", "rekening"],
        nudge_core::dispute::DisputeCategory::DuplicateBilling,
        0.7,
    ),
    super::dispute(
        &["prijs|prijzen|tarief|offerte"],
        nudge_core::dispute::DisputeCategory::Pricing,
        0.45,
    ),
    super::dispute(
        &["bezwaar|betwist*|onterecht"],
        nudge_core::dispute::DisputeCategory::Other,
        0.65,
    ),
    super::cue(
        &[
            "betalen|betaal|maken",
            "~",
            "over|op|voor|vóór|uiterlijk|volgende|deze|morgen|vandaag",
        ],
        crate::intent::Intent::PromiseToPay,
        0.55,
    ),
    super::cue(
        &["wordt|worden", "~", "betaald|overgemaakt|voldaan"],
        crate::intent::Intent::PromiseToPay,
        0.65,
    ),
    super::cue(
        &["gaan|ga", "~", "betalen|overmaken"],
        crate::intent::Intent::PromiseToPay,
        0.65,
    ),
    super::cue(
        &["reeds|inmiddels", "~", "betaald|overgemaakt|voldaan"],
        crate::intent::Intent::AlreadyPaid,
        0.8,
    ),
    super::cue(
        &["hebben|heb", "~", "betaald|overgemaakt|voldaan"],
        crate::intent::Intent::AlreadyPaid,
        0.7,
    ),
    super::cue(
        &["betalingsregeling|termijnen|gespreid", "~"],
        crate::intent::Intent::PaymentPlanRequest,
        0.75,
    ),
    super::cue(
        &["uitstel", "van", "betaling"],
        crate::intent::Intent::PaymentPlanRequest,
        0.6,
    ),
    super::cue(
        &["opnieuw", "~", "sturen|toesturen|versturen"],
        crate::intent::Intent::InvoiceCopyRequest,
        0.6,
    ),
    super::cue(
        &[
            "nieuwe|nieuw",
            "inkoopordernummer|ordernummer|po|bestelnummer",
        ],
        crate::intent::Intent::BillingUpdate,
        0.6,
    ),
    super::cue(
        &["factuuradres|btw-nummer|btw"],
        crate::intent::Intent::BillingUpdate,
        0.55,
    ),
    super::cue(
        &["nieuwe|nieuw", "contactpersoon|adres|e-mailadres"],
        crate::intent::Intent::ContactChange,
        0.5,
    ),
    super::cue(
        &["niet", "meer", "werkzaam|in", "dienst"],
        crate::intent::Intent::ContactChange,
        0.65,
    ),
    super::cue(
        &["voortaan|vanaf", "nu"],
        crate::intent::Intent::ContactChange,
        0.45,
    ),
    super::cue(&["voortaan"], crate::intent::Intent::ContactChange, 0.4),
    super::cue(
        &["afmelden|uitschrijven"],
        crate::intent::Intent::Unsubscribe,
        0.75,
    ),
    super::cue(
        &["geen", "~", "herinneringen|e-mails|mails", "meer"],
        crate::intent::Intent::Unsubscribe,
        0.6,
    ),
    super::cue(
        &["juridische", "stappen"],
        crate::intent::Intent::LegalThreat,
        0.8,
    ),
];
