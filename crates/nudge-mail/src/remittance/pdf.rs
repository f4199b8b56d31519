//! The text of a PDF, as far as a remittance advice needs it: the strings shown by the
//! text operators (`Tj`, `TJ`, `'`, `"`) of uncompressed and `FlateDecode` content streams,
//! decoded through the fonts' `ToUnicode` maps when they have one (subset fonts of office
//! suites), else as WinAnsi bytes (the standard fonts of report generators), laid out in rows
//! by their position so table cells stay apart (two spaces between cells).
//!
//! Why not a PDF crate: `lopdf` (and `pdf-extract` on top of it) does not build for
//! `wasm32-unknown-unknown` without extra `getrandom` configuration and brings encryption crates
//! (rand, aes, md-5, sha2) a remittance reader never needs; see the README. Encrypted PDFs,
//! compressed object streams holding fonts, and text drawn as images are not read (a person
//! sees the attachment).

use litemap::LiteMap;

use miniz_oxide::inflate::decompress_to_vec_zlib_with_limit;

/// Most bytes one stream may inflate to.
const MAX_INFLATED: usize = 4 * 1024 * 1024;

/// Most text produced for one document.
const MAX_TEXT: usize = 256 * 1024;

/// One PDF object: its dictionary text and its (decoded) stream.
struct Object<'a> {
    dict: &'a [u8],
    stream: Option<Vec<u8>>,
}

/// The readable text of a PDF, rows separated by newlines; empty when none can be read.
pub(crate) fn text(pdf: &[u8]) -> String {
    if !pdf.starts_with(b"%PDF") && find(pdf, b"%PDF", 0).is_none_or(|at| at > 1024) {
        return String::new();
    }
    let objects = objects(pdf);
    let fonts = font_maps(&objects);
    let mut out = String::new();
    for obj in objects.values() {
        let Some(stream) = &obj.stream else { continue };
        if find(stream, b"BT", 0).is_none() || find(obj.dict, b"/Type/XObject", 0).is_some() {
            continue;
        }
        let rows = content_rows(stream, &fonts);
        for row in rows {
            if out.len() + row.len() > MAX_TEXT {
                return out;
            }
            out.push_str(&row);
            out.push('\n');
        }
    }
    out
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Objects by number: `N G obj … endobj`, with their streams decoded.
fn objects(pdf: &[u8]) -> LiteMap<u32, Object<'_>> {
    let mut out = LiteMap::new();
    let mut at = 0;
    while let Some(pos) = find(pdf, b" obj", at) {
        at = pos + 4;
        let Some(number) = object_number(pdf, pos) else {
            continue;
        };
        let end = find(pdf, b"endobj", at).unwrap_or(pdf.len());
        let body = pdf.get(at..end).unwrap_or(&[]);
        let (dict, stream) = match find(body, b"stream", 0) {
            Some(s) => {
                let dict = body.get(..s).unwrap_or(&[]);
                let mut data = s + 6;
                if body.get(data) == Some(&b'\r') {
                    data += 1;
                }
                if body.get(data) == Some(&b'\n') {
                    data += 1;
                }
                let stop = find(body, b"endstream", data).unwrap_or(body.len());
                let raw = body.get(data..stop).unwrap_or(&[]);
                (dict, decode(dict, raw))
            }
            None => (body, None),
        };
        out.insert(number, Object { dict, stream });
        at = end;
    }
    out
}

/// The object number before ` obj` at `pos` (`12 0 obj`).
fn object_number(pdf: &[u8], pos: usize) -> Option<u32> {
    let head = pdf.get(pos.saturating_sub(24)..pos)?;
    let head = std::str::from_utf8(head).ok().or_else(|| {
        // Binary bytes before the header: keep the ASCII tail.
        let start = head.iter().rposition(|b| !b.is_ascii())? + 1;
        std::str::from_utf8(head.get(start..)?).ok()
    })?;
    let mut words = head.split_ascii_whitespace().rev();
    let _generation: u32 = words.next()?.parse().ok()?;
    words.next()?.parse().ok()
}

