//! Words of remittance advices: column titles, labels before invoice numbers, total rows and the
//! body wording that announces a payment breakdown (EN/DE/FR/ES/SV/NL). Lower-case.

use super::Words;
use crate::words;

/// Body wording that announces a remittance advice or a list of paid invoices.
pub const BODY_CUES: Words = words![
    "remittance",
    "payment advice",
    "payment details",
    "paid the following",
    "following invoices",
    "invoices paid",
    "zahlungsavis",
    "folgende rechnungen",
    "avis de paiement",
    "factures suivantes",
    "aviso de pago",
    "siguientes facturas",
    "betalningsavi",
    "följande fakturor",
    "betalingsadvies",
    "volgende facturen",
];

/// Titles of the invoice-number column, most specific first.
pub const INVOICE_HEADERS: Words = words![
    "invoice number",
    "invoice no",
    "invoice #",
    "invoice",
    "inv no",
    "inv",
    "rechnungsnummer",
    "rechnungs-nr",
    "rechnung",
    "belegnummer",
    "beleg",
    "numéro de facture",
    "n° facture",
    "facture",
    "número de factura",
    "factura",
    "fakturanummer",
    "faktura",
    "factuurnummer",
    "factuur",
    "document number",
    "document no",
    "document",
    "doc no",
    "your reference",
    "reference",
    "ref",
];

/// Titles of the amount column, the amount *paid* first.
pub const AMOUNT_HEADERS: Words = words![
    "amount paid",
    "paid amount",
    "payment amount",
    "amount remitted",
    "remitted",
    "paid",
    "zahlbetrag",
    "bezahlt",
    "montant payé",
    "montant réglé",
    "importe pagado",
    "betalt belopp",
    "betaald bedrag",
    "payment",
    "amount",
    "betrag",
    "montant",
    "importe",
    "belopp",
    "bedrag",
    "net amount",
    "net",
    "gross amount",
    "gross",
    "total",
];

/// Words right before an invoice number in running text.
pub const INVOICE_LABELS: Words = words![
    "invoice",
    "invoices",
    "inv",
    "rechnung",
    "rechnungsnr",
    "re",
    "nr",
    "no",
    "n°",
    "nº",
    "#",
    "number",
    "facture",
    "factura",
    "faktura",
    "factuur",
    "fattura",
    "ref",
    "reference",
];

/// Cells or lines that start a total, not an invoice.
pub const TOTAL_WORDS: Words = words![
    "total",
    "subtotal",
    "sum",
    "summe",
    "gesamt",
    "totaal",
    "totalt",
    "montant total",
];

/// Column titles that are dates, never the invoice number or the amount.
pub const DATE_TITLES: Words = words!["date", "datum", "fecha", "due", "fällig"];
