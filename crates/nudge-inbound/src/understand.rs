//! Intents and entities of a human reply, from its new text.
//!
//! Each sentence is matched against the cue tables of every language. A cue counts as evidence
//! for its intent unless a negation stands right before it (or inside its gap: "will *not*
//! pay"); promise cues in a sentence with a condition ("once the credit note is issued",
//! "until the price is corrected") count for little, because a conditional promise is not a
//! promise. Evidence combines as independent signals: `1 - Π(1 - wᵢ)`.

use chrono::NaiveDate;
use nudge_core::dispute::DisputeCategory;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::dates::DayOrder;
use crate::entities::{self, ContactAddress};
use crate::intent::{Intent, ScoredIntent};
use crate::lang::index::{self, index};
use crate::lang::{match_at, Cue};
use crate::text::{normalise, sentences, tokenize, Kind, Token};

/// Intents below this confidence are not reported.
pub const REPORT_THRESHOLD: f64 = 0.35;

/// Intents other than the primary one are reported from this confidence on.
pub const SECONDARY_THRESHOLD: f64 = 0.5;

/// What a reply promises to pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseDetails {
    /// The day payment is promised for; `None` when a promise names no day.
    pub date: Option<NaiveDate>,
    /// The amount, as written next to the promise.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub amount: Option<Decimal>,
    /// ISO 4217 code of `amount`.
    pub currency: Option<String>,
}

/// The understanding of one human reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Understanding {
    /// Every intent with confidence ≥ [`REPORT_THRESHOLD`], most likely first; never empty
    /// (`other` when nothing else is recognised).
    pub intents: Vec<ScoredIntent>,
    /// The intent to act on.
    pub primary_intent: Intent,
    /// Set when `primary_intent` or another reported intent is a promise to pay.
    pub promise: Option<PromiseDetails>,
    /// The dispute's category, when a dispute is reported.
    pub dispute: Option<DisputeCategory>,
    pub invoice_refs: Vec<String>,
    pub po_number: Option<String>,
    pub new_contacts: Vec<ContactAddress>,
    /// The phrases that led to each intent ("dispute: price is corrected (0.45)"), for the
    /// audit trail and the one-line summary a person sees on handover.
    pub evidence: Vec<String>,
    /// ISO 639-1 code of the language the new text is written in, when it can be told.
    pub language: Option<&'static str>,
}

/// Inputs beyond the text that sharpen the reading.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints<'a> {
    /// Addresses that are not new contacts (the sender, our own addresses).
    pub known_addresses: &'a [String],
    /// Invoice numbers known from the thread (the quoted reminder, the subject).
    pub known_refs: &'a [String],
    /// An attachment looks like a remittance advice or proof of payment.
    pub remittance_attached: bool,
}

/// Evidence gathered for one intent.
#[derive(Debug, Clone, Copy, Default)]
struct Evidence {
    /// Π(1 - w) over the cues seen.
    miss: f32,
    seen: bool,
}

impl Evidence {
    fn add(&mut self, w: f32) {
        if !self.seen {
            self.miss = 1.0;
            self.seen = true;
        }
        self.miss *= 1.0 - w.clamp(0.0, 0.99);
    }
    fn confidence(&self) -> f32 {
        if self.seen {
            (1.0 - self.miss).clamp(0.0, 0.99)
        } else {
            0.0
        }
    }
}