/// A stream's data: `FlateDecode` inflated (after `ASCII85Decode` when that comes first, as
/// ReportLab writes), as is without a filter, `None` for other filters (images, LZW).
fn decode(dict: &[u8], raw: &[u8]) -> Option<Vec<u8>> {
    if find(dict, b"/Filter", 0).is_none() {
        return Some(raw.to_vec());
    }
    let flate = find(dict, b"/FlateDecode", 0).is_some() || find(dict, b"/Fl ", 0).is_some();
    let a85 = find(dict, b"/ASCII85Decode", 0).is_some() || find(dict, b"/A85", 0).is_some();
    let other = [
        b"/DCTDecode".as_slice(),
        b"/LZWDecode",
        b"/JPXDecode",
        b"/CCITTFax",
    ]
    .iter()
    .any(|f| find(dict, f, 0).is_some());
    if other || !(flate || a85) {
        return None;
    }
    let bytes = if a85 { ascii85(raw)? } else { raw.to_vec() };
    if flate {
        decompress_to_vec_zlib_with_limit(&bytes, MAX_INFLATED).ok()
    } else {
        Some(bytes)
    }
}

/// ASCII85 (`<~ … ~>`, `z` for four zero bytes).
fn ascii85(raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(raw.len());
    let mut group = [0u8; 5];
    let mut n = 0;
    let body = raw.strip_prefix(b"<~").unwrap_or(raw);
    for &c in body {
        match c {
            b'~' => break,
            b'z' if n == 0 => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group[n] = c - b'!';
                n += 1;
                if n == 5 {
                    let v = group.iter().fold(0u64, |acc, d| acc * 85 + u64::from(*d));
                    out.extend_from_slice(&u32::try_from(v).ok()?.to_be_bytes());
                    n = 0;
                }
            }
            _ => {}
        }
    }
    if n > 1 {
        for slot in group.iter_mut().skip(n) {
            *slot = 84;
        }
        let v = group.iter().fold(0u64, |acc, d| acc * 85 + u64::from(*d));
        let bytes = u32::try_from(v).ok()?.to_be_bytes();
        out.extend_from_slice(bytes.get(..n - 1)?);
    }
    Some(out)
}

/// A font's character map: code bytes per character and code → text.
#[derive(Default)]
struct CMap {
    width: usize,
    map: LiteMap<u32, String>,
}

/// Font resource names (`F1`) → the `ToUnicode` map of the font they name.
fn font_maps(objects: &LiteMap<u32, Object<'_>>) -> LiteMap<String, CMap> {
    let mut by_font: LiteMap<u32, u32> = LiteMap::new();
    for (n, obj) in objects {
        if let Some(at) = find(obj.dict, b"/ToUnicode", 0) {
            if let Some(r) = reference_after(obj.dict, at + 10) {
                by_font.insert(*n, r);
            }
        }
    }
    let mut out = LiteMap::new();
    for obj in objects.values() {
        let Some(at) = find(obj.dict, b"/Font", 0) else {
            continue;
        };
        let rest = obj.dict.get(at + 5..).unwrap_or(&[]);
        let Some(open) = find(rest, b"<<", 0).filter(|o| *o < 4) else {
            continue;
        };
        let Some(close) = find(rest, b">>", open) else {
            continue;
        };
        let inner = String::from_utf8_lossy(rest.get(open + 2..close).unwrap_or(&[])).to_string();
        let words: Vec<&str> = inner
            .split(['/', ' ', '\n', '\r'])
            .filter(|w| !w.is_empty())
            .collect();
        // `/F1 5 0 R /F2 7 0 R`
        for w in words.windows(4) {
            if let [name, num, _, "R"] = w {
                let Ok(font) = num.parse::<u32>() else {
                    continue;
                };
                let Some(cmap_obj) = by_font.get(&font) else {
                    continue;
                };
                let Some(stream) = objects.get(cmap_obj).and_then(|o| o.stream.as_ref()) else {
                    continue;
                };
                out.entry((*name).to_string())
                    .or_insert_with(|| parse_cmap(stream));
            }
        }
    }
    out
}

