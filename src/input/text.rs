//! Plain text, and the fallback for anything that does not parse: the whole text is one
//! candidate for keyword rules, and `name = value` / `name: "value"` pairs give named candidates
//! for the rules that need a name (generic secrets, AWS secret keys).

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::detect::Candidate;

fn assignment() -> &'static regex::bytes::Regex {
    static RE: OnceLock<regex::bytes::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::bytes::RegexBuilder::new(
            r#"([A-Za-z_$][A-Za-z0-9_$.\-]*)["']?[ \t]*(?:=|:|=>)[ \t]*(?:"([^"\r\n]{8,})"|'([^'\r\n]{8,})'|`([^`\r\n]{8,})`|([^\s"'`,;{}()<>\[\]]{12,}))"#,
        )
        .unicode(false)
        .build()
        .expect("assignment regex")
    })
}

/// Candidates for `src` (which starts at `base` in the scanned input).
pub fn collect(src: &str, base: usize) -> Vec<Candidate<'_>> {
    let mut out = vec![Candidate::exact(Cow::Borrowed(src), base, None, None)];
    for caps in assignment().captures_iter(src.as_bytes()) {
        let (Some(name), Some(value)) = (caps.get(1), caps.get(2).or(caps.get(3)).or(caps.get(4)).or(caps.get(5)))
        else {
            continue;
        };
        // Bounds checked here rather than as regex repetition counts, which compile slowly.
        if name.len() > 64 || value.len() > 256 {
            continue;
        }
        let (Some(name), Some(val)) = (src.get(name.start()..name.end()), src.get(value.start()..value.end())) else {
            continue;
        };
        if val.contains('\\') {
            // An escaped value (`"\u0041…"`): decoded, located as the whole value.
            let decoded = super::fast::decode_escapes(val);
            let len = decoded.len();
            out.push(Candidate {
                value: Cow::Owned(decoded),
                segments: vec![crate::detect::Segment {
                    val_start: 0,
                    val_end: len,
                    src_start: base + value.start(),
                    src_end: base + value.end(),
                    exact: false,
                }],
                context: Some(name.to_string()),
                call: None,
            });
        } else {
            out.push(Candidate::exact(Cow::Borrowed(val), base + value.start(), Some(name.to_string()), None));
        }
    }
    out
}

/// The name a value at `start` was assigned to in raw text, looking back a few bytes:
/// `apiKey: "…`, `KEY=…`, `"token":"…`.
pub fn context_before(src: &str, start: usize) -> Option<String> {
    let b = src.as_bytes();
    let mut i = start.min(b.len());
    let floor = start.saturating_sub(96);
    let skip = |i: &mut usize, set: &[u8]| {
        while *i > floor && set.contains(&b[*i - 1]) {
            *i -= 1;
        }
    };
    skip(&mut i, b"\"'` \t");
    if i <= floor || !matches!(b[i - 1], b'=' | b':') {
        return None;
    }
    i -= 1;
    skip(&mut i, b"\"'` \t");
    let end = i;
    while i > floor && (b[i - 1].is_ascii_alphanumeric() || matches!(b[i - 1], b'_' | b'$' | b'-' | b'.')) {
        i -= 1;
    }
    (end > i).then(|| src[i..end].to_string())
}
