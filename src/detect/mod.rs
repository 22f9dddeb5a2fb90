//! The detection engine. Cheapest first: one Aho-Corasick automaton over every rule's keywords
//! picks the rules worth running on a string, then each rule's regex, then its validator
//! (randomness floor, checksum, JWT claims, PEM structure).

pub mod entropy;
pub mod validate;

use std::borrow::Cow;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::finding::Severity;
use crate::rules::{self, Rule};
use entropy::{is_placeholder, is_uuid, looks_like_words, randomness};

/// A set of rule indices (up to 512 rules).
#[derive(Default)]
struct RuleSet([u64; 8]);

impl RuleSet {
    fn insert(&mut self, i: usize) {
        self.0[(i / 64) % 8] |= 1 << (i % 64);
    }
    fn contains(&self, i: usize) -> bool {
        self.0[(i / 64) % 8] & (1 << (i % 64)) != 0
    }
    fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
}

/// A run of a candidate's value that maps onto the source.
#[derive(Clone, Copy, Debug)]
pub struct Segment {
    /// Start of the run in the candidate's value.
    pub val_start: usize,
    /// End of the run in the candidate's value.
    pub val_end: usize,
    /// Start of the run's text in the source.
    pub src_start: usize,
    /// End of the run's text in the source.
    pub src_end: usize,
    /// The value's bytes are the source's bytes (no escapes): offsets map one to one.
    pub exact: bool,
}

/// A string worth checking, with what the code around it says about it.
#[derive(Clone, Debug)]
pub struct Candidate<'a> {
    /// The string's value (escapes decoded, concatenations joined).
    pub value: Cow<'a, str>,
    /// How the value maps back onto the source.
    pub segments: Vec<Segment>,
    /// The nearest name: `apiKey`, `headers.Authorization`, `STRIPE_KEY`.
    pub context: Option<String>,
    /// The enclosing call: `new Stripe`, `initializeApp`.
    pub call: Option<String>,
}

impl<'a> Candidate<'a> {
    /// A candidate whose value is exactly the source text at `src_start`.
    pub fn exact(value: Cow<'a, str>, src_start: usize, context: Option<String>, call: Option<String>) -> Self {
        let len = value.len();
        Candidate {
            value,
            segments: vec![Segment { val_start: 0, val_end: len, src_start, src_end: src_start + len, exact: true }],
            context,
            call,
        }
    }

    /// Maps a byte range of the value onto the source.
    pub fn map(&self, start: usize, end: usize) -> (usize, usize) {
        let locate = |v: usize, is_end: bool| -> usize {
            let seg = self
                .segments
                .iter()
                .find(|s| if is_end { v > s.val_start && v <= s.val_end } else { v >= s.val_start && v < s.val_end })
                .or_else(|| if is_end { self.segments.last() } else { self.segments.first() });
            match seg {
                Some(s) if s.exact => s.src_start + (v - s.val_start),
                Some(s) => {
                    if is_end {
                        s.src_end
                    } else {
                        s.src_start
                    }
                }
                None => 0,
            }
        };
        let s = locate(start, false);
        let e = locate(end, true).max(s);
        (s, e)
    }
}

/// A rule that fired, before it becomes a finding.
#[derive(Clone, Debug)]
pub struct Hit {
    /// The rule (after relabelling: a JWT becomes `supabase-service-role-key`).
    pub rule: &'static Rule,
    /// Severity after validators (an expired JWT is a warning).
    pub severity: Severity,
    /// Source byte range of the secret.
    pub start: usize,
    /// End of the source byte range.
    pub end: usize,
    /// The secret's value.
    pub secret: String,
    /// Name it was assigned to.
    pub context: Option<String>,
    /// Enclosing call.
    pub call: Option<String>,
    /// Extra sentence for the message ("The token expired on ...").
    pub detail: Option<String>,
    /// The environment variable the value came from.
    pub env_var: Option<String>,
}

/// What the engine needs to know about the whole file.
#[derive(Default, Clone, Copy)]
pub struct FileHints {
    /// The file mentions `service_account`: a private key in it is a GCP service-account key.
    pub service_account: bool,
    /// Seconds since the epoch, for JWT expiry.
    pub now_secs: Option<f64>,
    /// Nesting limit for parsing JavaScript.
    pub max_depth: usize,
    /// Skip parsing JavaScript whose raw bytes show nothing a rule could report.
    pub fast_path: bool,
    /// JavaScript at least this long is parsed only around what the raw bytes show.
    pub region_from: usize,
}