/// `N 0 R` right after `at`.
fn reference_after(dict: &[u8], at: usize) -> Option<u32> {
    let tail = String::from_utf8_lossy(dict.get(at..(at + 24).min(dict.len()))?).to_string();
    let mut words = tail.split_ascii_whitespace();
    let n = words.next()?.parse().ok()?;
    let _gen = words.next()?;
    (words.next()?.starts_with('R')).then_some(n)
}

/// A `ToUnicode` CMap's `bfchar` and `bfrange` entries.
fn parse_cmap(stream: &[u8]) -> CMap {
    let text = String::from_utf8_lossy(stream);
    let hexes = |s: &str| -> Vec<String> {
        s.split('<')
            .skip(1)
            .filter_map(|p| p.split_once('>').map(|(h, _)| h.trim().to_string()))
            .collect()
    };
    let mut cmap = CMap {
        width: 1,
        map: LiteMap::new(),
    };
    if let Some((_, rest)) = text.split_once("begincodespacerange") {
        if let Some(first) = hexes(rest).first() {
            cmap.width = (first.len() / 2).max(1);
        }
    }
    for section in text.split("beginbfchar").skip(1) {
        let body = section.split("endbfchar").next().unwrap_or("");
        for pair in hexes(body).chunks(2) {
            if let [code, uni] = pair {
                if let Ok(c) = u32::from_str_radix(code, 16) {
                    cmap.map.insert(c, utf16_hex(uni));
                }
            }
        }
    }
    for section in text.split("beginbfrange").skip(1) {
        let body = section.split("endbfrange").next().unwrap_or("");
        for line in body.lines() {
            let h = hexes(line);
            let (Some(lo), Some(hi), Some(start)) = (h.first(), h.get(1), h.get(2)) else {
                continue;
            };
            let (Ok(lo), Ok(hi), Ok(base)) = (
                u32::from_str_radix(lo, 16),
                u32::from_str_radix(hi, 16),
                u32::from_str_radix(start, 16),
            ) else {
                continue;
            };
            for (i, code) in (lo..=hi.min(lo.saturating_add(0xFFFF))).enumerate() {
                let u = base.saturating_add(i as u32);
                cmap.map.insert(
                    code,
                    char::from_u32(u).map(String::from).unwrap_or_default(),
                );
            }
        }
    }
    cmap
}

