//! JSON across the runtime boundary. Written with `serde_json` (`to_string`); read by the
//! runtime's `JSON.parse` and `serde_wasm_bindgen`, whose code per type is a fraction of
//! `serde_json`'s (it calls into JS for each value instead of inlining a parser into every
//! visitor): the object's commands and answers, its storage and the queue's messages are read
//! so (issue 12, BENCHMARKS.md). Request bodies and stored ledger rows stay on `serde_json`,
//! which names the failing field, and whose code those types need anyway.

use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::js_sys::JSON;
use worker::wasm_bindgen::JsValue;

/// `value` as a plain JS object (what `serde_wasm_bindgen` made of it, without maps).
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, String> {
    let text = serde_json::to_string(value).map_err(|e| e.to_string())?;
    JSON::parse(&text).map_err(|e| format!("{e:?}"))
}

/// A JS value as `T`.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, String> {
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}

/// JSON text as `T`, parsed by the runtime's `JSON.parse` and read by `serde_wasm_bindgen`.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    from_js(JSON::parse(text).map_err(|e| format!("{e:?}"))?)
}