/// Understands a reply's new text (quotes and signature already removed). `today` is the day
/// the message was received in the account's timezone; `locale` decides numeric dates.
pub fn understand_text(
    new_text: &str,
    subject: Option<&str>,
    today: NaiveDate,
    locale: &str,
    hints: Hints<'_>,
) -> Understanding {
    let order = DayOrder::from_locale(locale);
    // A subject the customer wrote (not "Re: <our reminder>") is part of what they say.
    let own_subject = subject.filter(|s| !is_reply_subject(s));
    let full = match own_subject {
        Some(s) => format!("{s}.\n\n{new_text}"),
        None => new_text.to_string(),
    };
    let lower = normalise(&full);
    let tokens = tokenize(&lower);
    let sents = sentences(&lower, &tokens);

    let mut evidence = [Evidence::default(); Intent::ALL.len()];
    let mut categories: Vec<(DisputeCategory, f32)> = Vec::new();
    let mut promise_sentences: Vec<usize> = Vec::new();
    let tables = index();
    let mut counted = vec![false; tables.cues.len()];
    let mut touched: Vec<usize> = Vec::new();
    let mut candidates: Vec<usize> = Vec::new();
    let mut trace: Vec<String> = Vec::new();
    // Sentence where each intent was first seen: the customer's lead point comes first.
    let mut first_seen = [usize::MAX; Intent::ALL.len()];
    let mut weak_promise_sentences: Vec<usize> = Vec::new();
    // Every cue that counted: its intent and where it starts in `lower`.
    let mut hits: Vec<(Intent, usize)> = Vec::new();
    // Questions asked, and whether a cue of another intent explains each ("Can you resend the
    // invoice?" is a copy request, "Who approved this rate?" a question of its own).
    let mut questions: Vec<bool> = Vec::new();
    // The sentence before said what was meant to happen ("I'd hoped to pay Friday"): a
    // contrast right after it ("but finance has put it on hold") withdraws that.
    let mut after_withdrawn = false;

    for (si, sentence) in sents.iter().enumerate() {
        let words: Vec<&str> = sentence
            .iter()
            .filter(|t| t.kind != Kind::Symbol)
            .map(|t| t.text)
            .collect();
        // Where each word starts, to tie a cue to its clause.
        let word_at: Vec<usize> = sentence
            .iter()
            .filter(|t| t.kind != Kind::Symbol)
            .map(|t| t.start)
            .collect();
        let at = |w: usize| word_at.get(w).copied().unwrap_or(0);
        if is_boilerplate(&words) {
            continue;
        }
        let past = about_the_past(&words);
        let asks = sentence.iter().any(|t| t.is_sym('?'));
        let conditional = words.iter().any(|w| tables.is(w, index::CONDITION));
        // "Jan, can you approve this so we can pay Friday?": a forwarded internal request.
        let internal_ask = asks && words.iter().any(|w| tables.is(w, index::APPROVAL));
        // "We had hoped to pay on Friday, but …": what was meant, then withdrawn.
        let next_contrasts = sents.get(si + 1).is_some_and(|n| starts_with_contrast(n));
        let withdrawn = next_contrasts && words.iter().any(|w| tables.is(w, index::WITHDRAWN));
        let hold_after_withdrawn = std::mem::replace(&mut after_withdrawn, withdrawn);
        let about_po = words.iter().any(|w| entities::is_po_word(w));
        let mut explained = false;
        let mut paid_here = false;
        let mut promise_here = false;
        touched.iter().for_each(|&c| counted[c] = false);
        touched.clear();
        for start in 0..words.len() {
            tables.cues_starting_with(words[start], &mut candidates);
            for &ci in &candidates {
                if counted[ci] {
                    continue;
                }
                let (Some(cue), Some(pattern)) =
                    (tables.cues.get(ci).copied(), tables.patterns.get(ci))
                else {
                    continue;
                };
                let Some(len) = match_at(pattern, &words[start..]) else {
                    continue;
                };
                let span = words
                    .get(start..(start + len).min(words.len()))
                    .unwrap_or(&[]);
                if cue.intent == Intent::InvoiceCopyRequest
                    && span.iter().any(|w| tables.is(w, index::CORRECTION))
                {
                    // "Please send a corrected invoice": a correction, asked for in a dispute or
                    // a billing update, not a copy.
                    continue;
                }
                let negated = is_negated(cue, &words, start, len);
                let future = preceded_by_future(&words, start, len);
                let mut intent = cue.intent;
                if intent == Intent::AlreadyPaid && future {
                    // "will be transferred": a promise, not a payment made.
                    intent = Intent::PromiseToPay;
                } else if intent == Intent::PromiseToPay && past {
                    // "went out in our payment run yesterday": a payment made.
                    intent = Intent::AlreadyPaid;
                }
                if negated {
                    // "We will not pay until the price is corrected": a refusal tied to a
                    // condition is a dispute of no stated kind (the other cues name it).
                    if intent == Intent::PromiseToPay && conditional {
                        evidence[idx(Intent::Dispute)].add(0.55);
                        hits.push((Intent::Dispute, at(start)));
                    }
                    continue;
                }
                if cue.category == Some(DisputeCategory::Quality) && about_po {
                    // "PO 4500123 has expired": the order number, not the goods.
                    continue;
                }
                let mut weight = cue.weight;
                if hold_after_withdrawn && intent == Intent::Dispute {
                    // "… but finance has put it on hold": the customer's own payment stop,
                    // not a claim that the invoice is wrong.
                    weight *= 0.5;
                }
                if cue.category.is_some_and(|c| c != DisputeCategory::Other) && weight < 0.5 {
                    // Topic words ("price", "quality") pick a category; alone they are
                    // weak evidence that anything is disputed.
                    weight *= 0.5;
                }
                if intent == Intent::PromiseToPay {
                    if withdrawn {
                        // A plan that did not hold promises nothing.
                        continue;
                    }
                    if internal_ask {
                        // Payment once a colleague approves: likely, not yet committed.
                        weight *= 0.5;
                        promise_here = true;
                    } else if asks {
                        // "Can we pay by card?" asks; it promises nothing.
                        weight *= 0.3;
                    } else if conditional {
                        weight *= 0.35;
                        // Paying only once something is fixed hints at a dispute.
                        evidence[idx(Intent::Dispute)].add(0.3);
                    } else {
                        promise_here = true;
                    }
                }
                evidence[idx(intent)].add(weight);
                hits.push((intent, at(start)));
                if intent != Intent::Question && weight >= 0.45 {
                    explained = true;
                }
                paid_here |= intent == Intent::AlreadyPaid;
                first_seen[idx(intent)] = first_seen[idx(intent)].min(si);
                trace.push(format!(
                    "{}: {} ({weight:.2})",
                    intent.as_str(),
                    words[start..(start + len).min(words.len())].join(" ")
                ));
                if let Some(cat) = cue.category.filter(|c| *c != DisputeCategory::Other) {
                    categories.push((cat, cue.weight));
                }
                // Each cue counts once per sentence.
                counted[ci] = true;
                touched.push(ci);
            }
        }
        if let Some(q) = sentence
            .iter()
            .find(|t| t.is_sym('?'))
            .filter(|_| !internal_ask)
        {
            evidence[idx(Intent::Question)].add(0.5);
            hits.push((Intent::Question, q.start));
            let informative = words.iter().any(|w| index().is(w, index::QUESTION));
            questions.push(explained || !informative);
        }
        if promise_here {
            promise_sentences.push(si);
        } else if !withdrawn
            && !paid_here
            && speaks_of_paying(&words)
            && crate::dates::promise_may_stand(&words)
        {
            weak_promise_sentences.push(si);
        }
    }

    // Dates: a future date next to a promise makes the promise firm.
    let mut promise_date = None;
    let mut promise_sentence = None;
    for &si in promise_sentences
        .iter()
        .chain(weak_promise_sentences.iter())
    {
        let Some(sentence) = sents.get(si) else {
            continue;
        };
        if let Some(date) = crate::dates::promised_in(sentence, today, order) {
            let firm = promise_sentences.contains(&si);
            evidence[idx(Intent::PromiseToPay)].add(if firm { 0.5 } else { 0.55 });
            promise_date = Some(date);
            promise_sentence = Some(si);
            break;
        }
    }
    if promise_sentence.is_none() {
        promise_sentence = promise_sentences.first().copied();
    }
    // A payment run or terms from receipt decide the day over a phrase of one sentence ("we
    // missed this week's cut-off" is no Friday of this week).
    let routine = (!promise_sentences.is_empty() || !weak_promise_sentences.is_empty())
        .then(|| crate::dates::whole_text_date(&tokens, today, order))
        .flatten();
    if let Some(d) = routine {
        if promise_date.is_none() {
            evidence[idx(Intent::PromiseToPay)].add(0.5);
            promise_date = Some(d);
        } else if crate::dates::terms::missed_run(&tokens) {
            promise_date = Some(d);
        }
    }

    // Entities.
    let po_number = entities::find_po_number(new_text);
    // References in the customer's own words (their subject and new text), where they stand.
    let mut ref_spans = spans_in_lower(&full, &lower, hints.known_refs);
    if let Some(po) = &po_number {
        ref_spans.retain(|r| !r.text.eq_ignore_ascii_case(po));
    }
    let mut invoice_refs: Vec<String> = Vec::new();
    for r in &ref_spans {
        if !invoice_refs.iter().any(|o| o.eq_ignore_ascii_case(&r.text)) {
            invoice_refs.push(r.text.clone());
        }
    }
    // A "Re: Invoice INV-7 overdue" subject names the thread's invoices: the customer refers to
    // them too, and they are what an intent naming no invoice is about.
    let thread_refs: Vec<String> = subject
        .filter(|s| is_reply_subject(s))
        .map(|s| entities::find_invoice_refs(s, hints.known_refs))
        .unwrap_or_default()
        .into_iter()
        .filter(|r| {
            po_number
                .as_ref()
                .is_none_or(|po| !r.eq_ignore_ascii_case(po))
        })
        .collect();
    for r in &thread_refs {
        if !invoice_refs.iter().any(|o| o.eq_ignore_ascii_case(r)) {
            invoice_refs.push(r.clone());
        }
    }
    let new_contacts: Vec<ContactAddress> = entities::find_emails(new_text)
        .into_iter()
        .filter(|c| {
            !hints
                .known_addresses
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&c.email))
        })
        .collect();
    if !new_contacts.is_empty() {
        let cue_seen = evidence[idx(Intent::ContactChange)].seen;
        evidence[idx(Intent::ContactChange)].add(if cue_seen { 0.5 } else { 0.3 });
    }
    let missing_po = categories
        .iter()
        .any(|(c, _)| *c == DisputeCategory::MissingPo);
    if po_number.is_some() && !missing_po {
        evidence[idx(Intent::BillingUpdate)].add(0.5);
    }
    if hints.remittance_attached {
        evidence[idx(Intent::AlreadyPaid)].add(0.5);
    }

    // Scores, primary intent.
    let mut intents: Vec<ScoredIntent> = Intent::ALL
        .iter()
        .map(|i| ScoredIntent {
            intent: *i,
            confidence: round2(evidence[idx(*i)].confidence()),
            invoice_refs: Vec::new(),
        })
        .filter(|s| s.confidence >= REPORT_THRESHOLD)
        .collect();
    // `question` is the catch-all for asks no other intent covers: "Can you resend the
    // invoice?" is an invoice-copy request, not also a question.
    // When nothing else is clear, a reply that asks is a question first ("Why is the rate
    // higher than last month?" asks before it disputes).
    // ... unless one of its questions is not about anything else the reply asks for: "we will
    // pay INV-1 on Friday. Who approved the new rate?" is a promise and a question.
    let clear_other = intents
        .iter()
        .any(|s| s.intent != Intent::Question && s.confidence >= 0.6);
    let own_question = questions.iter().any(|explained| !explained);
    if clear_other && !own_question {
        intents.retain(|s| s.intent != Intent::Question);
    }
    let category = dispute_category(&categories);
    let has = |i: Intent| intents.iter().any(|s| s.intent == i);
    let has_new_contact = !new_contacts.is_empty();
    let strong: Vec<Intent> = intents
        .iter()
        .filter(|s| s.confidence >= 0.6 && !matches!(s.intent, Intent::Question | Intent::Other))
        .map(|s| s.intent)
        .collect();
    let lead = strong.iter().min_by_key(|i| first_seen[idx(**i)]).copied();
    let duplicate_paid = has(Intent::Dispute)
        && has(Intent::AlreadyPaid)
        && category == DisputeCategory::DuplicateBilling;
    let rank = |s: &ScoredIntent| -> f64 {
        let mut score = s.confidence + s.intent.precedence();
        if s.intent == Intent::Question && !clear_other {
            score += 0.3;
        }
        // Customers lead with their main point: of two strong intents, the first one said
        // wins ("INV-1 will be paid tomorrow. INV-2 is wrong …" is a promise first).
        if strong.len() > 1 && Some(s.intent) == lead && !strong.contains(&Intent::LegalThreat) {
            score += 0.1;
        }
        // "We paid the original; this one is a duplicate": the payment backs the dispute.
        if duplicate_paid && s.intent == Intent::Dispute {
            score += 0.15;
        }
        // "Take me off this list and write to our director instead": a handover, not an
        // opt-out of the account's dunning.
        if has_new_contact
            && s.intent == Intent::Unsubscribe
            && strong.contains(&Intent::ContactChange)
        {
            score -= 0.3;
        }
        score
    };
    nudge_core::order::sort_by(&mut intents, |a, b| rank(b).total_cmp(&rank(a)));
    if intents.is_empty() {
        intents.push(ScoredIntent {
            intent: Intent::Other,
            confidence: 0.5,
            invoice_refs: Vec::new(),
        });
    }
    let primary_intent = intents.first().map_or(Intent::Other, |s| s.intent);
    // Secondary intents need more evidence than the primary: a stray "PDF" or "price" in a
    // promise is noise, not a second request.
    let mut rank_index = 0;
    intents.retain(|s| {
        rank_index += 1;
        rank_index == 1 || s.confidence >= SECONDARY_THRESHOLD
    });

    // Which invoices each intent is about.
    let reported: Vec<Intent> = intents.iter().map(|s| s.intent).collect();
    let clauses = scope::Clauses::new(&sents, &ref_spans);
    let scoped = scope::refs_per_intent(&clauses, &ref_spans, &hits, &reported);
    for s in &mut intents {
        if let Some((_, refs)) = scoped.iter().find(|(i, _)| *i == s.intent) {
            s.invoice_refs.clone_from(refs);
        }
        if s.invoice_refs.is_empty() {
            s.invoice_refs.clone_from(&thread_refs);
        }
    }

    let promised = intents.iter().any(|s| s.intent == Intent::PromiseToPay);
    let promise = promised.then(|| {
        let amount = promise_sentence
            .and_then(|si| sents.get(si))
            .and_then(|s| {
                let (start, end) = (s.first()?.start, s.last()?.end);
                amount_in(&lower, &full, start, end)
            })
            .or_else(|| unique_amount(&full));
        PromiseDetails {
            date: promise_date,
            amount: amount.as_ref().map(|a| a.0),
            currency: amount.and_then(|a| a.1),
        }
    });
    let dispute = intents
        .iter()
        .any(|s| s.intent == Intent::Dispute)
        .then_some(category);

    Understanding {
        intents,
        primary_intent,
        promise,
        dispute,
        invoice_refs,
        po_number,
        new_contacts,
        evidence: trace,
        language: crate::language::detect(new_text),
    }
}