struct Compiled {
    rules: &'static [&'static Rule],
    /// The keywords as a contiguous NFA: builds in a third of the DFA's time, for a first
    /// small file (start-up is on every build's path).
    keywords_nfa: AhoCorasick,
    /// The same keywords as a DFA: one table step per byte, several times faster on raw bundles;
    /// built on the first value of `DFA_FROM` bytes, and used for everything after.
    keywords_dfa: OnceLock<aho_corasick::dfa::DFA>,
    words: Vec<&'static str>,
    /// For each keyword pattern, the rules it selects.
    keyword_rules: Vec<Vec<usize>>,
    /// Rules run on every string (no keyword, no context).
    always: Vec<usize>,
    /// Rules selected by their context regex.
    by_context: Vec<usize>,
    regexes: Vec<OnceLock<Option<regex::bytes::Regex>>>,
    /// How far each rule's match reaches around its keyword (see `WINDOWED`).
    reach: Vec<OnceLock<Reach>>,
    /// The context regexes of `by_context`, in that order, as one set: a name is matched once.
    /// Built on the first name that is looked at.
    contexts: OnceLock<regex_automata::meta::Regex>,
    /// Literals one of which every match of every context regex holds (`secret`, `twilio`, …):
    /// a name without any is no rule's context, and never reaches `contexts`. `None` when some
    /// context regex has no such literal. Most names hold none, and the contexts' lazy DFA built
    /// its states for every new name (80-180 ms of each cold `.wasm` instance over the corpus).
    context_anchors: OnceLock<Option<AhoCorasick>>,
    /// Names that say a value is not a secret (built on first use: only generic rules ask).
    not_secret_context: OnceLock<regex::bytes::Regex>,
}

fn compiled() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        let rules = rules::all();
        let mut words: Vec<&'static str> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        let mut by_context = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            if r.pattern.is_empty() {
                continue;
            }
            if let Some(_) = r.context {
                by_context.push(i);
            } else if r.keywords.is_empty() {
                always.push(i);
            }
            for kw in r.keywords {
                match words.iter().position(|w| w == kw) {
                    Some(p) => keyword_rules[p].push(i),
                    None => {
                        words.push(kw);
                        keyword_rules.push(vec![i]);
                    }
                }
            }
        }
        let keywords_nfa = keyword_nfa(&words);
        Compiled {
            rules,
            keywords_nfa,
            keywords_dfa: OnceLock::new(),
            words,
            keyword_rules,
            always,
            by_context,
            regexes: rules.iter().map(|_| OnceLock::new()).collect(),
            reach: rules.iter().map(|_| OnceLock::new()).collect(),
            contexts: OnceLock::new(),
            context_anchors: OnceLock::new(),
            not_secret_context: OnceLock::new(),
        }
    })
}

fn keyword_nfa(words: &[&str]) -> AhoCorasick {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(words)
        .expect("keywords build")
}

fn keyword_dfa(words: &[&str]) -> aho_corasick::dfa::DFA {
    aho_corasick::dfa::Builder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(words)
        .expect("keywords build")
}

/// Values from this long on build (and then always use) the keywords' DFA.
const DFA_FROM: usize = 16 * 1024;

/// Haystacks from this long on are walked in `LANES` parts at once.
const LANES_FROM: usize = 4 * 1024;
const LANES: usize = 4;

