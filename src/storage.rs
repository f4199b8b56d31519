//! The account object's own storage: typed values as JSON text, flags and names as plain
//! strings. Values are read with `getMultiple` (which hands back the raw JS values) rather than
//! `worker`'s `get::<T>`, which parses through `serde_wasm_bindgen` (issue 12, [`crate::js_json`]).

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
/// `worker`'s `put` made of it.
pub async fn get<T: DeserializeOwned>(storage: &Storage, key: &str) -> worker::Result<Option<T>> {
    let value = raw(storage, key).await?;
    if value.is_undefined() {
        return Ok(None);
    }
    let text = match value.as_string() {
        Some(text) => text,
        None => crate::js_json::structured(&value).to_string(),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| worker::Error::RustError(format!("stored {key} does not parse: {e}")))
}

/// Stores `value` under `key` as JSON text.
pub async fn put<T: Serialize>(storage: &Storage, key: &str, value: &T) -> worker::Result<()> {
    let text = serde_json::to_string(value).map_err(|e| worker::Error::RustError(e.to_string()))?;
    put_text(storage, key, &text).await
}
