//! JSON: a linear tokenizer (no recursion, so no depth limit) that yields each string value with
//! the key it belongs to. Invalid JSON is scanned as text by the caller.

use std::borrow::Cow;

use crate::detect::{Candidate, Segment};

/// Most object levels whose member key is remembered at once. Deeper keys are not kept (their
/// values get no context); memory stays bounded however deep the nesting (a slot per bracket made
/// 200 MB of `[` run the `.wasm` out of memory).
const MAX_KEYED_LEVELS: usize = 4096;

/// Candidates for the JSON text `src`, or `None` when it is not JSON.
pub fn collect(src: &str, base: usize) -> Option<Vec<Candidate<'_>>> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    // Bracket depth, and the key of the member being read at the levels that have one (depths
    // increasing, the last one the deepest): arrays and levels past the bound take no slot.
    let mut depth: usize = 0;
    let mut keys: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    let trimmed = src.trim_start_matches('\u{feff}').trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[') || trimmed.starts_with('"')) {
        return None;
    }
    while i < b.len() {
        match b[i] {
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                if keys.last().is_some_and(|(d, _)| *d == depth) {
                    keys.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut escaped = false;
                while j < b.len() && b[j] != b'"' {
                    if b[j] == b'\\' {
                        escaped = true;
                        j += 1;
                    }
                    j += 1;
                }
                if j >= b.len() {
                    return None;
                }
                let raw = &src[start..j];
                let value: Cow<'_, str> = if escaped {
                    Cow::Owned(serde_json::from_str::<String>(&src[start - 1..=j]).ok()?)
                } else {
                    Cow::Borrowed(raw)
                };
                // A key is a string followed by `:`.
                let mut k = j + 1;
                while k < b.len() && b[k].is_ascii_whitespace() {
                    k += 1;
                }
                if k < b.len() && b[k] == b':' {
                    if keys.last().is_some_and(|(d, _)| *d == depth) {
                        if let Some((_, key)) = keys.last_mut() {
                            *key = value.into_owned();
                        }
                    } else if depth > 0 && keys.len() < MAX_KEYED_LEVELS {
                        keys.push((depth, value.into_owned()));
                    }
                } else if value.len() >= 8 {
                    let context = keys.last().filter(|(d, _)| *d == depth).map(|(_, key)| key.clone());
                    let exact = !escaped;
                    let len = value.len();
                    out.push(Candidate {
                        value,
                        segments: vec![Segment {
                            val_start: 0,
                            val_end: len,
                            src_start: base + start,
                            src_end: base + j,
                            exact,
                        }],
                        context,
                        call: None,
                    });
                }
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contexts(src: &str) -> Vec<(String, Option<String>)> {
        collect(src, 0).unwrap().into_iter().map(|c| (c.value.into_owned(), c.context)).collect()
    }

    #[test]
    fn values_carry_the_key_of_their_own_level() {
        let src = r#"{"a": "aaaaaaaa", "b": {"c": "cccccccc", "d": ["dddddddd"]}, "e": "eeeeeeee"}"#;
        assert_eq!(
            contexts(src),
            vec![
                ("aaaaaaaa".into(), Some("a".into())),
                ("cccccccc".into(), Some("c".into())),
                ("dddddddd".into(), None),
                ("eeeeeeee".into(), Some("e".into())),
            ]
        );
        assert_eq!(contexts(r#"["xxxxxxxx"]"#), vec![("xxxxxxxx".into(), None)]);
        assert_eq!(contexts(r#"[{"k": "xxxxxxxx"}, "yyyyyyyy"]"#), vec![("xxxxxxxx".into(), Some("k".into())), ("yyyyyyyy".into(), None)]);
    }

    #[test]
    fn deep_nesting_keeps_bounded_key_slots() {
        // keys past the bound are dropped; the levels above keep theirs
        let n = MAX_KEYED_LEVELS + 100;
        let src = format!(r#"{}"vvvvvvvv"{}, "top": "tttttttt"}}"#, r#"{"k": "#.repeat(n), "}".repeat(n - 1));
        let got = contexts(&src);
        assert_eq!(got, vec![("vvvvvvvv".into(), None), ("tttttttt".into(), Some("top".into()))]);
        // a million brackets: no key slot at all
        let src = format!("{}\"xxxxxxxx\"{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
        assert_eq!(contexts(&src), vec![("xxxxxxxx".into(), None)]);
    }
}
