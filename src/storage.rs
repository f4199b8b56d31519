//! The account object's own storage: typed values as JSON text (written by the `serde_json`
//! serialiser each type already has, rather than a `serde_wasm_bindgen` one: issue 12,
//! [`crate::js_json`]), flags and names as plain strings. Values are read raw, with
//! `getMultiple`, because a key holds either form: text, or the structured value `worker`'s
//! `put` wrote before.

use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::wasm_bindgen::JsValue;
use worker::Storage;

/// The raw value under `key` (`undefined` when absent).
async fn raw(storage: &Storage, key: &str) -> worker::Result<JsValue> {
    let values = storage.get_multiple(vec![key]).await?;
    Ok(values.get(&JsValue::from_str(key)))
}

/// Whether anything is stored under `key`.
pub async fn has(storage: &Storage, key: &str) -> worker::Result<bool> {
    Ok(!raw(storage, key).await?.is_undefined())
}

/// The text stored under `key`.
pub async fn text(storage: &Storage, key: &str) -> worker::Result<Option<String>> {
    Ok(raw(storage, key).await?.as_string())
}

/// Stores `value` as plain text (also the form of a flag: `put_text(key, "1")`).
pub async fn put_text(storage: &Storage, key: &str, value: &str) -> worker::Result<()> {
    storage.put_raw(key, JsValue::from_str(value)).await
}

/// The value under `key` as `T`: JSON text, or (written before issue 12) the structured value
/// `worker`'s `put` made of it, which `serde_wasm_bindgen` reads as it wrote it.
pub async fn get<T: DeserializeOwned>(storage: &Storage, key: &str) -> worker::Result<Option<T>> {
    let value = raw(storage, key).await?;
    if value.is_undefined() {
        return Ok(None);
    }
    let parsed = match value.as_string() {
        Some(text) => crate::js_json::parse(&text),
        None => crate::js_json::from_js(value),
    };
    parsed
        .map(Some)
        .map_err(|e| worker::Error::RustError(format!("stored {key} does not parse: {e}")))
}

/// Stores `value` under `key` as JSON text.
pub async fn put<T: Serialize>(storage: &Storage, key: &str, value: &T) -> worker::Result<()> {
    let text = serde_json::to_string(value).map_err(|e| worker::Error::RustError(e.to_string()))?;
    put_text(storage, key, &text).await
}
