//! Values handed to or taken from the runtime as JS objects (queue bodies, the object's older
//! storage), converted through JSON text: `serde_json` on our side, `JSON.parse`/`stringify` on
//! the runtime's. `worker`'s typed helpers use `serde_wasm_bindgen` instead, a second
//! (de)serialiser for each type beside the `serde_json` one it already has (issue 12).

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Number, Value};
use worker::js_sys::{self, Array, Object, JSON};
use worker::wasm_bindgen::{JsCast, JsValue};

/// `value` as a plain JS object (what `serde_wasm_bindgen` made of it, without maps).
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, String> {
    let text = serde_json::to_string(value).map_err(|e| e.to_string())?;
    JSON::parse(&text).map_err(|e| format!("{e:?}"))
}

/// A plain JS value (no `Map`s, no `undefined` that matters) as `T`.
pub fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<T, String> {
    let text: String = JSON::stringify(value).map_err(|e| format!("{e:?}"))?.into();
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// Any structured-clone value as JSON, with `Map`s as objects: what `serde_wasm_bindgen`
/// wrote (it stores maps as `Map`, which `JSON.stringify` would turn into `{}`).
pub fn structured(value: &JsValue) -> Value {
    if let Some(s) = value.as_string() {
        return Value::String(s);
    }
    if let Some(b) = value.as_bool() {
        return Value::Bool(b);
    }
    if let Some(n) = value.as_f64() {
        // Integers as integers, so that `u32`/`i64` fields read them back.
        return if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
            Value::from(n as i64)
        } else {
            Number::from_f64(n).map_or(Value::Null, Value::Number)
        };
    }
    if Array::is_array(value) {
        return Value::Array(Array::from(value).iter().map(|v| structured(&v)).collect());
    }
    let mut map = Map::new();
    if let Some(m) = value.dyn_ref::<js_sys::Map>() {
        m.for_each(&mut |v, k| {
            map.insert(k.as_string().unwrap_or_default(), structured(&v));
        });
    } else if value.is_object() {
        for entry in Object::entries(value.unchecked_ref()).iter() {
            let pair = Array::from(&entry);
            let v = pair.get(1);
            if !v.is_undefined() {
                map.insert(pair.get(0).as_string().unwrap_or_default(), structured(&v));
            }
        }
    } else {
        return Value::Null;
    }
    Value::Object(map)
}
