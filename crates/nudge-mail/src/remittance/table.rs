//! Reading remittance lines out of text: delimited tables with a header row, and lines that
//! pair an invoice-like reference with an amount.

use rust_decimal::Decimal;

use super::amount;
use super::RemittanceLine;
use crate::phrases::remittance::{
    AMOUNT_HEADERS, DATE_TITLES, INVOICE_HEADERS, INVOICE_LABELS, TOTAL_WORDS,
};
use crate::phrases::Words;

/// Lines of `text`. `need_amount`: only lines that also give an amount count (for body text,
/// where a bare reference is already read by the classifier).
pub(crate) fn lines(text: &str, need_amount: bool) -> Vec<RemittanceLine> {
    let rows: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let split = Splitter::for_rows(&rows);
    let cells: Vec<Vec<String>> = rows.iter().map(|r| split.cells(r)).collect();
    let doc_currency = amount::currency_in(text);
    let mut out = Vec::new();
    let mut header: Option<Header> = None;
    for (row, line) in cells.iter().zip(&rows) {
        if out.len() >= super::MAX_LINES {
            break;
        }
        if let Some(h) = Header::of(row) {
            header = Some(h);
            continue;
        }
        let found = match &header {
            Some(h) => h.read(row, doc_currency.as_deref()),
            None => free_line(line, doc_currency.as_deref()),
        };
        if let Some(l) = found.filter(|l| !need_amount || l.amount.is_some()) {
            super::merge(&mut out, vec![l]);
        }
    }
    out
}

/// Upper-case letters and digits of an invoice number, for comparing.
pub(crate) fn invoice_key(invoice: &str) -> String {
    invoice
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// How a row is cut into cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Splitter {
    /// A delimiter (`;`, tab, `|`, `,`), with CSV quoting.
    Delimited(char),
    /// Runs of two or more spaces (text tables, PDF text).
    Gaps,
}

impl Splitter {
    /// The delimiter most rows share, else gaps of spaces.
    fn for_rows(rows: &[&str]) -> Splitter {
        let sample: Vec<&str> = rows.iter().take(40).copied().collect();
        for d in [';', '\t', '|', ','] {
            let split = sample
                .iter()
                .filter(|r| Splitter::Delimited(d).cells(r).len() >= 2)
                .count();
            if !sample.is_empty() && split * 5 >= sample.len() * 3 {
                return Splitter::Delimited(d);
            }
        }
        Splitter::Gaps
    }

    fn cells(self, row: &str) -> Vec<String> {
        match self {
            Splitter::Delimited(d) => csv_cells(row, d),
            Splitter::Gaps => row
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect(),
        }
    }
}

/// One CSV row: `"a, b";c` style quoting with `""` for a quote.
fn csv_cells(row: &str, delim: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == delim && !quoted => out.push(std::mem::take(&mut cell).trim().to_string()),
            c => cell.push(c),
        }
    }
    out.push(cell.trim().to_string());
    out
}

/// A header row: which column holds the invoice number, which the amount (and currency).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Header {
    invoice: usize,
    amount: Option<usize>,
    currency: Option<usize>,
    /// A currency the amount column's title names (`Amount (EUR)`).
    amount_currency: Option<String>,
}

impl Header {
    fn of(row: &[String]) -> Option<Header> {
        if row.len() < 2 {
            return None;
        }
        let lower: Vec<String> = row.iter().map(|c| c.to_lowercase()).collect();
        // No digits in titles: "Invoice 4711 1,200.00" is a row, not a header.
        if lower
            .iter()
            .any(|c| c.chars().filter(char::is_ascii_digit).count() > 0)
        {
            return None;
        }
        let invoice = best_column(&lower, INVOICE_HEADERS)?;
        let amount = best_column(&lower, AMOUNT_HEADERS).filter(|a| *a != invoice);
        let currency = lower.iter().position(|c| {
            matches!(
                c.trim(),
                "currency" | "ccy" | "cur" | "währung" | "devise" | "moneda" | "valuta"
            )
        });
        let amount_currency = amount
            .and_then(|a| row.get(a))
            .and_then(|t| amount::currency_in(t));
        Some(Header {
            invoice,
            amount,
            currency,
            amount_currency,
        })
    }

