//! `schema.sql` must be exactly the schema that `migrations/*.sql` produce.
//!
//! Every migration is applied in file-name order (as wrangler applies them) to one in-memory
//! SQLite database and `schema.sql` to another; both are then described the same way and the
//! descriptions compared:
//!
//! - per table: `PRAGMA table_xinfo` (column order, name, declared type, NOT NULL, default,
//!   primary-key position), `PRAGMA foreign_key_list`, and its SQL with comments, case and
//!   whitespace normalised away (catches CHECK, COLLATE, AUTOINCREMENT, UNIQUE that the pragmas
//!   do not show);
//! - per index (automatic ones included): `PRAGMA index_list` (unique, origin, partial) and
//!   `PRAGMA index_xinfo` (columns, order, collation), plus its normalised SQL (the partial
//!   index's WHERE clause);
//! - views and triggers: their normalised SQL;
//! - the rows of `schema_meta` (a migration adds one, so a forgotten update shows here too).
//!
//! Formatting and comments therefore do not matter; a missing column, a changed default or a
//! missing index does. A failure lists what only one side has.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rusqlite::types::Value;
use rusqlite::Connection;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The migration files in the order wrangler applies them (by file name).
fn migrations() -> Vec<PathBuf> {
    let dir = root().join("migrations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no migrations in {}", dir.display());
    files
}

fn apply(db: &Connection, path: &Path) {
    db.execute_batch(&read(path))
        .unwrap_or_else(|e| panic!("apply {}: {e}", path.display()));
}

fn from_migrations() -> Connection {
    let db = Connection::open_in_memory().expect("in-memory database");
    for file in migrations() {
        apply(&db, &file);
    }
    db
}

fn from_schema_sql() -> Connection {
    let db = Connection::open_in_memory().expect("in-memory database");
    apply(&db, &root().join("schema.sql"));
    db
}

/// One SQL value as text, distinguishing NULL from the string "NULL".
fn show(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Text(t) => format!("{t:?}"),
        Value::Blob(b) => format!("x'{}'", hex::encode(b)),
    }
}

/// Every row of `sql` as `"col=value col=value …"`, in the query's order.
fn rows(db: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = db
        .prepare(sql)
        .unwrap_or_else(|e| panic!("prepare {sql}: {e}"));
    let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
    let mapped = stmt
        .query_map([], |row| {
            let mut cells = Vec::with_capacity(names.len());
            for (i, name) in names.iter().enumerate() {
                cells.push(format!("{name}={}", show(&row.get::<_, Value>(i)?)));
            }
            Ok(cells.join(" "))
        })
        .unwrap_or_else(|e| panic!("query {sql}: {e}"));
    mapped
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("read {sql}: {e}"))
}

/// SQL with `--` and `/* */` comments removed, letters lower-cased, and whitespace collapsed and
/// dropped next to punctuation, outside string literals and quoted identifiers. So
/// `error TEXT\n, parsed TEXT` (what ALTER TABLE ADD COLUMN leaves in `sqlite_master`) and
/// `error TEXT,\n  parsed TEXT -- why` compare equal.
fn normalise_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    let mut pending_space = false;
    let punct = |c: char| "(),;=<>!+-*/|.".contains(c);
    while let Some(c) = chars.next() {
        match c {
            '-' if chars.peek() == Some(&'-') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                pending_space = true;
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for c in chars.by_ref() {
                    if prev == '*' && c == '/' {
                        break;
                    }
                    prev = c;
                }
                pending_space = true;
            }
            c if c.is_whitespace() => pending_space = true,
            '\'' | '"' | '`' | '[' => {
                if pending_space && !out.ends_with(punct) && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                let close = if c == '[' { ']' } else { c };
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    // A doubled quote inside a literal closes and reopens it: same text either way.
                    if d == close {
                        break;
                    }
                }
            }
            c => {
                if pending_space && !out.is_empty() && !punct(c) && !out.ends_with(punct) {
                    out.push(' ');
                }
                pending_space = false;
                out.extend(c.to_lowercase());
            }
        }
    }
    out
}