/// Overlapping keyword search with the DFA, in `LANES` parts of `hay` at once. One walk is a
/// chain of dependent loads (each state needs the last); walks over separate parts overlap their
/// loads. A part's walk starts fresh at its first byte (so it sees the keywords that start in
/// it), goes on past its end by the longest keyword less one (so it finishes those that start in
/// it), and keeps only keywords that start in it: each occurrence is reported once, by its part.
pub(crate) fn walk_lanes(dfa: &aho_corasick::dfa::DFA, hay: &[u8], mut place: impl FnMut(usize, usize, usize)) {
    use aho_corasick::automaton::Automaton;
    use aho_corasick::Anchored;
    let Ok(start) = dfa.start_state(Anchored::No) else { return };
    let n = hay.len();
    let lanes = if n >= LANES_FROM { LANES } else { 1 };
    let part = n / lanes;
    let reach = dfa.max_pattern_len().saturating_sub(1);
    let lo: [usize; LANES] = std::array::from_fn(|i| (i * part).min(n));
    let keep: [usize; LANES] = std::array::from_fn(|i| if i + 1 >= lanes { n } else { (i + 1) * part });
    let hi: [usize; LANES] = std::array::from_fn(|i| if i < lanes { (keep[i] + reach).min(n) } else { lo[i] });
    let mut report = |sid, end: usize, keep: usize| {
        if dfa.is_match(sid) {
            for j in 0..dfa.match_len(sid) {
                let p = dfa.match_pattern(sid, j);
                let start = end - dfa.pattern_len(p);
                if start < keep {
                    place(p.as_usize(), start, end);
                }
            }
        }
    };
    let mut sid = [start; LANES];
    // all lanes together as far as the shortest goes, then each on its own
    let together = (0..lanes).map(|i| hi[i] - lo[i]).min().unwrap_or(0);
    if lanes == LANES {
        // written out by hand: the `.wasm` is built for size, which unrolls nothing
        let lane = |i: usize| &hay[lo[i]..lo[i] + together];
        let (h0, h1, h2, h3) = (lane(0), lane(1), lane(2), lane(3));
        let [mut s0, mut s1, mut s2, mut s3] = sid;
        for k in 0..together {
            s0 = dfa.next_state(Anchored::No, s0, h0[k]);
            s1 = dfa.next_state(Anchored::No, s1, h1[k]);
            s2 = dfa.next_state(Anchored::No, s2, h2[k]);
            s3 = dfa.next_state(Anchored::No, s3, h3[k]);
            if dfa.is_special(s0) | dfa.is_special(s1) | dfa.is_special(s2) | dfa.is_special(s3) {
                for (i, s) in [s0, s1, s2, s3].into_iter().enumerate() {
                    if dfa.is_special(s) {
                        report(s, lo[i] + k + 1, keep[i]);
                    }
                }
            }
        }
        sid = [s0, s1, s2, s3];
    }
    let done = if lanes == LANES { together } else { 0 };
    for i in 0..lanes {
        for at in lo[i] + done..hi[i] {
            sid[i] = dfa.next_state(Anchored::No, sid[i], hay[at]);
            if dfa.is_special(sid[i]) {
                report(sid[i], at + 1, keep[i]);
            }
        }
    }
}

impl Compiled {
    /// Every keyword occurrence in `hay` (overlapping), as (pattern, start, end), in no set order.
    fn keyword_places(&self, hay: &[u8], mut place: impl FnMut(usize, usize, usize)) {
        let dfa = if hay.len() >= DFA_FROM {
            Some(self.keywords_dfa.get_or_init(|| keyword_dfa(&self.words)))
        } else {
            self.keywords_dfa.get()
        };
        match dfa {
            Some(dfa) => walk_lanes(dfa, hay, place),
            None => {
                for m in self.keywords_nfa.find_overlapping_iter(hay) {
                    place(m.pattern().as_usize(), m.start(), m.end());
                }
            }
        }
    }

    /// One automaton for every name rule; no captures, no one-pass or backtracking engines: it
    /// builds in a quarter of a RegexSet's time.
    fn contexts(&self) -> &regex_automata::meta::Regex {
        self.contexts.get_or_init(|| {
            let patterns: Vec<&str> = self.by_context.iter().map(|&r| self.rules[r].context.unwrap_or("")).collect();
            regex_automata::meta::Regex::builder()
                .syntax(regex_automata::util::syntax::Config::new().unicode(false).utf8(false))
                .configure(
                    regex_automata::meta::Config::new()
                        .match_kind(regex_automata::MatchKind::All)
                        .auto_prefilter(false)
                        .which_captures(regex_automata::nfa::thompson::WhichCaptures::None)
                        .onepass(false)
                        .backtrack(false),
                )
                .build_many(&patterns)
                .expect("context regexes")
        })
    }

    /// Can some context regex match `leaf`? False when `leaf` holds none of their anchors.
    fn may_be_context(&self, leaf: &[u8]) -> bool {
        let anchors = self.context_anchors.get_or_init(|| {
            let mut words: Vec<Vec<u8>> = Vec::new();
            for &r in &self.by_context {
                let pattern = self.rules[r].context.unwrap_or("");
                let hir = regex_syntax::ParserBuilder::new().unicode(false).utf8(false).build().parse(pattern).ok()?;
                words.extend(necessary_literals(&hir)?);
            }
            words.sort();
            words.dedup();
            AhoCorasick::builder().match_kind(MatchKind::Standard).build(&words).ok()
        });
        anchors.as_ref().is_none_or(|ac| ac.is_match(leaf))
    }
}

/// Literals one of which every match of `hir` holds, or `None` when there are none to name (a
/// part that may be empty, a class, a look-around) or too many.
fn necessary_literals(hir: &regex_syntax::hir::Hir) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::HirKind;
    const MAX: usize = 64;
    match hir.kind() {
        HirKind::Literal(l) => Some(vec![l.0.to_vec()]),
        HirKind::Capture(cap) => necessary_literals(&cap.sub),
        HirKind::Repetition(r) if r.min > 0 => necessary_literals(&r.sub),
        // the part with the rarest literals: the longest shortest literal, then the fewest
        HirKind::Concat(parts) => parts
            .iter()
            .filter_map(necessary_literals)
            .max_by_key(|set| (set.iter().map(Vec::len).min().unwrap_or(0), std::cmp::Reverse(set.len()))),
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for alt in alts {
                all.extend(necessary_literals(alt)?);
            }
            (all.len() <= MAX).then_some(all)
        }
        _ => None,
    }
}

