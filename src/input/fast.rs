//! The fast path for JavaScript: decides from the raw bytes, in linear passes and without
//! parsing, whether the file could hold anything a rule reports. Most bundles hold nothing, and
//! for them the parse (the dominant cost) is skipped; when anything looks possible the caller
//! parses and the syntax tree decides, so findings are the same either way.
//!
//! "Possible" is judged generously. The file is parsed when any of these finds a hit:
//! - every rule run over the raw text (keyword rules only where their keyword occurs);
//! - every string literal assigned to a name some rule cares about (`password: "…"`,
//!   `headers.set("Authorization", "…")`), with every string in the assigned expression;
//! - every chain of string literals joined with `+` or `.concat(`, joined;
//! - escapes that hide ASCII inside a string (`\u0073`, `\x73`) or slashes in a URL (`:\/\/`).

use std::borrow::Cow;

use crate::detect::{self, Candidate, FileHints};

const QUOTES: &[u8] = b"\"'`";

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'-')
}

/// The string literal starting at the quote at `open`: its body's range (escapes kept).
fn literal_at(b: &[u8], open: usize) -> Option<(usize, usize)> {
    let q = *b.get(open)?;
    let mut i = open + 1;
    let limit = (open + 1 + 16 * 1024).min(b.len());
    while i < limit {
        match b[i] {
            b'\\' => i += 2,
            c if c == q => return Some((open + 1, i)),
            b'\n' if q != b'`' => return None,
            b'$' if q == b'`' && b.get(i + 1) == Some(&b'{') => return Some((open + 1, i)),
            _ => i += 1,
        }
    }
    None
}

/// The string literal ending at the quote at `close`: its opening quote, scanning back.
fn literal_before(b: &[u8], close: usize) -> Option<usize> {
    let q = *b.get(close)?;
    let floor = close.saturating_sub(16 * 1024);
    let mut i = close;
    while i > floor {
        i -= 1;
        if b[i] == q {
            // An escaped quote belongs to the string.
            let mut slashes = 0;
            while i > slashes && b[i - 1 - slashes] == b'\\' {
                slashes += 1;
            }
            if slashes % 2 == 0 {
                return Some(i);
            }
        }
        if b[i] == b'\n' && q != b'`' {
            return None;
        }
    }
    None
}

fn any_hit(cand: &Candidate<'_>, hints: FileHints) -> bool {
    let mut hits = Vec::new();
    detect::detect(cand, hints, &mut hits);
    !hits.is_empty()
}

/// Does `text` need parsing? `false` means no rule can report anything in it.
pub fn needs_parse(text: &str, hints: FileHints) -> bool {
    let b = text.as_bytes();
    // 1. Every rule over the raw text: keyword rules where their keyword occurs.
    if any_hit(&Candidate::exact(Cow::Borrowed(text), 0, None, None), hints) {
        return true;
    }
    // 2. Escapes hiding ASCII, and escaped slashes in URLs.
    if has_hiding_escape(b) {
        return true;
    }
    // 3. Strings assigned to a secret-looking name. Every quote is looked at on its own (no
    // skipping of string bodies), so a stray quote in a regex or comment cannot hide the rest.
    let mut verdicts: std::collections::HashMap<&str, bool> = std::collections::HashMap::new();
    for q in memchr_all(b, QUOTES) {
        let Some((ns, ne)) = name_before(b, q) else { continue };
        // Minified names are short; no rule cares about a name under three characters.
        if ne - ns < 3 {
            continue;
        }
        let name = &text[ns..ne];
        let secret = *verdicts.entry(name).or_insert_with(|| detect::is_secret_context(&name.to_ascii_lowercase()));
        if secret && named_secret_assignment(text, q, (ns, ne), hints) {
            return true;
        }
    }
    // 4. Joined strings: `"a" + "b"`, `"a".concat("b")`.
    for p in memchr_all(b, b"+.") {
        let is_join = if b[p] == b'+' { true } else { b[p..].starts_with(b".concat(") };
        if !is_join {
            continue;
        }
        let mut k = p;
        while k > 0 && matches!(b[k - 1], b' ' | b'\t' | b'\n' | b'\r') {
            k -= 1;
        }
        if k == 0 || !QUOTES.contains(&b[k - 1]) {
            continue;
        }
        let Some(open) = literal_before(b, k - 1) else { continue };
        if joined_chain(text, open, k - 1, hints) {
            return true;
        }
    }
    false
}

/// Positions of every byte in `set`.
fn memchr_all<'b>(b: &'b [u8], set: &'b [u8]) -> impl Iterator<Item = usize> + 'b {
    b.iter().enumerate().filter(move |(_, c)| set.contains(c)).map(|(i, _)| i)
}