/// UTF-16BE hex (`00410042`) to text.
fn utf16_hex(hex: &str) -> String {
    let units: Vec<u16> = hex
        .as_bytes()
        .chunks(4)
        .filter_map(|c| u16::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
        .collect();
    String::from_utf16_lossy(&units)
}

/// One run of shown text at a position.
struct Run {
    x: f64,
    y: f64,
    size: f64,
    text: String,
}

/// The rows of one content stream: runs grouped by their baseline, top to bottom, left to right.
fn content_rows(stream: &[u8], fonts: &LiteMap<String, CMap>) -> Vec<String> {
    let runs = runs(stream, fonts);
    let mut rows: Vec<(f64, Vec<&Run>)> = Vec::new();
    for run in &runs {
        match rows
            .iter_mut()
            .find(|(y, _)| (y - run.y).abs() < run.size.max(1.0) * 0.4)
        {
            Some((_, row)) => row.push(run),
            None => rows.push((run.y, vec![run])),
        }
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    rows.into_iter()
        .map(|(_, mut row)| {
            row.sort_by(|a, b| a.x.total_cmp(&b.x));
            let mut line = String::new();
            let mut end = f64::MIN;
            for r in row {
                let text = r.text.trim();
                if text.is_empty() {
                    continue;
                }
                if !line.is_empty() {
                    // Far from where the previous run ended (estimated at half an em per
                    // character): another cell.
                    line.push_str(if r.x - end > r.size * 1.2 { "  " } else { " " });
                }
                line.push_str(text);
                end = r.x + r.size * 0.5 * r.text.chars().count() as f64;
            }
            line
        })
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// Text runs of a content stream, with their positions.
fn runs(stream: &[u8], fonts: &LiteMap<String, CMap>) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut operands: Vec<Operand> = Vec::new();
    let (mut x, mut y, mut line_x, mut line_y) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let (mut size, mut scale, mut leading) = (10.0f64, 1.0f64, 0.0f64);
    let mut font: Option<&CMap> = None;
    let mut fresh = true;
    let mut lexer = Lexer { s: stream, at: 0 };
    while let Some(tok) = lexer.next() {
        let op = match tok {
            Token::Operand(o) => {
                operands.push(o);
                if operands.len() > 64 {
                    operands.remove(0);
                }
                continue;
            }
            Token::Operator(op) => op,
        };
        let num = |i: usize| -> f64 {
            let k = operands.len().saturating_sub(i);
            match operands.get(k) {
                Some(Operand::Number(n)) => *n,
                _ => 0.0,
            }
        };
        match op.as_str() {
            "BT" => {
                (x, y, line_x, line_y) = (0.0, 0.0, 0.0, 0.0);
                fresh = true;
            }
            "Tf" => {
                size = num(1).abs().max(1.0);
                if let Some(Operand::Name(n)) =
                    operands.len().checked_sub(2).and_then(|k| operands.get(k))
                {
                    font = fonts.get(n);
                }
            }
            "TL" => leading = num(1),
            "Td" | "TD" => {
                if op == "TD" {
                    leading = -num(1);
                }
                line_x += num(2) * scale;
                line_y += num(1) * scale;
                (x, y) = (line_x, line_y);
                fresh = true;
            }
            "Tm" => {
                scale = num(6).abs().max(f64::MIN_POSITIVE);
                (line_x, line_y) = (num(2), num(1));
                (x, y) = (line_x, line_y);
                fresh = true;
            }
            "T*" => {
                line_y -= leading * scale;
                (x, y) = (line_x, line_y);
                fresh = true;
            }
            "Tj" | "'" | "\"" | "TJ" => {
                if op != "Tj" && op != "TJ" {
                    line_y -= leading * scale;
                    (x, y) = (line_x, line_y);
                    fresh = true;
                }
                let mut text = String::new();
                match operands.last() {
                    Some(Operand::Str(b)) => text.push_str(&show(b, font)),
                    Some(Operand::Array(items)) => {
                        for item in items {
                            match item {
                                Operand::Str(b) => text.push_str(&show(b, font)),
                                // A large backward kern is a word gap.
                                Operand::Number(n) if *n < -200.0 => text.push(' '),
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
                let eff = size * scale;
                match out.last_mut().filter(|_| !fresh) {
                    Some(run) => run.text.push_str(&text),
                    None => out.push(Run {
                        x,
                        y,
                        size: eff,
                        text,
                    }),
                }
                fresh = false;
            }
            _ => {}
        }
        operands.clear();
    }
    out
}

/// Text of a shown string through the font's map, else as WinAnsi.
fn show(bytes: &[u8], font: Option<&CMap>) -> String {
    match font.filter(|f| !f.map.is_empty()) {
        Some(f) => bytes
            .chunks(f.width)
            .map(|c| {
                let code = c.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
                f.map.get(&code).cloned().unwrap_or_default()
            })
            .collect(),
        None => bytes.iter().map(|b| win_ansi(*b)).collect(),
    }
}

/// WinAnsiEncoding: Latin-1 plus the CP1252 specials remittances use.
fn win_ansi(b: u8) -> char {
    match b {
        0x80 => '€',
        0x92 => '\'',
        0x96 | 0x97 => '-',
        0xA0 => ' ',
        _ => char::from(b),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Number(f64),
    Str(Vec<u8>),
    Name(String),
    Array(Vec<Operand>),
    Other,
}

enum Token {
    Operand(Operand),
    Operator(String),
}

/// A content-stream tokenizer: numbers, strings, names, arrays and operators.
struct Lexer<'a> {
    s: &'a [u8],
    at: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn next(&mut self) -> Option<Token> {
        self.skip_space();
        let c = self.peek()?;
        Some(match c {
            b'(' => Token::Operand(Operand::Str(self.literal())),
            b'<' if self.s.get(self.at + 1) == Some(&b'<') => {
                self.skip_dict();
                Token::Operand(Operand::Other)
            }
            b'<' => Token::Operand(Operand::Str(self.hex())),
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match self.peek() {
                        None => break,
                        Some(b']') => {
                            self.at += 1;
                            break;
                        }
                        _ => match self.next() {
                            Some(Token::Operand(o)) => items.push(o),
                            Some(Token::Operator(_)) => {}
                            None => break,
                        },
                    }
                    if items.len() > 4096 {
                        break;
                    }
                }
                Token::Operand(Operand::Array(items))
            }
            b'/' => {
                self.at += 1;
                Token::Operand(Operand::Name(self.word()))
            }
            b'0'..=b'9' | b'-' | b'+' | b'.' => {
                let w = self.word();
                Token::Operand(w.parse().map(Operand::Number).unwrap_or(Operand::Other))
            }
            b']' | b')' | b'>' | b'{' | b'}' => {
                self.at += 1;
                Token::Operand(Operand::Other)
            }
            _ => {
                let w = self.word();
                if w.is_empty() {
                    self.at += 1;
                }
                Token::Operator(w)
            }
        })
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if c == b'%' {
                while self.peek().is_some_and(|c| c != b'\n' && c != b'\r') {
                    self.at += 1;
                }
            } else if c.is_ascii_whitespace() || c == 0 {
                self.at += 1;
            } else {
                break;
            }
        }
    }

    fn word(&mut self) -> String {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| !c.is_ascii_whitespace() && !b"()<>[]{}/%".contains(&c))
        {
            self.at += 1;
        }
        String::from_utf8_lossy(self.s.get(start..self.at).unwrap_or(&[])).to_string()
    }

    fn skip_dict(&mut self) {
        match find(self.s, b">>", self.at) {
            Some(end) => self.at = end + 2,
            None => self.at = self.s.len(),
        }
    }

    fn literal(&mut self) -> Vec<u8> {
        self.at += 1;
        let mut out = Vec::new();
        let mut depth = 1;
        while let Some(c) = self.peek() {
            self.at += 1;
            match c {
                b'\\' => {
                    let Some(e) = self.peek() else { break };
                    self.at += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' | b'f' => {}
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.at += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xFF) as u8);
                        }
                        b'\r' | b'\n' => {}
                        other => out.push(other),
                    }
                }
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
        out
    }

    fn hex(&mut self) -> Vec<u8> {
        self.at += 1;
        let mut digits = Vec::new();
        while let Some(c) = self.peek() {
            self.at += 1;
            if c == b'>' {
                break;
            }
            if c.is_ascii_hexdigit() {
                digits.push(c);
            }
        }
        if digits.len() % 2 == 1 {
            digits.push(b'0');
        }
        digits
            .chunks(2)
            .filter_map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_uncompressed_content_stream() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<< /Length 80 >>\nstream\nBT /F1 10 Tf 50 700 Td (Invoice) Tj 150 0 Td (Amount) Tj ET\nBT 50 680 Td (INV-1001) Tj 150 0 Td (1,200.00) Tj ET\nendstream\nendobj\n%%EOF";
        let t = text(pdf);
        assert_eq!(t, "Invoice  Amount\nINV-1001  1,200.00\n");
    }

    #[test]
    fn ascii85_decodes() {
        assert_eq!(ascii85(b"<~87cURD]i,\"Ebo80~>").unwrap(), b"Hello World!");
    }

    #[test]
    fn not_a_pdf_gives_nothing() {
        assert_eq!(text(b"hello"), "");
    }
}