const NOT_SECRET_CONTEXT: &str =
    r"hash|sha\d*|md5|digest|checksum|integrity|etag|nonce|fingerprint|uuid|guid|sri|salt|public|placeholder|label|hint|example|message|text|title|error|url|uri|endpoint|path|name$|type$|field|format|pattern|regex|length|policy|mode$|prefix|event|header$|description|key.?id$|_id$|^id$";

fn bytes_regex(p: &str) -> Result<regex::bytes::Regex, regex::Error> {
    regex::bytes::RegexBuilder::new(p).unicode(false).build()
}

/// Does some rule that needs a name accept `leaf` (a lowercased last name component)?
pub fn is_secret_context(leaf: &str) -> bool {
    let c = compiled();
    c.may_be_context(leaf.as_bytes()) && c.contexts().is_match(leaf.as_bytes())
}

fn regex_for(c: &Compiled, i: usize) -> Option<&regex::bytes::Regex> {
    c.regexes[i]
        .get_or_init(|| {
            regex::bytes::RegexBuilder::new(c.rules[i].pattern)
                .unicode(false)
                .size_limit(20 << 20)
                .build()
                .ok()
        })
        .as_ref()
}

/// The last component of a context name, lowercased: `config.apiKey` → `apikey`.
fn context_leaf(ctx: &str) -> String {
    ctx.rsplit(['.', '/']).next().unwrap_or(ctx).to_ascii_lowercase()
}

fn strip_prefix<'s>(rule: &Rule, secret: &'s str) -> &'s str {
    rule.prefixes.iter().find_map(|p| secret.strip_prefix(p)).unwrap_or(secret)
}

/// Runs every applicable rule over one candidate and appends hits.
pub fn detect(cand: &Candidate<'_>, hints: FileHints, hits: &mut Vec<Hit>) {
    let c = compiled();
    let value = cand.value.as_ref();
    if value.len() < 8 {
        return;
    }
    let bytes = value.as_bytes();
    let mut selected = RuleSet::default();
    // Long values (raw bundles on the fast path, huge literals) remember where each keyword
    // occurs: their rules then run only around those places (see `WINDOWED`).
    let windowed = bytes.len() >= WINDOWED;
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    c.keyword_places(bytes, |p, start, end| {
        for &r in &c.keyword_rules[p] {
            selected.insert(r);
        }
        if windowed {
            found.push((p, start, end));
        }
    });
    let leaf = cand.context.as_deref().map(context_leaf);
    for &r in &c.always {
        selected.insert(r);
    }
    if let Some(leaf) = leaf.as_ref().filter(|l| c.may_be_context(l.as_bytes())) {
        let contexts = c.contexts();
        let mut names = regex_automata::PatternSet::new(contexts.pattern_len());
        contexts.which_overlapping_matches(&regex_automata::Input::new(leaf.as_bytes()), &mut names);
        for k in names.iter() {
            selected.insert(c.by_context[k.as_usize()]);
        }
    }
    if selected.is_empty() {
        return;
    }
    for (i, rule) in c.rules.iter().enumerate() {
        if !selected.contains(i) || rule.pattern.is_empty() {
            continue;
        }
        // A rule with keywords is selected by them (name rules have none: a rule test says so).
        let windows = match (windowed, !rule.keywords.is_empty()) {
            (true, true) => windows_for(c, i, &found, bytes),
            // A shape at any length: such regexes (counted repetitions, no literal) are also slow.
            (_, false) => rule.shape.map(|shape| shape_windows(shape, bytes)),
            _ => None,
        };
        match windows {
            Some(windows) => {
                for (start, end) in windows {
                    run_rule(c, i, rule, cand, leaf.as_deref(), hints, hits, start..end);
                }
            }
            None => run_rule(c, i, rule, cand, leaf.as_deref(), hints, hits, 0..bytes.len()),
        }
    }
}

/// Values at least this long run a keyword rule only in windows around its keywords' places
/// (a test holds every rule's examples to having their keyword inside the token): a 3 MB bundle
/// then costs a few hundred short searches instead of a dozen whole-file passes.
const WINDOWED: usize = 64 * 1024;

/// How far a rule's match can reach from its keyword.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Reach {
    /// At most this many bytes (the pattern's longest match) on either side.
    Bytes(usize),
    /// Unbounded, but the pattern cannot match a quote: no further than the quotes around.
    Quotes,
    /// Anything: the rule runs over the whole value.
    Whole,
}

