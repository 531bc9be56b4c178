//! Canonical JSON: the RFC 8785 (JCS) subset Sangam signs.
//!
//! Objects have their keys sorted by UTF-16 code units, there is no whitespace, strings are
//! escaped exactly as JCS says, and numbers are integers within ±(2^53 − 1) so that any
//! language's JSON library reads them exactly. Floats are refused: money is integer minor
//! units. The same bytes come out whatever order the keys went in.

use serde_json::Value;

/// Largest integer magnitude a record may carry (the IEEE-754 safe integer range).
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// Deepest nesting accepted in a record, so hostile input cannot exhaust the stack.
pub const MAX_DEPTH: usize = 32;

/// Why a value has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CanonicalError {
    /// A number that is not an integer in the safe range.
    #[error("number {0} is not an integer within ±(2^53 − 1)")]
    BadNumber(String),
    /// Nesting deeper than [`MAX_DEPTH`].
    #[error("nesting deeper than {MAX_DEPTH} levels")]
    TooDeep,
}

/// The canonical bytes of `value`.
pub fn to_canonical(value: &Value) -> Result<Vec<u8>, CanonicalError> {
    let mut out = Vec::with_capacity(256);
    write_value(value, &mut out, 0)?;
    Ok(out)
}

fn write_value(value: &Value, out: &mut Vec<u8>, depth: usize) -> Result<(), CanonicalError> {
    if depth > MAX_DEPTH {
        return Err(CanonicalError::TooDeep);
    }
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            let int = n
                .as_i64()
                .filter(|i| i.abs() <= MAX_SAFE_INTEGER)
                .ok_or_else(|| CanonicalError::BadNumber(n.to_string()))?;
            out.extend_from_slice(int.to_string().as_bytes());
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out, depth + 1)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            // JCS orders keys by their UTF-16 code units, not by UTF-8 bytes.
            entries.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
            out.push(b'{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(key, out);
                out.push(b':');
                write_value(item, out, depth + 1)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

/// Writes `s` as a JCS string: only `"`, `\\` and characters below U+0020 are escaped, so
/// every run of other bytes (UTF-8 included) is copied as it is.
pub(crate) fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut run = 0;
    for (at, &b) in bytes.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            b if b < 0x20 => {
                out.extend_from_slice(&bytes[run..at]);
                out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
                run = at + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[run..at]);
        out.extend_from_slice(escaped);
        run = at + 1;
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

/// Writes `value` canonically as a member `depth` levels down (for a writer that lays out
/// the levels above itself, as the record envelope does).
pub(crate) fn write_at_depth(
    value: &Value,
    out: &mut Vec<u8>,
    depth: usize,
) -> Result<(), CanonicalError> {
    write_value(value, out, depth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn canon(v: Value) -> String {
        String::from_utf8(to_canonical(&v).expect("canonical")).expect("utf-8")
    }

    #[test]
    fn sorts_keys_and_drops_whitespace() {
        assert_eq!(
            canon(json!({"b": [1, {"z": null, "a": true}], "a": "x"})),
            r#"{"a":"x","b":[1,{"a":true,"z":null}]}"#
        );
    }

    #[test]
    fn escapes_like_jcs() {
        assert_eq!(
            canon(json!("q\"b\\\n\t\u{1}\u{7f}é€/")),
            "\"q\\\"b\\\\\\n\\t\\u0001\u{7f}é€/\""
        );
    }

    #[test]
    fn orders_keys_by_utf16_code_units() {
        // U+FB01 sorts after U+1F600 in UTF-8 but before it in UTF-16 (surrogates D83D..).
        let v = json!({"\u{1F600}": 1, "\u{FB01}": 2});
        assert_eq!(canon(v), "{\"\u{1F600}\":1,\"\u{FB01}\":2}");
    }

    #[test]
    fn refuses_floats_and_unsafe_integers() {
        assert!(matches!(
            to_canonical(&json!(1.5)),
            Err(CanonicalError::BadNumber(_))
        ));
        assert!(to_canonical(&json!(MAX_SAFE_INTEGER)).is_ok());
        assert!(to_canonical(&json!(MAX_SAFE_INTEGER + 1)).is_err());
        assert!(to_canonical(&json!(u64::MAX)).is_err());
    }

    #[test]
    fn refuses_deep_nesting() {
        let mut v = json!(0);
        for _ in 0..40 {
            v = json!([v]);
        }
        assert_eq!(to_canonical(&v), Err(CanonicalError::TooDeep));
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).prop_map(|i| json!(i)),
            ".{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(".{0,6}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn canonical_bytes_parse_back_to_the_same_value(v in arb_json()) {
            let bytes = to_canonical(&v).expect("canonical");
            let back: Value = serde_json::from_slice(&bytes).expect("parses");
            prop_assert_eq!(&back, &v);
            prop_assert_eq!(to_canonical(&back).expect("canonical"), bytes);
        }
    }
}
