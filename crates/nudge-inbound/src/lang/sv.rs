//! Swedish phrase tables (dates first; intent cues for the common replies).

use chrono::Weekday::{Fri, Mon, Sat, Sun, Thu, Tue, Wed};
use nudge_core::dispute::DisputeCategory::{CreditNoteRequested, Other, Pricing};

use super::{cue, dispute, Anchor, Cue, Lang, Unit, WeekdayShift};
use crate::intent::Intent::{
    AlreadyPaid, InvoiceCopyRequest, LegalThreat, PaymentPlanRequest, PromiseToPay,
};

pub const SV: Lang = Lang {
    code: "sv",
    weekdays: &[
        ("måndag", Mon),
        ("tisdag", Tue),
        ("onsdag", Wed),
        ("torsdag", Thu),
        ("fredag", Fri),
        ("lördag", Sat),
        ("söndag", Sun),
    ],
    months: &[
        ("januari", 1),
        ("februari", 2),
        ("mars", 3),
        ("maj", 5),
        ("juni", 6),
        ("juli", 7),
        ("augusti", 8),
        ("oktober", 10),
    ],
    ambiguous_months: &[],
    anchors: &[
        (&["idag"], Anchor::Days(0)),
        (&["i", "dag"], Anchor::Days(0)),
        (&["imorgon"], Anchor::Days(1)),
        (&["i", "morgon"], Anchor::Days(1)),
        (&["igår"], Anchor::Days(-1)),
        (&["i", "går"], Anchor::Days(-1)),
        (&["i", "slutet", "av", "månaden"], Anchor::EndOfMonth(0)),
        (&["slutet", "av", "månaden"], Anchor::EndOfMonth(0)),
        (&["månadsskiftet"], Anchor::EndOfMonth(0)),
        (&["nästa", "vecka"], Anchor::Week(1)),
        (&["nästa", "månad"], Anchor::Month(1)),
        (&["denna", "vecka"], Anchor::EndOfWeek(0)),
    ],
    weekday_shifts: &[("nästa", WeekdayShift::Next), ("förra", WeekdayShift::Last)],
    next_week: &[],
    within: &["inom", "om"],
    from_now: &[],
    ago: &["sedan"],
    units: &[
        ("dag", Unit::Day),
        ("dagar", Unit::Day),
        ("vecka", Unit::Week),
        ("veckor", Unit::Week),
        ("månad", Unit::Month),
        ("månader", Unit::Month),
    ],
    numbers: &[
        (&["en"], 1),
        (&["ett"], 1),
        (&["två"], 2),
        (&["tre"], 3),
        (&["tio"], 10),
    ],
    ordinals: &[],
    of: &[],
    end_of: &[&["slutet", "av"], &["i", "slutet", "av"]],
    mid: &[&["mitten", "av"]],
    start_of: &[&["början", "av"]],
    negations: &["inte", "ej", "aldrig", "ingen", "inga"],
    conditions: &["förrän", "om", "när", "tills"],
    future_markers: &["kommer", "ska", "skall"],
    past_markers: &["betalade", "betalat", "betalt", "var", "har", "igår"],
    cues: CUES,
    pay_words: &[
        "betala",
        "betalar",
        "betalning",
        "betalas",
        "betalat",
        "betalt",
        "överföring",
    ],
    return_words: &["tillbaka", "åter"],
    until_words: &["till", "tills"],
    po_words: &[
        &["inköpsordernummer"],
        &["ordernummer"],
        &["beställningsnummer"],
    ],
    invoice_words: &["faktura", "fakturan", "fakturanummer"],
    number_words: &["nr", "nummer", "och"],
};

const CUES: &[Cue] = &[
    cue(
        &["kommer|ska", "~", "betala|betalas|betalar"],
        PromiseToPay,
        0.65,
    ),
    cue(&["betalar", "~", "på|den|senast"], PromiseToPay, 0.55),
    cue(&["redan", "~", "betalat|betalt|betald"], AlreadyPaid, 0.8),
    cue(&["har", "~", "betalat"], AlreadyPaid, 0.65),
    cue(&["avbetalning*|delbetalning*"], PaymentPlanRequest, 0.75),
    dispute(&["felaktig*|fel|bestrider|reklamation"], Other, 0.6),
    dispute(&["pris|priset"], Pricing, 0.45),
    dispute(&["kreditfaktura"], CreditNoteRequested, 0.7),
    cue(&["kopia", "~", "faktura*"], InvoiceCopyRequest, 0.75),
    cue(&["advokat|domstol|kronofogden"], LegalThreat, 0.8),
];
