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
//!
//! Each hit is [`Evidence`]: where it is, so that a big file is parsed only in the statements
//! around it (`super::regions`).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use crate::detect::{self, Candidate, FileHints, QUOTES};

/// A multiply-rotate hash (as rustc's FxHash) for the per-quote look-ups of names, which SipHash
/// made 3% of a first scan of a 2 MB bundle. Keys are the file's own names and offsets, so
/// collision-flooding resistance buys nothing here.
#[derive(Default)]
struct FastHasher(u64);

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type BuildFastHasher = BuildHasherDefault<FastHasher>;

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

/// A place where the raw bytes show something a rule could report, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// The bytes to parse around: every string a rule could report here overlaps this range
    /// (a bare AWS secret key paired with a key ID starts in it).
    pub range: Range<usize>,
    /// What was seen.
    pub why: Why,
}

/// What the fast path saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    /// A rule matched the raw text.
    Raw(&'static str),
    /// A rule matched text hidden behind escapes.
    Escaped,
    /// A string assigned to a name some rule cares about.
    Assignment(String),
    /// Strings joined with `+` or `.concat(`.
    Joined,
}

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = self.range.start;
        match &self.why {
            Why::Raw(rule) => write!(f, "raw {rule} at {at}"),
            Why::Escaped => write!(f, "escaped text at {at}"),
            Why::Assignment(name) => write!(f, "assignment to {name} at {at}"),
            Why::Joined => write!(f, "joined strings at {at}"),
        }
    }
}

/// How far from an AWS access key ID a bare secret access key is paired with it (the caller's
/// pairing distance, between the starts of the two strings).
pub const AWS_PAIR_DISTANCE: usize = 4096;

/// Every place in `text` that could hold a finding (`all`), or the first one found; none means no
/// rule can report anything in `text`, which then needs no parse. A string a rule reports after
/// the parse overlaps one of these ranges: each check below looks at the strings the visitor
/// would make there (a literal, its name, its joined neighbours, its escapes).
pub fn evidence(text: &str, hints: FileHints, all: bool) -> Vec<Evidence> {
    let mut out = Vec::new();
    // 1. Every rule over the raw text: keyword rules where their keyword occurs. An AWS access key
    // ID also pairs with bare secret keys near it.
    let mut raw = Vec::new();
    detect::detect(&Candidate::exact(Cow::Borrowed(text), 0, None, None), hints, &mut raw);
    for h in raw.iter().take(if all { usize::MAX } else { 1 }) {
        let mut range = h.start..h.end.max(h.start + 1);
        if h.rule.id == "aws-access-key-id" {
            range = h.start.saturating_sub(AWS_PAIR_DISTANCE)..(h.start + AWS_PAIR_DISTANCE + 1).max(range.end);
        }
        out.push(Evidence { range, why: Why::Raw(h.rule.id) });
    }
    if !all && !out.is_empty() {
        return out;
    }
    // 2. Text behind escapes: the rules over each escaped region, decoded.
    escaped_hits(text, hints, all, &mut out);
    if !all && !out.is_empty() {
        return out;
    }
    // 3. Strings assigned to a secret-looking name.
    assignment_hits(text, hints, all, &mut out);
    if !all && !out.is_empty() {
        return out;
    }
    // 4. Joined strings: `"a" + "b"`, `"a".concat("b")`.
    joined_hits(text, hints, all, &mut out);
    out
}

/// Strings assigned to a secret-looking name. Every quote is looked at on its own (no skipping
/// of string bodies), so a stray quote in a regex or comment cannot hide the rest.
fn assignment_hits(text: &str, hints: FileHints, all: bool, out: &mut Vec<Evidence>) {
    let b = text.as_bytes();
    // Literals already judged for a name (quotes on both sides of a literal see the same name).
    let mut judged: HashSet<(usize, &str), BuildFastHasher> = HashSet::default();
    for q in memchr::memchr3_iter(b'"', b'\'', b'`', b) {
        // most quotes close a string: the byte before is none `name_before` can start from
        if q == 0 || !BEFORE_VALUE[usize::from(b[q - 1])] {
            continue;
        }
        let Some((ns, ne)) = name_before(b, q) else { continue };
        // Minified names are short; no rule cares about a name under three characters.
        if ne - ns < 3 {
            continue;
        }
        let name = &text[ns..ne];
        if !is_secret_name(name) {
            continue;
        }
        if let Some(end) = named_secret_assignment(text, q, (ns, ne), hints, &mut judged) {
            out.push(Evidence { range: ns..end, why: Why::Assignment(name.to_string()) });
            if !all {
                return;
            }
        }
    }
}

/// Names judged so far (by this thread): bundles share most of their names (`default`,
/// `prototype`, `exports`), and judging one costs a lower-cased copy and an automaton or two.
/// Emptied when full, so memory stays bounded whatever is scanned.
const VERDICTS_MAX: usize = 1 << 15;

thread_local! {
    static VERDICTS: std::cell::RefCell<HashMap<Box<str>, bool, BuildFastHasher>> = Default::default();
}

