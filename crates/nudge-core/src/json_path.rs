//! Typed JSON parsing whose errors name the field: `lines[0].amount: invalid type: …`.
//!
//! `serde_json` reports *where* in the text a value failed (line and column), not *which* field
//! it was. Rather than wrap every deserialiser in a path-tracking one (`serde_path_to_error`
//! doubles the deserialisation code of every type it parses, ≈ 25 KB of the gzipped Worker,
//! issue 12), [`from_str`] parses with plain `serde_json` and, only on failure, walks the text up
//! to the error's position to find the path of the value being parsed there. The format is
//! `serde_path_to_error`'s (`a.b[2].c`, empty for the document itself), and its tests check the
//! two agree.

use serde::de::DeserializeOwned;

/// A value that does not parse as its type: where, and serde's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// The path of the failing value (`lines[0].amount`); empty for the document itself.
    pub path: String,
    /// `serde_json`'s message (with its line and column).
    pub message: String,
}

/// Parses `text` as `T`; a failure says which field failed.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, PathError> {
    serde_json::from_str(text).map_err(|e| PathError {
        path: path_at(text, offset(text, e.line(), e.column())),
        message: e.to_string(),
    })
}

/// The byte offset serde_json means by `line` (1-based) and `column` (bytes consumed on it).
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    (start + column).min(text.len())
}

/// One open container on the way to the offset.
enum Frame {
    /// An object, with the key whose value is being read (once its `:` was seen).
    Object { key: Option<String>, in_value: bool },
    /// An array, with the index of the element being read (once it started).
    Array { index: usize, in_value: bool },
}

/// The path of the value being read when `end` bytes of `text` were consumed: every enclosing
/// key or index whose value had started. A value that is complete but not yet followed by a
/// `,` still counts (serde reports a bad value after reading it), and so does the object a
/// closing `}` just ended (a missing field is reported there, at the object's path).
fn path_at(text: &str, end: usize) -> String {
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end && i < bytes.len() {
        let b = bytes[i];
        match b {
            b'{' | b'[' => {
                start_value(&mut stack);
                stack.push(if b == b'{' {
                    Frame::Object {
                        key: None,
                        in_value: false,
                    }
                } else {
                    Frame::Array {
                        index: 0,
                        in_value: false,
                    }
                });
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
            }
            b':' => {
                if let Some(Frame::Object { in_value, .. }) = stack.last_mut() {
                    *in_value = true;
                }
                i += 1;
            }
            b',' => {
                match stack.last_mut() {
                    Some(Frame::Object { key, in_value }) => {
                        *key = None;
                        *in_value = false;
                    }
                    Some(Frame::Array { index, in_value }) => {
                        *index += 1;
                        *in_value = false;
                    }
                    None => {}
                }
                i += 1;
            }
            b'"' => {
                let close = string_end(bytes, i);
                let is_key = matches!(
                    stack.last(),
                    Some(Frame::Object {
                        in_value: false,
                        ..
                    })
                );
                if is_key {
                    let raw = text.get(i..close).unwrap_or("\"\"");
                    let name = serde_json::from_str::<String>(raw).unwrap_or_default();
                    if let Some(Frame::Object { key, .. }) = stack.last_mut() {
                        *key = Some(name);
                    }
                } else {
                    start_value(&mut stack);
                }
                i = close;
            }
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            _ => {
                // A number or literal: one value, up to the next delimiter.
                start_value(&mut stack);
                while i < bytes.len() && !b",:{}[]\" \t\n\r".contains(&bytes[i]) {
                    i += 1;
                }
            }
        }
    }
    // serde reports a value of the wrong kind where it starts, before reading it: an element
    // about to start counts as started.
    let next = bytes.get(i..).unwrap_or_default();
    if let Some(&b) = next.iter().find(|b| !b.is_ascii_whitespace()) {
        if !matches!(b, b',' | b']' | b'}' | b':') {
            start_value(&mut stack);
        }
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object {
                key: Some(key),
                in_value: true,
            } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array {
                index,
                in_value: true,
            } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
            _ => {}
        }
    }
    path
}

/// Marks the innermost array's current element as started (object values start at their `:`).
fn start_value(stack: &mut [Frame]) {
    if let Some(Frame::Array { in_value, .. }) = stack.last_mut() {
        *in_value = true;
    }
}

/// The index just past the string that opens at `open` (or the end of an unterminated one).
fn string_end(bytes: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests;