/// The invoice references of `full`, with their spans moved into `lower` (its normalised
/// form, which can differ in length where typographic characters were replaced).
fn spans_in_lower(full: &str, lower: &str, known: &[String]) -> Vec<scope::Ref> {
    let found = entities::find_invoice_ref_spans(full, known);
    if found.is_empty() {
        return Vec::new();
    }
    let same = full.len() == lower.len();
    found
        .into_iter()
        .map(|r| {
            let (start, end) = if same {
                (r.start, r.end)
            } else {
                let before = normalise(full.get(..r.start).unwrap_or("")).len();
                let inside = normalise(full.get(r.start..r.end).unwrap_or("")).len();
                (before, before + inside)
            };
            scope::Ref {
                text: r.text,
                start,
                end,
            }
        })
        .collect()
}

fn idx(intent: Intent) -> usize {
    Intent::ALL.iter().position(|i| *i == intent).unwrap_or(0)
}

/// Two decimals, in f64 so that the JSON reads `0.73`, not `0.7300000190734863`.
fn round2(x: f32) -> f64 {
    (f64::from(x) * 100.0).round() / 100.0
}

fn is_reply_subject(s: &str) -> bool {
    let l = s.trim_start().to_lowercase();
    [
        "re:",
        "aw:",
        "sv:",
        "vs:",
        "r:",
        "rif:",
        "réf",
        "fw:",
        "fwd:",
        "wg:",
        "tr:",
        "antw:",
        "rv:",
        "re ",
        "automatic reply",
    ]
    .iter()
    .any(|p| l.starts_with(p))
}

