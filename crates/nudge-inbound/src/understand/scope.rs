//! Which invoices each intent is about: every invoice reference belongs to the clause that
//! speaks of it, and an intent is about the references of the clauses its cues fired in.
//!
//! "We dispute INV-A: the unit price is higher than quoted. INV-B is fine, we will pay it on
//! Friday" puts INV-A under the dispute and INV-B under the promise. The rules, in order:
//!
//! 1. A clause is a stretch of a sentence between `,`, `:`, `(`, `)` or a spaced dash (the
//!    sentence splitter already cuts at `.`, `!`, `?`, `;`, line breaks and "but").
//! 2. A clause holding nothing but references, invoice words and connectors ("INV-1, INV-2
//!    and INV-3 are wrong" → "INV-1" alone) is part of a list: it joins the nearest clause
//!    of its sentence that says something, the previous one first.
//! 3. A reference in a clause where a reported intent fired belongs to that intent.
//! 4. A reference in a clause that says something else ("INV-B is fine", "regarding INV-7")
//!    belongs to no intent; unless it is said to be fine, it is the *topic* that intent clauses
//!    without references of their own refer back to ("Regarding INV-7. The price is wrong.").
//! 5. An intent clause without references takes the nearest references before it that are the
//!    topic or already its own intent's; failing that, the topic right after it ("we dispute
//!    the following invoice:\nINV-9").
//!
//! An intent that ends up with no reference is about the thread's invoices (those the subject
//! names) — or, when there are none, about the account: the planner decides what that means
//! for each intent.

use crate::intent::Intent;
use crate::lang::index::{self, index};
use crate::text::{Kind, Token};

/// Words a list of references may hold besides the references ("invoices 1, 2 and 3").
const LIST_WORDS: &[&str] = &[
    "and", "or", "the", "our", "your", "no", "nr", "nos", "number", "numbers", "ref", "re", "und",
    "oder", "die", "der", "das", "den", "nummer", "et", "ou", "la", "le", "les", "n", "y", "o",
    "el", "los", "las", "de", "en", "of", "het", "och", "eller",
];