fn reach_for(c: &Compiled, i: usize) -> Reach {
    *c.reach[i].get_or_init(|| {
        let parser = regex_syntax::ParserBuilder::new().unicode(false).utf8(false).build().parse(c.rules[i].pattern);
        let Ok(hir) = parser else { return Reach::Whole };
        match hir.properties().maximum_len() {
            Some(n) => Reach::Bytes(n),
            None if !can_match_quote(&hir) => Reach::Quotes,
            None => Reach::Whole,
        }
    })
}

/// Can some match of `hir` hold a quote character (`"`, `'`, `` ` ``)?
fn can_match_quote(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    let quote = |lo: u32, hi: u32| QUOTES.iter().any(|&q| (lo..=hi).contains(&u32::from(q)));
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(l) => l.0.iter().any(|b| QUOTES.contains(b)),
        HirKind::Class(Class::Bytes(c)) => c.iter().any(|r| quote(r.start().into(), r.end().into())),
        HirKind::Class(Class::Unicode(c)) => c.iter().any(|r| quote(r.start().into(), r.end().into())),
        HirKind::Repetition(r) => can_match_quote(&r.sub),
        HirKind::Capture(cap) => can_match_quote(&cap.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(can_match_quote),
    }
}

/// The characters that open and close a JavaScript string.
pub(crate) const QUOTES: [u8; 3] = [b'"', b'\'', b'`'];

/// Merged windows around the places of rule `i`'s keywords, or `None` for the whole value.
fn windows_for(c: &Compiled, i: usize, found: &[(usize, usize, usize)], b: &[u8]) -> Option<Vec<(usize, usize)>> {
    // Unbounded patterns look this far for the quotes around a keyword.
    const QUOTES_BACK: usize = 4 * 1024;
    const QUOTES_AHEAD: usize = 256 * 1024;
    let reach = reach_for(c, i);
    if reach == Reach::Whole {
        return None;
    }
    let mut spans: Vec<(usize, usize)> = found
        .iter()
        .filter(|(p, _, _)| c.keyword_rules[*p].contains(&i))
        .map(|&(_, s, e)| match reach {
            Reach::Bytes(n) => (s.saturating_sub(n), (e + n).min(b.len())),
            _ => {
                let floor = s.saturating_sub(QUOTES_BACK);
                let start = memchr::memrchr3(QUOTES[0], QUOTES[1], QUOTES[2], &b[floor..s]).map_or(floor, |q| floor + q);
                let limit = (e + QUOTES_AHEAD).min(b.len());
                let end = memchr::memchr3(QUOTES[0], QUOTES[1], QUOTES[2], &b[e..limit]).map_or(limit, |q| e + q + 1);
                (start, end)
            }
        })
        .collect();
    spans.sort_unstable();
    let mut merged = merge_sorted(spans);
    // End each window after the token it cuts, so `\b` and length limits at the end see what
    // a whole-value search sees.
    const TOKEN_TAIL: usize = 512;
    for w in &mut merged {
        let limit = (w.1 + TOKEN_TAIL).min(b.len());
        while w.1 < limit && (b[w.1].is_ascii_alphanumeric() || matches!(b[w.1], b'_' | b'-' | b'+' | b'/' | b'=' | b'.')) {
            w.1 += 1;
        }
    }
    Some(merged)
}

/// Windows around the places of a rule's shape.
fn shape_windows(shape: rules::Shape, b: &[u8]) -> Vec<(usize, usize)> {
    match shape {
        rules::Shape::DottedToken => dotted_token_windows(b),
    }
}

/// Windows around `<23-27 token chars>.<6 token chars>.`: dots are common in code, but a dot
/// seven bytes after another with a long dot-free token before is rare, so this costs one pass
/// of `memchr`.
fn dotted_token_windows(b: &[u8]) -> Vec<(usize, usize)> {
    let token = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-';
    let spans = dots_seven_apart(b)
        .filter(|&i| i >= 23 && b[i + 1..i + 7].iter().all(token) && b[i - 23..i].iter().all(token))
        .map(|i| (i.saturating_sub(29), (i + 8 + 41).min(b.len())));
    merge_sorted(spans)
}

