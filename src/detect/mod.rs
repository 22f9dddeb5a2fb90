//! The detection engine. Cheapest first: one Aho-Corasick automaton over every rule's keywords
//! picks the rules worth running on a string, then each rule's regex, then its validator
//! (randomness floor, checksum, JWT claims, PEM structure).

pub mod entropy;
pub mod validate;

use std::borrow::Cow;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

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
}

struct Compiled {
    rules: &'static [&'static Rule],
    keywords: AhoCorasick,
    /// For each keyword pattern, the rules it selects.
    keyword_rules: Vec<Vec<usize>>,
    /// Rules run on every string (no keyword, no context).
    always: Vec<usize>,
    /// Rules selected by their context regex.
    by_context: Vec<usize>,
    regexes: Vec<OnceLock<Option<regex::bytes::Regex>>>,
    contexts: Vec<Option<regex::bytes::Regex>>,
    not_secret_context: regex::bytes::Regex,
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
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&words)
            .expect("keywords build");
        Compiled {
            rules,
            keywords,
            keyword_rules,
            always,
            by_context,
            regexes: rules.iter().map(|_| OnceLock::new()).collect(),
            contexts: rules.iter().map(|r| r.context.map(|c| bytes_regex(c).expect("context regex"))).collect(),
            not_secret_context: bytes_regex(
                r"hash|sha\d*|md5|digest|checksum|integrity|etag|nonce|fingerprint|uuid|guid|sri|salt|public|placeholder|label|hint|example|message|text|title|error|url|uri|endpoint|path|name$|type$|field|format|pattern|regex|length|policy|mode$|prefix|event|header$|description|key.?id$|_id$|^id$",
            )
            .expect("not-secret regex"),
        }
    })
}

fn bytes_regex(p: &str) -> Result<regex::bytes::Regex, regex::Error> {
    regex::bytes::RegexBuilder::new(p).unicode(false).build()
}

/// Does some rule that needs a name accept `leaf` (a lowercased last name component)?
pub fn is_secret_context(leaf: &str) -> bool {
    let c = compiled();
    c.by_context.iter().any(|&r| c.contexts[r].as_ref().is_some_and(|re| re.is_match(leaf.as_bytes())))
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
    for m in c.keywords.find_overlapping_iter(bytes) {
        for &r in &c.keyword_rules[m.pattern().as_usize()] {
            selected.insert(r);
        }
    }
    let leaf = cand.context.as_deref().map(context_leaf);
    for &r in &c.always {
        selected.insert(r);
    }
    if let Some(leaf) = &leaf {
        for &r in &c.by_context {
            if c.contexts[r].as_ref().is_some_and(|re| re.is_match(leaf.as_bytes())) {
                selected.insert(r);
            }
        }
    }
    if selected.is_empty() {
        return;
    }
    for (i, rule) in c.rules.iter().enumerate() {
        if !selected.contains(i) || rule.pattern.is_empty() {
            continue;
        }
        run_rule(c, i, rule, cand, leaf.as_deref(), hints, hits);
    }
}

/// Runs a context rule without its context requirement (AWS secret keys paired with a key ID).
pub fn detect_with_rule(rule_id: &str, cand: &Candidate<'_>, hints: FileHints, hits: &mut Vec<Hit>) {
    let c = compiled();
    if let Some(i) = c.rules.iter().position(|r| r.id == rule_id) {
        let leaf = cand.context.as_deref().map(context_leaf);
        run_rule(c, i, c.rules[i], cand, leaf.as_deref(), hints, hits);
    }
}

fn run_rule(
    c: &Compiled,
    i: usize,
    rule: &'static Rule,
    cand: &Candidate<'_>,
    leaf: Option<&str>,
    hints: FileHints,
    hits: &mut Vec<Hit>,
) {
    let Some(re) = regex_for(c, i) else { return };
    let value = cand.value.as_ref();
    let generic = rule.kind == crate::finding::Kind::Generic;
    if generic {
        if let Some(leaf) = leaf {
            if c.not_secret_context.is_match(leaf.as_bytes()) {
                return;
            }
        }
    }
    for caps in re.captures_iter(value.as_bytes()) {
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
    for h in hits {
        let covered = kept.iter().any(|k| {
            k.start < h.end.max(h.start + 1)
                && h.start < k.end.max(k.start + 1)
                && (specificity(k.rule) > specificity(h.rule) || k.rule.id == h.rule.id)
        });
        if !covered {
            kept.push(h);
        }
    }
    kept.sort_by(|a, b| a.start.cmp(&b.start).then(a.rule.id.cmp(b.rule.id)));
    kept
}
