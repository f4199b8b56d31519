//! A check, run with the unit tests, that SQL is never built from values: in `src/store/` every
//! `format!` whose text is SQL may interpolate only upper-case constants of the same file that are
//! string literals themselves (`{COLUMNS}`), never a value; and no file outside `src/store/`
//! holds SQL or prepares a statement. Values always travel as bound parameters (`?1`).

use std::path::{Path, PathBuf};

const SQL_WORDS: &[&str] = &[
    "SELECT ", "INSERT ", "UPDATE ", "DELETE ", " WHERE ", " FROM ", "VALUES",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literal starting at `s` (after optional whitespace): `"…"` or `r"…"`/`r#"…"#`.
fn literal(s: &str) -> Option<String> {
    let s = s.trim_start();
    if let Some(rest) = s.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(n) = chars.next() {
                        out.push('\\');
                        out.push(n);
                    }
                }
                '"' => return Some(out),
                c => out.push(c),
            }
        }
        return None;
    }
    let rest = s.strip_prefix('r')?;
    let hashes = rest.chars().take_while(|c| *c == '#').count();
    let body = rest.get(hashes..)?.strip_prefix('"')?;
    let end = format!("\"{}", "#".repeat(hashes));
    body.find(&end).map(|i| body[..i].to_string())
}

/// The names interpolated by a format string (`{COLUMNS}`, `{}`, `{x:?}` → "COLUMNS", "", "x").
fn placeholders(fmt: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = fmt;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        if let Some(a) = after.strip_prefix('{') {
            rest = a;
            continue;
        }
        let end = after.find('}').unwrap_or(after.len());
        let name = after[..end]
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        out.push(name);
        rest = after.get(end + 1..).unwrap_or("");
    }
    out
}

/// SQL as this project writes it: upper-case keywords (prose is not SQL).
fn is_sql(text: &str) -> bool {
    SQL_WORDS.iter().filter(|w| text.contains(**w)).count() >= 2
}

/// Upper-case constants defined as a single string literal in `source` (`const COLUMNS: &str =
/// "…";`, the literal possibly spanning lines).
fn literal_consts(source: &str) -> Vec<String> {
    source
        .match_indices("const ")
        .filter_map(|(i, _)| {
            let rest = &source[i + "const ".len()..];
            let (name, after) = rest.split_once(':')?;
            let name = name.trim();
            let after = after.trim_start().strip_prefix("&str")?.trim_start();
            let value = after.strip_prefix('=')?;
            let upper = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            (upper && literal(value).is_some()).then(|| name.to_string())
        })
        .collect()
}

/// Problems found in one file of `src/store/`.
fn check_store_file(name: &str, source: &str) -> Vec<String> {
    let consts = literal_consts(source);
    let mut problems = Vec::new();
    for (i, _) in source.match_indices("format!(") {
        let Some(fmt) = literal(&source[i + "format!(".len()..]) else {
            continue;
        };
        if !is_sql(&fmt) {
            continue;
        }
        for p in placeholders(&fmt) {
            if p.is_empty() || !consts.contains(&p) {
                problems.push(format!("{name}: SQL format! interpolates `{{{p}}}`: {fmt}"));
            }
        }
    }
    problems
}

/// Problems found in a file outside `src/store/`.
fn check_other_file(name: &str, source: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if source.contains(".prepare(") {
        problems.push(format!("{name}: prepares a statement outside src/store"));
    }
    for (i, _) in source.match_indices('"') {
        if let Some(text) = literal(&source[i..]) {
            let t = text.trim_start();
            if ["SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM"]
                .iter()
                .any(|k| t.starts_with(k))
                && is_sql(&text)
            {
                problems.push(format!("{name}: SQL outside src/store: {text}"));
            }
        }
    }
    problems
}

#[test]
fn sql_is_never_built_from_values() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = Vec::new();
    let mut sql_formats = 0;
    for path in &files {
        let source = std::fs::read_to_string(path).expect("read source");
        let name = path
            .strip_prefix(&src)
            .unwrap_or(path)
            .display()
            .to_string();
        if name.ends_with("sql_check.rs") {
            continue;
        }
        if path.starts_with(src.join("store")) {
            sql_formats += source
                .match_indices("format!(")
                .filter_map(|(i, _)| literal(&source[i + "format!(".len()..]))
                .filter(|f| is_sql(f))
                .count();
            problems.extend(check_store_file(&name, &source));
        } else {
            problems.extend(check_other_file(&name, &source));
        }
    }
    // src/store has a few `format!("SELECT {COLUMNS} …")`: the check must see them.
    assert!(
        sql_formats >= 3,
        "the check found {sql_formats} SQL format!s: is it looking?"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_catches_values_in_sql() {
    let bad = r#"fn f(id: &str) { stmt(db, &format!("SELECT * FROM t WHERE id = '{id}'"), &[]) }"#;
    assert_eq!(check_store_file("x.rs", bad).len(), 1);
    let positional = r#"let q = format!("DELETE FROM t WHERE a = {}", a);"#;
    assert_eq!(check_store_file("x.rs", positional).len(), 1);
    let unknown_const = r#"let q = format!("SELECT {COLS} FROM t WHERE a = ?1");"#;
    assert_eq!(check_store_file("x.rs", unknown_const).len(), 1);
    let good =
        "const COLS: &str = \"a, b\";\nlet q = format!(\"SELECT {COLS} FROM t WHERE a = ?1\");";
    assert!(check_store_file("x.rs", good).is_empty());
    let not_sql = r#"let m = format!("no payment `{id}` on this account");"#;
    assert!(check_store_file("x.rs", not_sql).is_empty());
    assert_eq!(
        check_other_file("h.rs", r#"db.prepare("SELECT 1")"#).len(),
        1
    );
    assert_eq!(
        check_other_file("h.rs", r#"let q = "SELECT id FROM accounts WHERE x = ?1";"#).len(),
        1
    );
    assert!(check_other_file("h.rs", r#"let s = "Select an account from the list";"#).is_empty());
}