/// Is `name` one some context rule cares about (`detect::is_secret_context` of it, lower-cased)?
fn is_secret_name(name: &str) -> bool {
    VERDICTS.with(|v| {
        if let Some(&known) = v.borrow().get(name) {
            return known;
        }
        let verdict = detect::is_secret_context(&name.to_ascii_lowercase());
        let mut v = v.borrow_mut();
        if v.len() >= VERDICTS_MAX {
            v.clear();
        }
        v.insert(name.into(), verdict);
        verdict
    })
}

/// Joined strings: `"a" + "b"`, `"a".concat("b")`.
fn joined_hits(text: &str, hints: FileHints, all: bool, out: &mut Vec<Evidence>) {
    let b = text.as_bytes();
    // every `+` and every `.concat(`, in order (not every `.`: minified code has one every few
    // bytes, and each was a call on baseline code)
    let mut plus = memchr::memchr_iter(b'+', b).peekable();
    let mut concat = memchr::memmem::find_iter(b, b".concat(").peekable();
    let joins = std::iter::from_fn(|| match (plus.peek(), concat.peek()) {
        (Some(&p), Some(&c)) if c < p => concat.next(),
        (Some(_), _) => plus.next(),
        (None, _) => concat.next(),
    });
    for p in joins {
        let mut k = p;
        while k > 0 && matches!(b[k - 1], b' ' | b'\t' | b'\n' | b'\r') {
            k -= 1;
        }
        if k == 0 || !QUOTES.contains(&b[k - 1]) {
            continue;
        }
        let Some(open) = literal_before(b, k - 1) else { continue };
        if let Some(end) = joined_chain(text, open, k - 1, hints) {
            out.push(Evidence { range: open..end, why: Why::Joined });
            if !all {
                return;
            }
        }
    }
}

/// The escape at `b[i]` (a backslash) that can hide ASCII, decoded: `\xHH`, `\uHHHH`, `\u{H…}`,
/// `\/`; with how many bytes it takes. `None` for any other escape or a broken one.
fn escape_at(b: &[u8], i: usize) -> Option<(char, usize)> {
    let hex = |s: &[u8]| std::str::from_utf8(s).ok().and_then(|h| u32::from_str_radix(h, 16).ok());
    let (code, len) = match b.get(i + 1)? {
        b'x' if i + 4 <= b.len() => hex(&b[i + 2..i + 4]).map(|c| (c, 4)),
        b'u' if b.get(i + 2) == Some(&b'{') => {
            let close = b[i + 3..].iter().take(8).position(|&c| c == b'}');
            close.and_then(|n| hex(&b[i + 3..i + 3 + n]).map(|c| (c, n + 4)))
        }
        b'u' if i + 6 <= b.len() => hex(&b[i + 2..i + 6]).map(|c| (c, 6)),
        b'/' => Some((u32::from(b'/'), 2)),
        _ => None,
    }?;
    char::from_u32(code).map(|c| (c, len))
}

/// Decodes the JS escapes that can hide ASCII (`\xHH`, `\uHHHH`, `\u{H…}`, `\/`); other
/// escapes stay as they are, so a PEM body's `\n` still reads as it does in raw text.
pub(crate) fn decode_escapes(w: &str) -> String {
    let b = w.as_bytes();
    let mut out = String::with_capacity(w.len());
    // Text between backslashes is copied whole; a backslash always sits on a char boundary.
    let mut copied = 0;
    for i in memchr::memchr_iter(b'\\', b) {
        if i < copied {
            continue;
        }
        if let Some((c, len)) = escape_at(b, i) {
            out.push_str(&w[copied..i]);
            out.push(c);
            copied = i + len;
        }
    }
    out.push_str(&w[copied..]);
    out
}

/// Runs the rules over every region around escapes, decoded. Overlapping regions are merged,
/// so each byte is decoded and checked at most once. Each region with a hit is evidence.
fn escaped_hits(text: &str, hints: FileHints, all: bool, out: &mut Vec<Evidence>) {
    let b = text.as_bytes();
    // Back to the start of a literal that an escape sits in, forward over a whole PEM block.
    const BEFORE: usize = 256;
    const AFTER: usize = 4096;
    let mut escapes = memchr::memchr_iter(b'\\', b).filter(|&i| matches!(b.get(i + 1), Some(b'x' | b'u' | b'/'))).peekable();
    while let Some(first) = escapes.next() {
        let mut start = first.saturating_sub(BEFORE);
        let mut end = (first + AFTER).min(b.len());
        while let Some(&next) = escapes.peek() {
            if next > end {
                break;
            }
            end = (next + AFTER).min(b.len());
            escapes.next();
        }
        // whole characters: the window's edges move out to char boundaries
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let window = decode_escapes(&text[start..end]);
        if any_hit(&Candidate::exact(Cow::Owned(window), start, None, None), hints) {
            out.push(Evidence { range: start..end, why: Why::Escaped });
            if !all {
                return;
            }
        }
    }
}