/// Every `i` with a dot at `i` and at `i + 7`, in order. Minified code has a dot every few
/// bytes, so stopping at each (memchr) costs more than testing eight places at once: a word of
/// the text and the word seven bytes on, each compared with eight dots.
fn dots_seven_apart(b: &[u8]) -> impl Iterator<Item = usize> + '_ {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const DOTS: u64 = 0x2e2e_2e2e_2e2e_2e2e;
    // the high bit of each byte of `x` that is zero (exact: no borrow between bytes)
    let zero_bytes = |x: u64| !(((x & LOW) + LOW) | x | LOW);
    let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
    let words = b.len().saturating_sub(7 + 7) / 8;
    let whole = (0..words).flat_map(move |w| {
        let at = w * 8;
        let mut hits = zero_bytes(word(at) ^ DOTS) & zero_bytes(word(at + 7) ^ DOTS);
        std::iter::from_fn(move || {
            (hits != 0).then(|| {
                let i = at + hits.trailing_zeros() as usize / 8;
                hits &= hits - 1;
                i
            })
        })
    });
    let tail = (words * 8..b.len().saturating_sub(7)).filter(move |&i| b[i] == b'.' && b[i + 7] == b'.');
    whole.chain(tail)
}

/// Spans sorted by start, with the overlapping and touching ones merged.
fn merge_sorted(spans: impl IntoIterator<Item = (usize, usize)>) -> Vec<(usize, usize)> {
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// The matches of `re` starting in `range` of `hay`; look-behind sees the bytes before the range.
fn captures_in<'h>(
    re: &'h regex::bytes::Regex,
    hay: &'h [u8],
    range: std::ops::Range<usize>,
) -> impl Iterator<Item = regex::bytes::Captures<'h>> + 'h {
    let hay = &hay[..range.end];
    let mut at = range.start;
    std::iter::from_fn(move || {
        if at > hay.len() {
            return None;
        }
        let caps = re.captures_at(hay, at)?;
        let m = caps.get(0)?;
        at = if m.end() > m.start() { m.end() } else { m.end() + 1 };
        Some(caps)
    })
}

/// Runs a context rule without its context requirement (AWS secret keys paired with a key ID).
pub fn detect_with_rule(rule_id: &str, cand: &Candidate<'_>, hints: FileHints, hits: &mut Vec<Hit>) {
    let c = compiled();
    if let Some(i) = c.rules.iter().position(|r| r.id == rule_id) {
        let leaf = cand.context.as_deref().map(context_leaf);
        run_rule(c, i, c.rules[i], cand, leaf.as_deref(), hints, hits, 0..cand.value.len());
    }
}

#[allow(clippy::too_many_arguments)]
fn run_rule(
    c: &Compiled,
    i: usize,
    rule: &'static Rule,
    cand: &Candidate<'_>,
    leaf: Option<&str>,
    hints: FileHints,
    hits: &mut Vec<Hit>,
    range: std::ops::Range<usize>,
) {
    let Some(re) = regex_for(c, i) else { return };
    let value = cand.value.as_ref();
    let generic = rule.kind == crate::finding::Kind::Generic;
    if generic {
        if let Some(leaf) = leaf {
            let not_secret = c.not_secret_context.get_or_init(|| bytes_regex(NOT_SECRET_CONTEXT).expect("not-secret regex"));
            if not_secret.is_match(leaf.as_bytes()) {
                return;
            }
        }
    }
    for caps in captures_in(re, value.as_bytes(), range) {
        let Some(m) = caps.get(1) else { continue };
        let Some(secret) = value.get(m.start()..m.end()) else { continue };
        if is_placeholder(secret) {
            continue;
        }
        let body = strip_prefix(rule, secret);
        if rule.min_randomness > 0.0 && randomness(body.as_bytes()) < rule.min_randomness {
            continue;
        }
        if generic && !generic_shape_ok(secret) {
            continue;
        }
        let verdict = validate::check(rule, secret, &validate::Context { name: leaf, hints });
        let (mut out_rule, severity, detail) = match verdict {
            validate::Verdict::Reject => continue,
            validate::Verdict::Accept => (rule, rule.severity, None),
            validate::Verdict::Relabel { rule_id, severity, detail } => {
                let r = rules::by_id(rule_id).unwrap_or(rule);
                (r, severity.unwrap_or(r.severity), detail)
            }
        };
        let mut severity = severity;
        if rule.id == "google-api-key" && is_firebase_context(cand) {
            out_rule = rules::by_id("firebase-web-api-key").unwrap_or(rule);
            severity = out_rule.severity;
        }
        let (start, end) = cand.map(m.start(), m.end());
        hits.push(Hit {
            rule: out_rule,
            severity,
            start,
            end,
            secret: secret.to_string(),
            context: cand.context.clone(),
            call: cand.call.clone(),
            detail,
            env_var: None,
        });
    }
}

/// A Google API key passed to Firebase's `initializeApp`, or sitting in a Firebase config object.
fn is_firebase_context(cand: &Candidate<'_>) -> bool {
    let call = cand.call.as_deref().unwrap_or("").to_ascii_lowercase();
    let ctx = cand.context.as_deref().unwrap_or("").to_ascii_lowercase();
    call.contains("initializeapp") || call.contains("firebase") || ctx.contains("firebase")
}

