//! Webhook bodies as JSON text.

/// `body` as UTF-8 text, to parse with `serde_json::from_str`.
///
/// Every other JSON of the worker is parsed from `&str`; parsing these bodies from `&[u8]`
/// (`from_slice`) compiled a second copy of serde_json's parser and of every type read through
/// it (issue 12). JSON is UTF-8, so a body that is not is not JSON either: the error says where
/// the bad byte is, in serde_json's words.
pub(crate) fn text(body: &[u8]) -> Result<&str, serde_json::Error> {
    std::str::from_utf8(body).map_err(|e| {
        <serde_json::Error as serde::de::Error>::custom(format!(
            "invalid UTF-8 at byte {}",
            e.valid_up_to()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn utf8_passes_and_other_bytes_name_their_offset() {
        assert_eq!(text(br#"{"a":"\u00e9"}"#).unwrap(), r#"{"a":"\u00e9"}"#);
        assert_eq!(text("{\"a\":\"é\"}".as_bytes()).unwrap(), "{\"a\":\"é\"}");
        let err = text(b"{\"a\":\"\xff\"}").unwrap_err();
        assert_eq!(err.to_string(), "invalid UTF-8 at byte 6");
    }
}