/// One invoice reference with its byte span in the lower-cased text.
#[derive(Debug, Clone)]
pub(crate) struct Ref {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// The clause structure of one text.
#[derive(Debug, Default)]
pub(crate) struct Clauses {
    /// `(token start byte, clause)` in text order.
    at: Vec<(usize, usize)>,
    /// Sentence of each clause.
    sentence: Vec<usize>,
    /// Whether a clause says something beyond references and list words.
    says: Vec<bool>,
    /// Whether a clause says its references are fine (not at issue).
    accepts: Vec<bool>,
    /// Whether a clause holds a negation ("INV-3 is not correct" accepts nothing).
    negated: Vec<bool>,
}

fn is_break(prev: &Token<'_>, next: &Token<'_>) -> bool {
    if prev.kind != Kind::Symbol {
        return false;
    }
    match prev.text {
        "," | ":" => next.space_before,
        "(" | ")" => true,
        "-" => prev.space_before && next.space_before,
        _ => false,
    }
}

impl Clauses {
    /// Cuts `sentences` into clauses; `refs` mark the tokens that are references.
    pub fn new(sentences: &[&[Token<'_>]], refs: &[Ref]) -> Clauses {
        let mut c = Clauses::default();
        let tables = index();
        for (si, s) in sentences.iter().enumerate() {
            let mut prev: Option<&Token<'_>> = None;
            let mut open = false;
            for t in s.iter() {
                let cut = prev.is_some_and(|p| is_break(p, t));
                if !open || cut {
                    c.sentence.push(si);
                    c.says.push(false);
                    c.accepts.push(false);
                    c.negated.push(false);
                    open = true;
                }
                let clause = c.sentence.len() - 1;
                c.at.push((t.start, clause));
                let in_ref = refs.iter().any(|r| t.start >= r.start && t.end <= r.end);
                if t.kind != Kind::Symbol && !in_ref {
                    let filler = LIST_WORDS.contains(&t.text)
                        || tables.is(t.text, index::INVOICE)
                        || t.kind == Kind::Number;
                    if !filler {
                        if let Some(x) = c.says.get_mut(clause) {
                            *x = true;
                        }
                    }
                    let flag = if tables.is(t.text, index::ACCEPTED) {
                        c.accepts.get_mut(clause)
                    } else if tables.is(t.text, index::NEGATION) {
                        c.negated.get_mut(clause)
                    } else {
                        None
                    };
                    if let Some(x) = flag {
                        *x = true;
                    }
                }
                prev = Some(t);
            }
        }
        c
    }

    /// The clause a byte offset of the lower-cased text falls in.
    pub fn at(&self, byte: usize) -> Option<usize> {
        let i = self.at.partition_point(|(start, _)| *start <= byte);
        // The token starting at or before `byte`; a reference starts a token.
        self.at.get(i.checked_sub(1)?).map(|(_, c)| *c)
    }

    fn count(&self) -> usize {
        self.sentence.len()
    }

    /// Where a list clause belongs: the nearest clause of its sentence that says something,
    /// the previous one first; itself when there is none.
    fn home(&self, clause: usize) -> usize {
        if self.says.get(clause).copied().unwrap_or(true) {
            return clause;
        }
        let si = self.sentence.get(clause).copied();
        let same = |k: usize| self.sentence.get(k).copied() == si;
        let back = (0..clause)
            .rev()
            .take_while(|k| same(*k))
            .find(|k| self.says.get(*k).copied().unwrap_or(false));
        let fwd = (clause + 1..self.count())
            .take_while(|k| same(*k))
            .find(|k| self.says.get(*k).copied().unwrap_or(false));
        back.or(fwd).unwrap_or(clause)
    }
}

/// The references of each intent in `reported`, in text order, given where each intent's cues
/// fired (`hits`: intent and byte offset in the lower-cased text).
pub(crate) fn refs_per_intent(
    clauses: &Clauses,
    refs: &[Ref],
    hits: &[(Intent, usize)],
    reported: &[Intent],
) -> Vec<(Intent, Vec<String>)> {
    let n = clauses.count();
    // Intents of each (home) clause.
    let mut intents: Vec<Vec<Intent>> = vec![Vec::new(); n];
    let mut clause_hits: Vec<Vec<(Intent, usize)>> = vec![Vec::new(); n];
    for (intent, byte) in hits {
        if !reported.contains(intent) {
            continue;
        }
        if let Some(c) = clauses.at(*byte).map(|c| clauses.home(c)) {
            if let Some(list) = intents.get_mut(c) {
                if !list.contains(intent) {
                    list.push(*intent);
                }
            }
            if let Some(list) = clause_hits.get_mut(c) {
                list.push((*intent, *byte));
            }
        }
    }
    // References of each home clause.
    let mut in_clause: Vec<Vec<&Ref>> = vec![Vec::new(); n];
    for r in refs {
        if let Some(c) = clauses.at(r.start).map(|c| clauses.home(c)) {
            if let Some(list) = in_clause.get_mut(c) {
                list.push(r);
            }
        }
    }
    let accepted = |c: usize| {
        clauses.accepts.get(c).copied().unwrap_or(false)
            && !clauses.negated.get(c).copied().unwrap_or(false)
    };
    let mut out: Vec<(Intent, Vec<String>)> = reported.iter().map(|i| (*i, Vec::new())).collect();
    let mut give = |intent: Intent, rs: &[&Ref]| {
        if let Some((_, list)) = out.iter_mut().find(|(i, _)| *i == intent) {
            for r in rs {
                if !list.iter().any(|x| x.eq_ignore_ascii_case(&r.text)) {
                    list.push(r.text.clone());
                }
            }
        }
    };
    for c in 0..n {
        let (Some(here), Some(rs)) = (intents.get(c), in_clause.get(c)) else {
            continue;
        };
        if here.is_empty() {
            continue;
        }
        if !rs.is_empty() {
            if here.len() > 1 && rs.len() > 1 {
                // "We dispute INV-A and will pay INV-B on Friday": each reference goes to the
                // intent said nearest before it (after it, in verb-final word order).
                let at = clause_hits.get(c).cloned().unwrap_or_default();
                for r in rs {
                    let before = at
                        .iter()
                        .filter(|(_, b)| *b <= r.start)
                        .max_by_key(|(_, b)| *b);
                    let after = at
                        .iter()
                        .filter(|(_, b)| *b > r.start)
                        .min_by_key(|(_, b)| *b);
                    if let Some((i, _)) = before.or(after) {
                        give(*i, &[*r]);
                    }
                }
            } else {
                for i in here {
                    give(*i, rs);
                }
            }
            continue;
        }
        // Rule 5: refer back to the nearest references, when they are the topic or this
        // intent's own; else forward to a topic in this or the next sentence.
        let back = (0..c)
            .rev()
            .find(|k| in_clause.get(*k).is_some_and(|r| !r.is_empty()));
        let mut taken = false;
        if let Some(k) = back {
            let theirs = intents.get(k).cloned().unwrap_or_default();
            let topic = theirs.is_empty() && !accepted(k);
            for i in here {
                if topic || theirs.contains(i) {
                    if let Some(rs) = in_clause.get(k) {
                        give(*i, rs);
                        taken = true;
                    }
                }
            }
        }
        if !taken {
            let si = clauses.sentence.get(c).copied().unwrap_or(0);
            let fwd = (c + 1..n)
                .take_while(|k| clauses.sentence.get(*k).is_some_and(|s| *s <= si + 1))
                .find(|k| in_clause.get(*k).is_some_and(|r| !r.is_empty()));
            if let Some(k) = fwd {
                let free = intents.get(k).is_some_and(Vec::is_empty) && !accepted(k);
                if free {
                    if let Some(rs) = in_clause.get(k) {
                        for i in here {
                            give(*i, rs);
                        }
                    }
                }
            }
        }
    }
    out
}