/// Generic rules only fire on values shaped like machine-made secrets: letters and digits mixed,
/// no words, no UUID, no path.
fn generic_shape_ok(secret: &str) -> bool {
    let b = secret.as_bytes();
    let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
    let letters = b.iter().filter(|c| c.is_ascii_alphabetic()).count();
    let slashes = b.iter().filter(|&&c| c == b'/').count();
    digits > 0
        && letters > 0
        && slashes < 2
        && !is_uuid(secret)
        && !looks_like_words(b)
        && !secret.contains("://")
        && !(secret.contains('.') && secret.split('.').all(|p| p.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') && !p.is_empty() && p.len() < 12))
}

/// How specific a rule is: provider rules beat structural ones, which beat named-value guesses.
pub fn specificity(rule: &Rule) -> u8 {
    match rule.id {
        "generic-secret" | "generic-api-key" => 0,
        "authorization-bearer" | "authorization-basic" => 1,
        "jwt" | "private-key" | "url-credentials" => 2,
        _ if rule.provider == "Generic" => 2,
        _ => 3,
    }
}

/// Drops hits covered by a more specific hit on an overlapping range, and exact duplicates.
pub fn resolve_overlaps(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        specificity(b.rule).cmp(&specificity(a.rule)).then(a.start.cmp(&b.start)).then(a.rule.id.cmp(b.rule.id))
    });
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    // Kept hits by start, and the longest kept span: a hit only looks at kept hits starting
    // within that distance before it (thousands of hits in one file stay n log n).
    let mut by_start: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
    let mut longest = 0;
    for h in hits {
        let end = h.end.max(h.start + 1);
        let covered = by_start.range(h.start.saturating_sub(longest)..end).flat_map(|(_, ks)| ks).any(|&k| {
            let k = &kept[k];
            k.start < end
                && h.start < k.end.max(k.start + 1)
                && (specificity(k.rule) > specificity(h.rule) || k.rule.id == h.rule.id)
        });
        if !covered {
            longest = longest.max(end - h.start);
            by_start.entry(h.start).or_default().push(kept.len());
            kept.push(h);
        }
    }
    kept.sort_by(|a, b| a.start.cmp(&b.start).then(a.rule.id.cmp(b.rule.id)));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scan's keyword matches must not depend on whether the DFA was built yet, nor on how a
    /// long value is cut into lanes: the NFA that serves small values before the DFA, and the
    /// DFA walked in lanes, report the same occurrences.
    #[test]
    fn keyword_nfa_and_dfa_lanes_agree() {
        let c = compiled();
        let dfa = keyword_dfa(&c.words);
        let mut texts: Vec<String> = Vec::new();
        for r in c.rules {
            texts.extend(r.examples.iter().map(|e| e.to_string()));
            texts.extend(r.negatives.iter().map(|e| e.to_string()));
        }
        // every keyword in upper case and overlapping its neighbours
        texts.push(c.words.iter().map(|w| w.to_ascii_uppercase()).collect::<Vec<_>>().join(""));
        texts.push(c.words.join(" "));
        assert!(texts.len() > 100);
        // long values: keywords on and around every lane boundary, at several lengths
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for n in [LANES_FROM, LANES_FROM + 1, LANES_FROM + 3, 10_007, 65_536, 200_003] {
            for round in 0..8 {
                let mut t = vec![b'.'; n];
                let part = n / LANES;
                for lane in 1..LANES {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let w = c.words[(seed % c.words.len() as u64) as usize].as_bytes();
                    // the keyword starts up to its length before the boundary, or just after it
                    let at = lane * part + round % 3 - w.len().min(lane * part) * usize::from(round % 2 == 0);
                    let at = at.min(n - w.len());
                    t[at..at + w.len()].copy_from_slice(w);
                }
                // and a few anywhere, and one at each end
                for k in 0..16 {
                    let w = c.words[(k * 37 + round) % c.words.len()].as_bytes();
                    let at = (k * 7919 + round * 104_729) % (n - w.len());
                    t[at..at + w.len()].copy_from_slice(w);
                }
                let (first, last) = (c.words[round].as_bytes(), c.words[round + 1].as_bytes());
                t[..first.len()].copy_from_slice(first);
                t[n - last.len()..].copy_from_slice(last);
                texts.push(String::from_utf8(t).unwrap());
            }
        }
        let mut matched = 0;
        for t in &texts {
            let mut a: Vec<(usize, usize, usize)> =
                c.keywords_nfa.find_overlapping_iter(t.as_bytes()).map(|m| (m.pattern().as_usize(), m.start(), m.end())).collect();
            let mut b = Vec::new();
            walk_lanes(&dfa, t.as_bytes(), |p, s, e| b.push((p, s, e)));
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "{} bytes", t.len());
            matched += a.len();
        }
        assert!(matched > c.words.len() * 2, "{matched} matches");
    }

    /// The anchors only skip names no context regex can match: on names built from every
    /// anchor, pairs of them and random letters, the verdict is the regexes' own.
    #[test]
    fn context_anchors_never_change_a_verdict() {
        let c = compiled();
        assert!(!c.may_be_context(b"prototype"), "the anchors are in effect");
        // every literal of every context regex, needed or optional
        fn literals(hir: &regex_syntax::hir::Hir, out: &mut Vec<String>) {
            use regex_syntax::hir::HirKind;
            match hir.kind() {
                HirKind::Literal(l) => out.push(String::from_utf8(l.0.to_vec()).unwrap()),
                HirKind::Capture(cap) => literals(&cap.sub, out),
                HirKind::Repetition(r) => literals(&r.sub, out),
                HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().for_each(|h| literals(h, out)),
                _ => {}
            }
        }
        let mut words: Vec<String> = Vec::new();
        let mut anchors: Vec<Vec<Vec<u8>>> = Vec::new();
        for &r in &c.by_context {
            let hir = regex_syntax::ParserBuilder::new().unicode(false).utf8(false).build().parse(c.rules[r].context.unwrap()).unwrap();
            anchors.push(necessary_literals(&hir).unwrap_or_else(|| panic!("{}: no anchors", c.rules[r].id)));
            literals(&hir, &mut words);
        }
        words.sort();
        words.dedup();
        let mut names: Vec<String> = Vec::new();
        let seps = ["", "_", "-", ".", "2"];
        for a in &words {
            for b in &words {
                let sep = seps[(a.len() + b.len()) % seps.len()];
                names.push(format!("{a}{sep}{b}"));
            }
            for affix in ["x", "api", "key", "secret", "token", "_", "my"] {
                names.push(format!("{affix}{a}"));
                names.push(format!("{a}{affix}"));
                names.push(format!("{affix}_{a}_{affix}"));
            }
            // each anchor with one letter changed: near misses
            for k in 0..a.len() {
                let mut m = a.clone().into_bytes();
                m[k] = if m[k] == b'z' { b'a' } else { m[k] + 1 };
                names.push(String::from_utf8(m).unwrap());
            }
        }
        let alphabet = b"abcdefgiklmnoprstuyz_-.2";
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..50_000 {
            let mut n = String::new();
            for _ in 0..(3 + seed % 14) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                n.push(alphabet[(seed % alphabet.len() as u64) as usize] as char);
            }
            names.push(n);
        }
        let mut secret = 0;
        let contexts = c.contexts();
        let mut matched = regex_automata::PatternSet::new(contexts.pattern_len());
        for n in &names {
            let want = contexts.is_match(n.as_bytes());
            assert_eq!(is_secret_context(n), want, "{n}");
            secret += usize::from(want);
            // and each regex on its own: a name it matches holds one of its anchors
            matched.clear();
            contexts.which_overlapping_matches(&regex_automata::Input::new(n.as_bytes()), &mut matched);
            for k in matched.iter() {
                let own = &anchors[k.as_usize()];
                let holds = own.iter().any(|a| n.as_bytes().windows(a.len()).any(|w| w == a.as_slice()));
                assert!(holds, "{n} matches {} but holds none of its anchors", c.rules[c.by_context[k.as_usize()]].id);
            }
        }
        assert!(secret > words.len() * 4 && secret < names.len(), "{secret} of {} names", names.len());
    }

    /// Dots seven apart, word at a time, are exactly the places a byte-by-byte look finds.
    #[test]
    fn dots_seven_apart_are_found_at_every_offset() {
        let mut seed = 0x853c_49e6_748f_ea9bu64;
        for len in (0usize..200).chain([1000, 4096, 4097]) {
            for _ in 0..4 {
                let b: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        // mostly dots, then bytes one off a dot, then anything
                        match seed % 4 {
                            0 | 1 => b'.',
                            2 => [b'-', b'/', 0xae, 0x2e ^ 0x80][(seed >> 8) as usize % 4],
                            _ => (seed >> 16) as u8,
                        }
                    })
                    .collect();
                let want: Vec<usize> = (0..len.saturating_sub(7)).filter(|&i| b[i] == b'.' && b[i + 7] == b'.').collect();
                assert_eq!(dots_seven_apart(&b).collect::<Vec<_>>(), want, "{len} bytes");
            }
        }
    }
}