/// Everything about `db`'s schema that matters, one fact per line.
fn describe(db: &Connection) -> BTreeSet<String> {
    let mut facts = BTreeSet::new();
    let objects: Vec<(String, String, String, Option<String>)> = {
        let mut stmt = db
            .prepare(
                "SELECT type, name, tbl_name, sql FROM sqlite_master
                 WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
            )
            .expect("prepare sqlite_master");
        let listed = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("query sqlite_master");
        listed
            .collect::<Result<_, _>>()
            .expect("read sqlite_master")
    };
    for (kind, name, table, sql) in &objects {
        let sql = sql.as_deref().map(normalise_sql).unwrap_or_default();
        facts.insert(format!("{kind} {name} on {table}: {sql}"));
        if kind != "table" {
            continue;
        }
        for col in rows(db, &format!("PRAGMA table_xinfo(\"{name}\")")) {
            facts.insert(format!("table {name} column {col}"));
        }
        for fk in rows(db, &format!("PRAGMA foreign_key_list(\"{name}\")")) {
            facts.insert(format!("table {name} foreign key {fk}"));
        }
        // `seq` is the list position, which depends on creation order, not on the schema.
        let indexes = rows(
            db,
            &format!(
                "SELECT name, \"unique\", origin, partial FROM pragma_index_list('{name}') ORDER BY name"
            ),
        );
        for index in indexes {
            facts.insert(format!("table {name} index {index}"));
        }
        let index_names: Vec<String> = {
            let mut stmt = db
                .prepare("SELECT name FROM pragma_index_list(?1)")
                .expect("prepare index names");
            let names = stmt
                .query_map([name], |r| r.get(0))
                .expect("query index names");
            names.collect::<Result<_, _>>().expect("read index names")
        };
        for index in index_names {
            for col in rows(db, &format!("PRAGMA index_xinfo(\"{index}\")")) {
                facts.insert(format!("index {index} on {name} column {col}"));
            }
        }
    }
    for row in rows(
        db,
        "SELECT version, description FROM schema_meta ORDER BY version",
    ) {
        facts.insert(format!("schema_meta row {row}"));
    }
    facts
}

/// The difference between two descriptions, for a failure message (empty when equal).
fn difference(migrated: &BTreeSet<String>, file: &BTreeSet<String>) -> String {
    let mut report = String::new();
    for fact in migrated.difference(file) {
        report.push_str(&format!("  only from migrations: {fact}\n"));
    }
    for fact in file.difference(migrated) {
        report.push_str(&format!("  only in schema.sql:   {fact}\n"));
    }
    report
}

#[test]
fn schema_sql_is_what_the_migrations_produce() {
    let migrated = describe(&from_migrations());
    let file = describe(&from_schema_sql());
    let diff = difference(&migrated, &file);
    assert!(
        diff.is_empty(),
        "schema.sql differs from migrations/*.sql; update schema.sql with the new migration:\n{diff}"
    );
    // Not vacuous: the description has a fact for every column of a table the migrations alter.
    assert!(migrated
        .iter()
        .any(|f| f.starts_with("table accounts column ") && f.contains("out_of_office_until")));
}

/// The comparison notices the kinds of drift a forgotten schema.sql update leaves behind.
#[test]
fn comparison_detects_real_differences() {
    let reference = describe(&from_schema_sql());
    let drifts = [
        "ALTER TABLE accounts ADD COLUMN extra TEXT",
        "DROP INDEX payments_charge",
        "DROP INDEX tasks_step; CREATE UNIQUE INDEX tasks_step ON tasks (account_id, step_key)",
        "DROP INDEX invoices_number; CREATE INDEX invoices_number ON invoices (number DESC)",
        "ALTER TABLE settings DROP COLUMN updated_at",
        "CREATE TABLE extra (id TEXT PRIMARY KEY)",
        // The next version, whatever the migrations have reached.
        "INSERT INTO schema_meta (version, description) SELECT MAX(version) + 1, 'next' FROM schema_meta",
    ];
    for drift in drifts {
        let db = from_schema_sql();
        db.execute_batch(drift)
            .unwrap_or_else(|e| panic!("{drift}: {e}"));
        assert!(
            !difference(&reference, &describe(&db)).is_empty(),
            "not detected: {drift}"
        );
    }
}

#[test]
fn normalising_ignores_formatting_only() {
    assert_eq!(
        normalise_sql("CREATE TABLE t (\n  a TEXT -- why\n, b  INTEGER /* x */ NOT NULL)"),
        normalise_sql("create table t (a text,\n b integer not null)")
    );
    assert_ne!(
        normalise_sql("CREATE INDEX i ON t (a) WHERE b = 'x  y'"),
        normalise_sql("CREATE INDEX i ON t (a) WHERE b = 'x y'")
    );
    assert_ne!(
        normalise_sql("CREATE TABLE t (a TEXT NOT NULL)"),
        normalise_sql("CREATE TABLE t (a TEXT)")
    );
}