    fn read(&self, row: &[String], doc_currency: Option<&str>) -> Option<RemittanceLine> {
        let invoice = row.get(self.invoice)?.trim();
        if !invoice.chars().any(|c| c.is_ascii_digit()) || is_total(invoice) || invoice.len() > 40 {
            return None;
        }
        let cell = self.amount.and_then(|a| row.get(a));
        let amount = cell.and_then(|c| amount::parse(c));
        let currency = self
            .currency
            .and_then(|c| row.get(c))
            .and_then(|c| amount::currency_in(c))
            .or_else(|| cell.and_then(|c| amount::currency_in(c)))
            .or_else(|| self.amount_currency.clone())
            .or_else(|| doc_currency.map(str::to_string));
        Some(RemittanceLine {
            invoice: invoice.to_string(),
            amount,
            currency,
        })
    }
}

/// The column whose title matches the earliest (most specific) entry of `table`.
fn best_column(lower: &[String], table: Words) -> Option<usize> {
    let is_date = |c: &String| DATE_TITLES.iter().any(|d| title_matches(c, d));
    table.iter().find_map(|word| {
        lower
            .iter()
            .position(|c| !is_date(c) && title_matches(c, word))
    })
}

/// A column title matches a word when it is the word or contains it as whole words.
fn title_matches(title: &str, word: &str) -> bool {
    let title = title.trim().trim_end_matches([':', '.']);
    title == word
        || title
            .match_indices(word)
            .any(|(at, _)| boundary(title, at) && boundary(title, at + word.len()))
}

fn boundary(s: &str, at: usize) -> bool {
    let before = s.get(..at).and_then(|p| p.chars().next_back());
    let after = s.get(at..).and_then(|p| p.chars().next());
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    at == 0 || at == s.len() || !is_word(before) || !is_word(after)
}

fn is_total(cell: &str) -> bool {
    let lower = cell.to_lowercase();
    TOTAL_WORDS.iter().any(|w| lower.starts_with(w))
}

/// A line without a header above it: one invoice-like reference and the line's (last) amount.
fn free_line(line: &str, doc_currency: Option<&str>) -> Option<RemittanceLine> {
    if is_total(line) {
        return None;
    }
    let tokens: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c == '|' || c == ';')
        .filter(|t| !t.is_empty())
        .collect();
    let mut invoices = Vec::new();
    let mut amounts: Vec<(usize, Decimal)> = Vec::new();
    for (i, raw) in tokens.iter().enumerate() {
        let token =
            raw.trim_matches(|c: char| matches!(c, ',' | ':' | '(' | ')' | '[' | ']' | '#' | '"'));
        let labelled = i > 0
            && tokens.get(i - 1).is_some_and(|p| {
                is_label(p) || (i > 1 && tokens.get(i - 2).is_some_and(|q| is_label(q)))
            });
        if is_invoice_token(token, labelled) {
            invoices.push(token);
        } else if amount::looks_like_money(raw) || currency_next(&tokens, i) {
            if let Some(a) = amount::parse(raw.trim_end_matches([',', ';'])) {
                amounts.push((i, a));
            }
        }
    }
    let [invoice] = invoices.as_slice() else {
        return None;
    };
    let amount = amounts.last().map(|(_, a)| *a);
    Some(RemittanceLine {
        invoice: (*invoice).to_string(),
        amount,
        currency: amount::currency_in(line).or_else(|| doc_currency.map(str::to_string)),
    })
}

/// A currency code right before or after token `i` (`EUR 1200`, `1200 EUR`).
fn currency_next(tokens: &[&str], i: usize) -> bool {
    let is_code =
        |t: Option<&&str>| t.is_some_and(|t| t.len() == 3 && amount::currency_in(t).is_some());
    is_code(tokens.get(i + 1)) || (i > 0 && is_code(tokens.get(i - 1)))
}