fn is_negation(w: &str) -> bool {
    index().is(w, index::NEGATION)
}

/// Negated when a negation stands within two words before the cue or inside its span — unless
/// the cue itself is written with a negation ("never received", "no PO").
fn is_negated(cue: &Cue, words: &[&str], start: usize, len: usize) -> bool {
    let cue_has_negation = cue.pattern.iter().any(|e| e.split('|').any(is_negation));
    if cue_has_negation {
        return false;
    }
    // "no" negates only what follows it closely ("no payment will be made"); "not", "never"
    // reach further ("could not sign off the payment run"), though not across "but".
    let to = (start + len).min(words.len());
    // A promise or a payment is negated by a "not" anywhere earlier in its clause ("I don't
    // think we will be able to pay before the 20th"); other cues only by one close before.
    let reach = if matches!(cue.intent, Intent::PromiseToPay | Intent::AlreadyPaid) {
        start
    } else {
        2
    };
    let from = start.saturating_sub(reach);
    let window = words.get(from..to).unwrap_or(&[]);
    let cut = window
        .iter()
        .rposition(|w| matches!(*w, "but" | "aber" | "mais" | "pero" | "men"))
        .map_or(0, |p| p + 1);
    window
        .iter()
        .enumerate()
        .skip(cut)
        .any(|(k, w)| is_negation(w) && (*w != "no" || from + k + 2 >= start))
}

