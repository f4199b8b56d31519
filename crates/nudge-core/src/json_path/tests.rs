//! The locator against `serde_path_to_error` (the reference it replaces) on documents that fail
//! in every kind of place: scalars, nested objects, arrays, enums, missing fields, escaped keys,
//! several lines.

use serde::Deserialize;

use super::{from_str, PathError};

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Doc {
    id: String,
    amount: u32,
    #[serde(default)]
    status: Option<Status>,
    #[serde(default)]
    lines: Vec<Line>,
    #[serde(default)]
    meta: Option<Meta>,
    #[serde(default, rename = "odd \"key\"")]
    odd: Option<u8>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    Open,
    Paid,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Line {
    sku: String,
    qty: i64,
    #[serde(default)]
    tags: Vec<u8>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Meta {
    owner: Owner,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Owner {
    email: String,
}

/// What `serde_path_to_error` says, in [`PathError`]'s form.
fn reference(text: &str) -> PathError {
    let mut de = serde_json::Deserializer::from_str(text);
    let e = serde_path_to_error::deserialize::<_, Doc>(&mut de).unwrap_err();
    let path = e.path().to_string();
    PathError {
        path: if path == "." { String::new() } else { path },
        message: e.into_inner().to_string(),
    }
}

#[test]
fn agrees_with_serde_path_to_error() {
    let cases = [
        r#"{"id": 5, "amount": 1}"#,
        r#"{"id": "a", "amount": -1}"#,
        r#"{"id": "a", "amount": 1.5}"#,
        r#"{"id": "a", "amount": "1"}"#,
        r#"{"amount": 1}"#,
        r#"{"id": "a"}"#,
        r#"{"id": "a", "amount": 1, "status": "void"}"#,
        r#"{"id": "a", "amount": 1, "status": 3}"#,
        r#"{"id": "a", "amount": 1, "lines": [{"sku": "x", "qty": 1}, {"sku": 2, "qty": 1}]}"#,
        r#"{"id": "a", "amount": 1, "lines": [{"sku": "x", "qty": 1}, {"qty": 1}]}"#,
        r#"{"id": "a", "amount": 1, "lines": [{"sku": "x", "qty": 1, "tags": [1, 2, 300]}]}"#,
        r#"{"id": "a", "amount": 1, "lines": {"sku": "x"}}"#,
        r#"{"id": "a", "amount": 1, "lines": [1]}"#,
        r#"{"id": "a", "amount": 1, "meta": {"owner": {"email": null}}}"#,
        r#"{"id": "a", "amount": 1, "meta": {"owner": {}}}"#,
        r#"{"id": "a", "amount": 1, "meta": {"owner": []}}"#,
        r#"{"id": "a", "amount": 1, "odd \"key\"": -4}"#,
        r#"{"extra": {"nested": [1, {"a": "}"}]}, "id": "a", "amount": "x"}"#,
        "{\n  \"id\": \"a\",\n  \"amount\": 1,\n  \"lines\": [\n    {\"sku\": \"x\", \"qty\": \"many\"}\n  ]\n}",
        "[1, 2]",
        "\"text\"",
    ];
    for text in cases {
        assert_eq!(
            from_str::<Doc>(text).unwrap_err(),
            reference(text),
            "{text}"
        );
    }
}

#[test]
fn a_valid_document_parses() {
    let doc: Doc = from_str(r#"{"id": "a", "amount": 3, "status": "paid"}"#).unwrap();
    assert_eq!(doc.amount, 3);
    assert!(matches!(doc.status, Some(Status::Paid)));
}

mod random {
    use proptest::prelude::*;
    use serde_json::{Map, Value};

    use super::{from_str, reference, Doc};

    /// Any JSON, with keys mostly from `Doc`'s own vocabulary so that documents get deep into
    /// it before they fail.
    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-400i64..400).prop_map(Value::from),
            Just(Value::from(1.5)),
            "[a-z\"\\\\{}:,]{0,4}".prop_map(Value::from),
            prop::sample::select(vec!["open", "paid", "void"]).prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(
                    (
                        prop::sample::select(vec![
                            "id",
                            "amount",
                            "status",
                            "lines",
                            "meta",
                            "owner",
                            "email",
                            "sku",
                            "qty",
                            "tags",
                            "odd \"key\"",
                            "x",
                        ]),
                        inner
                    ),
                    0..6
                )
                .prop_map(|kv| Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<_, _>>()
                )),
            ]
        })
    }

    proptest! {
        #[test]
        fn agrees_with_serde_path_to_error_on_any_document(doc in json(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&doc).unwrap()
            } else {
                serde_json::to_string(&doc).unwrap()
            };
            // The same message, and the same field or one inside it: where serde reads a
            // wrong value's first element before failing (`"status": [null]` for an enum),
            // the locator names the element, `serde_path_to_error` the field.
            if let Err(e) = from_str::<Doc>(&text) {
                let want = reference(&text);
                prop_assert_eq!(&e.message, &want.message, "{}", text);
                let inside = e.path == want.path
                    || e.path.strip_prefix(&want.path).is_some_and(|r| {
                        !want.path.is_empty() && (r.starts_with('[') || r.starts_with('.'))
                    });
                prop_assert!(inside, "{} vs {} in {}", e.path, want.path, text);
            }
        }
    }
}