/// The bytes `name_before` can find right before a value: the separators it accepts and the
/// ones it skips to reach them.
const BEFORE_VALUE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    let bytes = b" \t\n\r(!=:,?|&";
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
};

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
/// the rules over every string in the assigned expression. `Some(end)`: the end of the string
/// with a hit.
fn named_secret_assignment<'t>(
    text: &'t str,
    open: usize,
    (ns, ne): (usize, usize),
    hints: FileHints,
    judged: &mut HashSet<(usize, &'t str), BuildFastHasher>,
) -> Option<usize> {
    let b = text.as_bytes();
    // Every string literal up to the end of the expression (bounded): ternaries, `||`, calls.
    let mut i = open;
    let limit = (open + 1024).min(b.len());
    let mut depth = 0i32;
    // Four literals cover `a ? "x" : "y"` and `a || "x"`; more would make runs of named strings
    // quadratic (each quote would re-check every literal after it).
    let mut literals = 0;
    while i < limit && literals < 4 {
        match b[i] {
            c if QUOTES.contains(&c) => {
                literals += 1;
                let (s, e) = literal_at(b, i)?;
                if !judged.insert((s, &text[ns..ne])) {
                    i = e + 1;
                    continue;
                }
                if let Some(value) = text.get(s..e) {
                    let value = if value.contains('\\') { Cow::Owned(decode_escapes(value)) } else { Cow::Borrowed(value) };
                    let cand = Candidate::exact(value, s, Some(text[ns..ne].to_string()), None);
                    if any_hit(&cand, hints) {
                        return Some(e + 1);
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
    None
}

/// `"a" + "b"`, `"a".concat("b")`: a chain starting at this literal, joined and checked.
/// `Some(end)`: the chain has a hit and ends at `end`.
fn joined_chain(text: &str, open: usize, close: usize, hints: FileHints) -> Option<usize> {
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
    let mut next = next_part(close)?;
    let mut end = close + 1;
    let mut joined = String::from(&text[open + 1..close]);
    let mut parts = 1;
    loop {
        let Some((s, e)) = literal_at(b, next) else { break };
        joined.push_str(&text[s..e]);
        end = e + 1;
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
    any_hit(&Candidate::exact(Cow::Owned(joined), open + 1, context, None), hints).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::{decode_escapes, escape_at};

    /// The first decoder's loop, one character at a time: the oracle for the one that copies runs.
    fn decode_one_by_one(w: &str) -> String {
        let w = w.as_bytes();
        let mut out = String::new();
        let mut i = 0;
        while i < w.len() {
            if w[i] == b'\\' {
                if let Some((c, len)) = escape_at(w, i) {
                    out.push(c);
                    i += len;
                    continue;
                }
            }
            let len = match w[i] {
                0x00..=0x7f => 1,
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                _ => 4,
            };
            let end = (i + len).min(w.len());
            out.push_str(&String::from_utf8_lossy(&w[i..end]));
            i = end;
        }
        out
    }

    #[test]
    fn escapes_decode_as_one_character_at_a_time_did() {
        let cases = [
            (r"sk\x5flive", "sk_live"),
            (r"\u0073k_\u{6c}ive\/x", "sk_live/x"),
            (r"a\\x41", r"a\A"),
            (r"\uD83D\u0041", r"\uD83DA"),
            (r"\u{110000}\u{41}", r"\u{110000}A"),
            (r"end\x4", r"end\x4"),
            (r"end\", r"end\"),
            ("é\\x41ü\\n", "éAü\\n"),
        ];
        for (raw, want) in cases {
            assert_eq!(decode_escapes(raw), want, "{raw}");
        }
        // pseudo-random mixes of escapes, broken escapes and multi-byte characters
        let parts = [r"\x41", r"\x4", r"\u0042", r"\u{43}", r"\u{", r"\u{zz}", r"\/", r"\\", r"\n", "\\", "é", "日本", "a", "}", "0", "x"];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..(seed % 12) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(parts[(seed % parts.len() as u64) as usize]);
            }
            assert_eq!(decode_escapes(&s), decode_one_by_one(&s), "{s:?}");
        }
    }

    /// The thread's verdicts answer as the rules do, also after they were emptied for room.
    #[test]
    fn remembered_verdicts_stay_the_rules_verdicts() {
        use super::{is_secret_name, VERDICTS_MAX};
        let names = ["apiKey", "API_KEY", "prototype", "stripeSecretKey", "defaultValue", "clientSecret", "x"];
        let want: Vec<bool> = names.iter().map(|n| crate::detect::is_secret_context(&n.to_ascii_lowercase())).collect();
        assert!(want.iter().any(|&w| w) && want.iter().any(|&w| !w));
        for round in 0..VERDICTS_MAX * 2 + 3 {
            // many other names in between: the table fills and is emptied twice
            let filler = format!("name{round}");
            assert!(!is_secret_name(&filler));
            if round % 1000 == 0 || round > VERDICTS_MAX * 2 {
                for (n, &w) in names.iter().zip(&want) {
                    assert_eq!(is_secret_name(n), w, "{n} after {round} names");
                }
            }
        }
        super::VERDICTS.with(|v| assert!(v.borrow().len() <= VERDICTS_MAX));
    }
}
