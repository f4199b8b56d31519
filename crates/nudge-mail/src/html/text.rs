//! HTML to plain text, as a reader sees it: tags dropped, runs of white space as one space, a
//! new line at `<br>` and at block-level elements, hidden elements (`<head>`, `<style>`,
//! `<script>`, `<template>`) and comments skipped, character references decoded.

use super::entity;
use crate::phrases::Words;
use crate::words;

/// Elements that start a new line in a rendered message (web mail puts every line in a `<div>`).
pub(super) const BLOCK_TAGS: Words = words![
    "div",
    "p",
    "tr",
    "li",
    "ul",
    "ol",
    "table",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "dt",
    "dd",
];

/// Elements whose content is not shown.
const HIDDEN: Words = words!["head", "style", "script", "template"];

/// The text of `html`, one line per rendered line (lines may carry leading or trailing spaces,
/// and blank lines repeat; the caller tidies them).
pub(super) fn render(html: &str) -> String {
    let mut text = Text::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(['<', '&']) {
        let (before, markup) = rest.split_at(at);
        text.push_str(before);
        rest = if markup.starts_with('&') {
            match entity::decode(markup) {
                Some((ch, len)) => {
                    text.push_char(ch);
                    markup.get(len..).unwrap_or("")
                }
                None => literal(markup, &mut text),
            }
        } else {
            tag(markup, &mut text)
        };
    }
    text.push_str(rest);
    text.out
}

/// Pushes the first character of `markup` as text; returns what follows it.
fn literal<'a>(markup: &'a str, text: &mut Text) -> &'a str {
    let mut chars = markup.chars();
    if let Some(c) = chars.next() {
        text.push_char(c);
    }
    chars.as_str()
}

/// Reads the tag, comment or declaration at the start of `markup` (which starts with `<`) and
/// returns what follows it (after the content of a hidden element).
fn tag<'a>(markup: &'a str, text: &mut Text) -> &'a str {
    let body = markup.get(1..).unwrap_or("");
    if let Some(comment) = body.strip_prefix("!--") {
        return comment
            .find("-->")
            .map_or("", |end| after(comment, end + 3));
    }
    // As in browsers, `<` that cannot start a tag ("a < b", "<3") is text.
    if !body.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?')) {
        return literal(markup, text);
    }
    // An unterminated tag swallows the rest, as it would in a browser.
    let Some(end) = body.find('>') else {
        return "";
    };
    let inside = body.get(..end).unwrap_or("");
    let rest = after(body, end + 1);
    let (closing, inside) = match inside.strip_prefix('/') {
        Some(inside) => (true, inside),
        None => (false, inside),
    };
    let name = inside
        .split(|c: char| c.is_ascii_whitespace() || c == '/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if name == "br" {
        text.line_break();
    } else if BLOCK_TAGS.contains(&name) {
        // A line starts at every opening block tag; a closing one ends the line only when text
        // follows directly (else the next opening tag breaks it, and the break would double).
        let text_follows = rest.trim_start().chars().next().is_some_and(|c| c != '<');
        if !closing || text_follows {
            text.line_break();
        }
        // A paragraph ends with a blank line.
        if closing && name == "p" {
            text.line_break();
        }
    } else if !closing && !inside.ends_with('/') && HIDDEN.contains(&name) {
        return skip_hidden(rest, &name);
    }
    rest
}

/// What follows the hidden element whose content starts `html`: after its closing tag, or at
/// `<body>` for a `<head>` left open. An element never closed hides the rest.
fn skip_hidden<'a>(html: &'a str, name: &str) -> &'a str {
    let mut from = 0;
    while let Some(at) = html.get(from..).and_then(|s| s.find('<')) {
        let at = from + at;
        let tag = html.get(at + 1..).unwrap_or("");
        if tag.strip_prefix('/').is_some_and(|t| names(t, name)) {
            return tag.find('>').map_or("", |end| after(tag, end + 1));
        }
        if name == "head" && names(tag, "body") {
            return html.get(at..).unwrap_or("");
        }
        from = at + 1;
    }
    ""
}

/// Whether `tag` starts with the element name `name` (any case) and the name ends there.
fn names(tag: &str, name: &str) -> bool {
    tag.get(..name.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(name))
        && !tag
            .as_bytes()
            .get(name.len())
            .is_some_and(u8::is_ascii_alphanumeric)
}

/// `s` after its first `n` bytes.
fn after(s: &str, n: usize) -> &str {
    s.get(n..).unwrap_or("")
}

/// The text being written: white space collapses into one pending space, written only between
/// words of the same line.
struct Text {
    out: String,
    space: bool,
}

impl Text {
    fn with_capacity(n: usize) -> Self {
        Text {
            out: String::with_capacity(n),
            space: false,
        }
    }

    /// Text from the source: HTML white space (space, tab, CR, LF) separates words.
    fn push_str(&mut self, s: &str) {
        let mut words = s.split([' ', '\t', '\r', '\n']);
        if let Some(first) = words.next() {
            self.word(first);
        }
        for word in words {
            self.space = true;
            self.word(word);
        }
    }

    /// One character of text as it is (a decoded reference, or markup that is text).
    fn push_char(&mut self, c: char) {
        self.word(c.encode_utf8(&mut [0; 4]));
    }

    fn word(&mut self, word: &str) {
        if word.is_empty() {
            return;
        }
        if self.space && !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push(' ');
        }
        self.space = false;
        self.out.push_str(word);
    }

    fn line_break(&mut self) {
        self.out.push('\n');
        self.space = false;
    }
}
