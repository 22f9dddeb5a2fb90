//! JSON: a linear tokenizer (no recursion, so no depth limit) that yields each string value with
//! the key it belongs to. Invalid JSON is scanned as text by the caller.

use std::borrow::Cow;

use crate::detect::{Candidate, Segment};

/// Candidates for the JSON text `src`, or `None` when it is not JSON.
pub fn collect(src: &str, base: usize) -> Option<Vec<Candidate<'_>>> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    // Key of the member being read at each object depth.
    let mut keys: Vec<Option<String>> = Vec::new();
    let mut i = 0;
    let trimmed = src.trim_start_matches('\u{feff}').trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[') || trimmed.starts_with('"')) {
        return None;
    }
    while i < b.len() {
        match b[i] {
            b'{' | b'[' => {
                keys.push(None);
                i += 1;
            }
            b'}' | b']' => {
                keys.pop();
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
                    if let Some(top) = keys.last_mut() {
                        *top = Some(value.into_owned());
                    }
                } else if value.len() >= 8 {
                    let context = keys.last().cloned().flatten();
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