/// A word that announces an invoice number (`Invoice`, `Rechnung`, `Nr.`, `n°`).
fn is_label(token: &str) -> bool {
    let lower = token.to_lowercase();
    let lower = lower.trim_end_matches([':', '.', '#']);
    INVOICE_LABELS.contains(lower)
}

/// An invoice number: 3+ digits, letters and digits mixed (`INV-1001`, `RE2026/118`), or digits
/// only right after an invoice label; never a date or an amount.
fn is_invoice_token(token: &str, labelled: bool) -> bool {
    let digits = token.chars().filter(char::is_ascii_digit).count();
    if !(3..=16).contains(&digits) || token.len() > 30 {
        return false;
    }
    if !token
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '_' | '.'))
    {
        return false;
    }
    if is_date(token) || (amount::looks_like_money(token) && amount::parse(token).is_some()) {
        return false;
    }
    let letters = token.chars().filter(char::is_ascii_alphabetic).count();
    if letters > 0 {
        // Not a currency amount written `EUR1200` or a week `KW50`.
        let alpha: String = token.chars().filter(char::is_ascii_alphabetic).collect();
        return amount::currency_in(&alpha).is_none() || alpha.len() != 3;
    }
    labelled && !token.contains(['.', ','])
}

/// `2026-11-30`, `30.11.2026`, `11/30/2026`, `30/11/26`.
fn is_date(token: &str) -> bool {
    let groups: Vec<&str> = token.split(['-', '/', '.']).collect();
    if groups.len() != 3
        || !groups
            .iter()
            .all(|g| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit()))
    {
        return false;
    }
    let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    matches!(
        lens.as_slice(),
        [4, 1..=2, 1..=2] | [1..=2, 1..=2, 4] | [1..=2, 1..=2, 2]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<Decimal> {
        s.parse().ok()
    }

    #[test]
    fn csv_with_header() {
        let t = "Invoice No;Invoice Date;Gross;Discount;Amount Paid\nINV-1001;01.10.2026;1.200,00;0,00;1.200,00\nINV-1002;05.10.2026;300,00;6,00;294,00\nTotal;;;;1.494,00\n";
        let l = lines(t, false);
        assert_eq!(l.len(), 2, "{l:?}");
        assert_eq!(l[0].invoice, "INV-1001");
        assert_eq!(l[0].amount, d("1200.00"));
        assert_eq!(l[1].amount, d("294.00"));
    }

    #[test]
    fn comma_csv_with_quotes_and_currency_column() {
        let t = "Document,Currency,Amount\n\"4711\",USD,\"1,250.00\"\n\"4712\",USD,\"99.90\"\n";
        let l = lines(t, false);
        assert_eq!(l.len(), 2, "{l:?}");
        assert_eq!(l[0].invoice, "4711");
        assert_eq!(l[0].amount, d("1250.00"));
        assert_eq!(l[0].currency.as_deref(), Some("USD"));
    }

    #[test]
    fn free_text_lines() {
        let t = "Payment advice\nWe have paid the following invoices:\nINV-2026-0042   15.11.2026   EUR 1.234,56\nRechnung Nr. 88123  € 99,00\nBank charges 12.50\n";
        let l = lines(t, true);
        assert_eq!(l.len(), 2, "{l:?}");
        assert_eq!(l[0].invoice, "INV-2026-0042");
        assert_eq!(l[0].amount, d("1234.56"));
        assert_eq!(l[0].currency.as_deref(), Some("EUR"));
        assert_eq!(l[1].invoice, "88123");
        assert_eq!(l[1].amount, d("99.00"));
    }

    #[test]
    fn dates_weeks_and_amounts_are_not_invoices() {
        assert!(!is_invoice_token("2026-11-30", false));
        assert!(!is_invoice_token("1.234,56", true));
        assert!(!is_invoice_token("KW50", false));
        assert!(!is_invoice_token("4711", false));
        assert!(is_invoice_token("4711", true));
        assert!(is_invoice_token("INV-1001", false));
    }
}
