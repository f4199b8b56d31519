//! Words that mark an attachment as a remittance advice / proof of payment.

use super::Words;
use crate::words;

/// Document types remittance advices come in: (MIME type, file extension).
pub const REMITTANCE_TYPES: &[(&str, &str)] = &[
    ("application/pdf", "pdf"),
    ("text/csv", "csv"),
    ("application/vnd.ms-excel", "xls"),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    ("text/plain", "txt"),
];

/// Lower-case, letters-only fragments of file names that say "this is a remittance / payment
/// confirmation" in EN/DE/FR/ES/SV/NL.
pub const REMITTANCE_NAME_WORDS: Words = words![
    "remittance",
    "remit",
    "paymentadvice",
    "paymentconfirmation",
    "paymentnotification",
    "paymentreceipt",
    "proofofpayment",
    "swift",
    "mt103",
    "banktransfer",
    "wiretransfer",
    "transferconfirmation",
    "zahlungsavis",
    "zahlungsbestätigung",
    "zahlungsbestaetigung",
    "überweisung",
    "ueberweisung",
    "avisdepaiement",
    "avisdevirement",
    "preuvedepaiement",
    "justificatifdepaiement",
    "avisodepago",
    "comprobantedepago",
    "justificantedepago",
    "comprobantedetransferencia",
    "betalningsavisering",
    "betalningsbekräftelse",
    "betalningsbekraftelse",
    "betaalbewijs",
    "betalingsbewijs",
    "betalingsadvies",
];