/// A future marker ("will", "going", "wird") within three words before the cue or inside it,
/// or "be" right before it ("to be paid").
fn preceded_by_future(words: &[&str], start: usize, len: usize) -> bool {
    let from = start.saturating_sub(3);
    // Inside the cue's own gap too: "payment will be released".
    let window = words
        .get(from..(start + len).min(words.len()))
        .unwrap_or(&[]);
    window
        .iter()
        .any(|w| *w != "be" && index().is(w, index::FUTURE))
        || (start > 0 && words.get(start - 1) == Some(&"be"))
}

/// A disclaimer or footer sentence.
fn is_boilerplate(words: &[&str]) -> bool {
    index()
        .phrases
        .boilerplate
        .iter()
        .any(|p| (0..words.len()).any(|s| match_at(p, &words[s..]).is_some()))
}

/// A sentence about the past: a past marker ("yesterday", "was", "paid") and no future marker.
fn about_the_past(words: &[&str]) -> bool {
    let has = |flag: u32| words.iter().any(|w| index().is(w, flag));
    has(index::PAST) && !has(index::FUTURE)
}

/// A clause that starts with a contrast ("but", "however", "unfortunately", "aber", "leider").
fn starts_with_contrast(sentence: &[Token<'_>]) -> bool {
    sentence
        .iter()
        .find(|t| t.kind != Kind::Symbol)
        .is_some_and(|t| {
            matches!(
                t.text,
                "but"
                    | "however"
                    | "unfortunately"
                    | "aber"
                    | "jedoch"
                    | "leider"
                    | "mais"
                    | "malheureusement"
                    | "pero"
                    | "sin"
                    | "lamentablemente"
                    | "maar"
                    | "helaas"
                    | "men"
                    | "tyvärr"
            )
        })
}

fn speaks_of_paying(words: &[&str]) -> bool {
    words.iter().any(|w| index().is(w, index::PAY))
}

/// The amount written inside a sentence (byte span of the lower-cased text).
fn amount_in(
    lower: &str,
    original: &str,
    start: usize,
    end: usize,
) -> Option<(Decimal, Option<String>)> {
    // The lower-cased text can differ in length from the original only for rare characters;
    // when it does, fall back to searching the whole text.
    let text = if lower.len() == original.len() {
        original.get(start..end)?
    } else {
        return None;
    };
    let amounts = entities::find_amounts(text);
    let a = amounts.first()?;
    Some((
        normalise_amount(a),
        a.currency.map(|c| c.code().to_string()),
    ))
}

fn unique_amount(text: &str) -> Option<(Decimal, Option<String>)> {
    let amounts = entities::find_amounts(text);
    let first = amounts.first()?;
    if amounts
        .iter()
        .all(|a| a.value == first.value && a.currency == first.currency)
    {
        Some((
            normalise_amount(first),
            first.currency.map(|c| c.code().to_string()),
        ))
    } else {
        None
    }
}

fn normalise_amount(a: &entities::Amount) -> Decimal {
    match a.currency {
        Some(c) => c.round(a.value),
        None => a.value,
    }
}

fn dispute_category(categories: &[(DisputeCategory, f32)]) -> DisputeCategory {
    let mut best = (DisputeCategory::Other, 0.0f32);
    let mut totals: Vec<(DisputeCategory, f32)> = Vec::new();
    for (cat, w) in categories {
        if *cat == DisputeCategory::Other {
            continue;
        }
        match totals.iter_mut().find(|(c, _)| c == cat) {
            Some(t) => t.1 = 1.0 - (1.0 - t.1) * (1.0 - w),
            None => totals.push((*cat, *w)),
        }
    }
    for (cat, score) in totals {
        if score > best.1 {
            best = (cat, score);
        }
    }
    if best.1 >= 0.3 {
        best.0
    } else {
        DisputeCategory::Other
    }
}

/// The tokens of a text, for callers that scan further (out-of-office dates).
pub(crate) fn with_sentences<R>(text: &str, f: impl FnOnce(&str, &[&[Token<'_>]]) -> R) -> R {
    let lower = normalise(text);
    let tokens = tokenize(&lower);
    let sents = sentences(&lower, &tokens);
    f(&lower, &sents)
}

mod scope;

#[cfg(test)]
mod tests;