/// `\u00XX` or `\xXX` escaping a printable ASCII character, or `:\/\/`.
fn has_hiding_escape(b: &[u8]) -> bool {
    let hex = |c: u8| c.is_ascii_hexdigit();
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'\\') {
        let p = i + off;
        let rest = &b[p + 1..];
        let printable = match rest {
            [b'u', b'0', b'0', h, l, ..] if hex(*h) && hex(*l) => (b'2'..=b'7').contains(h) && *h != b'7' || (*h == b'7' && *l != b'f'),
            [b'x', h, l, ..] if hex(*h) && hex(*l) => (b'3'..=b'7').contains(h) && !(*h == b'7' && *l == b'f'),
            [b'/', b'\\', b'/', ..] if p > 0 && b[p - 1] == b':' => true,
            _ => false,
        };
        if printable {
            return true;
        }
        i = p + 2;
    }
    false
}

/// The name a value at `at` is assigned to: `name = `, `name: `, `"name": `, or the first
/// argument of a setter call (`.set("Authorization", `).
fn name_before(b: &[u8], at: usize) -> Option<(usize, usize)> {
    let mut i = at;
    let floor = at.saturating_sub(128);
    while i > floor && matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r' | b'(' | b'!') {
        i -= 1;
    }
    if i == floor {
        return None;
    }
    let sep = b[i - 1];
    match sep {
        b'=' if i >= 2 && matches!(b[i - 2], b'=' | b'!' | b'<' | b'>') => return None,
        b'=' | b':' | b',' | b'?' | b'|' | b'&' => {}
        _ => return None,
    }
    i -= 1;
    // `a ?? "x"`, `a || "x"`: the assignment is further left; accept one hop.
    while i > floor && matches!(b[i - 1], b' ' | b'\t' | b'"' | b'\'' | b'`' | b'?' | b'|' | b'&' | b'>') {
        i -= 1;
    }
    let end = i;
    while i > floor && is_ident(b[i - 1]) {
        i -= 1;
    }
    (end > i).then_some((i, end))
}

/// A string whose assigned name (or setter header name) is one a context rule cares about: run
/// the rules over every string in the assigned expression.
fn named_secret_assignment(text: &str, open: usize, (ns, ne): (usize, usize), hints: FileHints) -> bool {
    let b = text.as_bytes();
    // Every string literal up to the end of the expression (bounded): ternaries, `||`, calls.
    let mut i = open;
    let limit = (open + 1024).min(b.len());
    let mut depth = 0i32;
    while i < limit {
        match b[i] {
            c if QUOTES.contains(&c) => {
                let Some((s, e)) = literal_at(b, i) else { return false };
                if let Some(value) = text.get(s..e) {
                    let cand = Candidate::exact(Cow::Borrowed(value), s, Some(text[ns..ne].to_string()), None);
                    if any_hit(&cand, hints) {
                        return true;
                    }
                }
                i = e + 1;
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth < 0 {
                    break;
                }
            }
            b';' | b'\n' => break,
            b',' if depth == 0 => break,
            _ => {}
        }
        i += 1;
    }
    false
}

/// `"a" + "b"`, `"a".concat("b")`: a chain starting at this literal, joined and checked.
fn joined_chain(text: &str, open: usize, close: usize, hints: FileHints) -> bool {
    let b = text.as_bytes();
    let next_part = |from: usize| -> Option<usize> {
        let mut i = from + 1;
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        if b.get(i) == Some(&b'+') {
            i += 1;
        } else if b[i..].starts_with(b".concat(") {
            i += 8;
        } else if b.get(i) == Some(&b',') && b[..open].ends_with(b".concat(") {
            i += 1;
        } else {
            return None;
        }
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        (i < b.len() && QUOTES.contains(&b[i])).then_some(i)
    };
    // Only chains that start here (the literal before is not joined to this one).
    let Some(mut next) = next_part(close) else { return false };
    let mut joined = String::from(&text[open + 1..close]);
    let mut parts = 1;
    loop {
        let Some((s, e)) = literal_at(b, next) else { break };
        joined.push_str(&text[s..e]);
        parts += 1;
        if parts > 64 {
            break;
        }
        match next_part(e) {
            Some(n) => next = n,
            None => break,
        }
    }
    let context = crate::input::text::context_before(text, open).or_else(|| name_before(b, open).map(|(s, e)| text[s..e].to_string()));
    any_hit(&Candidate::exact(Cow::Owned(joined), open + 1, context, None), hints)
}
