//! secretgate's core: finds secret API keys in front-end build output.
//!
//! Data flows one way: bytes → the file kind's reader ([`input`]) → strings with the name they
//! were given ([`detect::Candidate`]) → rules ([`rules`], run by [`detect`]) → [`Finding`]s with
//! exact spans, redacted secrets, fingerprints and, through a source map, original locations.
//! The core never decides what fails a build: callers apply their policy to the findings.
//!
//! `scan` is plain Rust (tested with `cargo test`); `src/wasm.rs` is the only file that knows
//! JavaScript.
#![deny(missing_docs)]

pub mod detect;
pub mod finding;
pub mod input;
mod locate;
pub mod rules;
pub mod server_source;
#[cfg(feature = "wasm")]
mod wasm;

/// Talc instead of Rust's default dlmalloc in the .wasm: a JavaScript parse allocates and then
/// frees a whole syntax tree, and dlmalloc's free lists were a quarter of such a scan.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use std::borrow::Cow;
use std::collections::HashMap;

use aho_corasick::AhoCorasick;
use base64::Engine as _;

use detect::{Candidate, FileHints, Hit};
pub use finding::{Finding, Kind, Note, OriginalLocation, Report, Severity, Stats, Suppression};
use input::js::Dialect;
pub use input::FileKind;
use locate::LineIndex;

/// Per-file options.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The path shown in findings; its extension picks the file kind.
    pub file: String,
    /// Overrides the kind picked from the extension.
    pub kind: Option<FileKind>,
    /// The bundle's source map (JSON text): fills `original` and honours ignore comments in it.
    pub source_map: Option<String>,
    /// Put the whole secret in each finding's `rawSecret`. Off by default, on purpose.
    pub show_secrets: bool,
    /// Nesting limit for parsing JavaScript (default [`input::js::MAX_DEPTH`]); deeper files are
    /// scanned as text. Raising it is for measuring what the `.wasm` survives, not for users.
    pub max_depth: Option<usize>,
    /// Always parse JavaScript, even when the raw bytes show nothing any rule could report.
    /// Findings are the same either way; this exists to prove it (tests, the quality bench).
    pub always_parse: bool,
    /// JavaScript at least this many bytes long is parsed only around what the raw bytes show
    /// (default [`input::regions::REGION_FROM`]): `Some(0)` for every file, `Some(usize::MAX)` for
    /// none. Findings are the same either way; this exists to prove it.
    pub region_from: Option<usize>,
}

/// A value from the environment that may end up in the output.
#[derive(Clone, Debug)]
pub struct KnownValue {
    /// The variable's name.
    pub name: String,
    /// Its value.
    pub value: String,
    /// `true`: the value must never ship, report it even when no format rule knows it.
    /// `false`: only name the variable behind findings of other rules.
    pub secret: bool,
}

/// Settings that hold across files.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Env values to look for, in plain, base64 and URL-encoded form.
    pub known_values: Vec<KnownValue>,
    /// Rule id → `None` (off) or a severity.
    pub rule_overrides: HashMap<String, Option<Severity>>,
}

/// Scans many files with one configuration, building its automata once.
pub struct Scanner {
    config: Config,
    /// Automaton over the known values' encodings, and for each pattern the known value it is.
    known: Option<(AhoCorasick, Vec<usize>)>,
}

/// Scans one file with the default configuration.
pub fn scan(input: &[u8], opts: &Options) -> Report {
    Scanner::new(Config::default()).scan(input, opts)
}

fn now_secs() -> Option<f64> {
    #[cfg(feature = "wasm")]
    {
        Some(js_sys::Date::now() / 1000.0)
    }
    #[cfg(not(feature = "wasm"))]
    {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_secs_f64())
    }
}

/// Whole-file substring tests: `memmem` (SIMD) instead of `str::contains` (Two-Way, byte by
/// byte), which cost 3% of a corpus scan for one `service_account` test per file.
fn contains(text: &str, needle: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), needle.as_bytes()).is_some()
}

/// Values shorter than this are never searched: too many false matches.
const MIN_KNOWN_LEN: usize = 8;

fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Scanner {
    /// Builds a scanner; the known values' automaton is built here, once.
    pub fn new(config: Config) -> Scanner {
        let mut patterns: Vec<String> = Vec::new();
        let mut owners = Vec::new();
        for (i, kv) in config.known_values.iter().enumerate() {
            if kv.value.len() < MIN_KNOWN_LEN {
                continue;
            }
            let b64 = base64::engine::general_purpose::STANDARD.encode(kv.value.as_bytes());
            let forms = [kv.value.clone(), b64.trim_end_matches('=').to_string(), url_encode(&kv.value)];
            for f in forms {
                if f.len() >= MIN_KNOWN_LEN && !patterns.contains(&f) {
                    patterns.push(f);
                    owners.push(i);
                }
            }
        }
        let known = (!patterns.is_empty())
            .then(|| AhoCorasick::builder().match_kind(aho_corasick::MatchKind::LeftmostLongest).build(&patterns).ok())
            .flatten()
            .map(|ac| (ac, owners));
        Scanner { config, known }
    }

    /// Scans one file.
    pub fn scan(&self, input: &[u8], opts: &Options) -> Report {
        let mut notes = Vec::new();
        let text = decode(input, &opts.file, &mut notes);
        let kind = opts.kind.unwrap_or_else(|| {
            let k = FileKind::for_path(&opts.file);
            // A `.json` file that is a source map, or a text file that is one.
            if k == FileKind::Json && contains(&text, "\"mappings\"") && contains(&text, "\"sources\"") {
                FileKind::SourceMap
            } else {
                k
            }
        });
        let hints = FileHints {
            service_account: contains(&text, "service_account"),
            now_secs: now_secs(),
            max_depth: opts.max_depth.unwrap_or(input::js::MAX_DEPTH),
            // Lifting the nesting guard is for measuring the parser, which the fast path would skip.
            fast_path: !opts.always_parse && opts.max_depth.is_none(),
            region_from: opts.region_from.unwrap_or(input::regions::REGION_FROM),
        };
        let mut stats = Stats { bytes: input.len(), ..Stats::default() };
        let mut findings = Vec::new();
        let mut server_source = None;
        if kind == FileKind::SourceMap {
            server_source = self.scan_source_map(&text, opts, hints, &mut findings, &mut notes, &mut stats);
        } else {
            let hits = self.hits_for(&text, kind, &opts.file, 0, hints, &mut notes, &mut stats);
            // Line index and source map cost time on big files: only build them for findings.
            let (index, map) = if hits.is_empty() {
                (LineIndex::empty(), None)
            } else {
                let map = opts.source_map.as_deref().and_then(|m| locate::BundleMap::parse(m, &opts.file, &mut notes));
                (LineIndex::new(&text), map)
            };
            for hit in hits {
                let mut f = self.finding(hit, &text, &index, &opts.file, opts.show_secrets);
                if let Some(map) = &map {
                    if let Some((orig, ignore)) = map.original(f.line, f.column) {
                        f.original = Some(orig);
                        if f.suppressed.is_none() {
                            f.suppressed = ignore;
                        }
                    }
                }
                findings.push(f);
            }
        }
        findings.sort_by(|a, b| a.start.cmp(&b.start).then(a.rule_id.cmp(&b.rule_id)));
        Report { file: opts.file.clone(), kind: kind.name(), findings, notes, stats, server_source }
    }

    /// Every hit in `text` (a whole file, or one source of a map) after overlaps, known values
    /// and rule overrides.
    #[allow(clippy::too_many_arguments)]
    fn hits_for(
        &self,
        text: &str,
        kind: FileKind,
        name: &str,
        base: usize,
        hints: FileHints,
        notes: &mut Vec<Note>,
        stats: &mut Stats,
    ) -> Vec<Hit> {
        let cands = candidates(text, kind, name, base, hints, notes, &mut stats.parsed);
        stats.strings += cands.len();
        let mut hits = Vec::new();
        for c in &cands {
            detect::detect(c, hints, &mut hits);
        }
        // An AWS secret access key is only a shape; next to an access key ID it needs no name.
        let ids: Vec<usize> = hits.iter().filter(|h| h.rule.id == "aws-access-key-id").map(|h| h.start).collect();
        if !ids.is_empty() {
            for c in &cands {
                let at = c.segments.first().map(|s| s.src_start).unwrap_or(0);
                if ids.iter().any(|&id| at.abs_diff(id) <= input::fast::AWS_PAIR_DISTANCE) {
                    detect::detect_with_rule("aws-secret-access-key", c, hints, &mut hits);
                }
            }
        }
        let mut hits = detect::resolve_overlaps(hits);
        self.apply_known_values(text, base, &mut hits);
        hits.retain_mut(|h| match self.config.rule_overrides.get(h.rule.id) {
            Some(None) => false,
            Some(Some(sev)) => {
                h.severity = *sev;
                true
            }
            None => true,
        });
        hits
    }

    /// Names the env variable behind hits, and reports secret env values no rule knew.
    fn apply_known_values(&self, text: &str, base: usize, hits: &mut Vec<Hit>) {
        let Some((ac, owners)) = &self.known else { return };
        let env_rule = rules::by_id("env-value").expect("env-value rule");
        let mut extra = Vec::new();
        for m in ac.find_iter(text.as_bytes()) {
            let known = &self.config.known_values[owners[m.pattern().as_usize()]];
            let (start, end) = (base + m.start(), base + m.end());
            let mut overlapped = false;
            for h in hits.iter_mut().filter(|h| h.start < end && start < h.end) {
                h.env_var.get_or_insert_with(|| known.name.clone());
                overlapped = true;
            }
            if !overlapped && known.secret {
                extra.push(Hit {
                    rule: env_rule,
                    severity: env_rule.severity,
                    start,
                    end,
                    secret: known.value.clone(),
                    context: input::text::context_before(text, m.start()),
                    call: None,
                    detail: Some(if m.end() - m.start() == known.value.len() {
                        format!("It is the value of {}.", known.name)
                    } else {
                        format!("It is the value of {}, encoded (base64 or URL encoding).", known.name)
                    }),
                    env_var: Some(known.name.clone()),
                });
            }
        }
        hits.extend(extra);
        hits.sort_by(|a, b| a.start.cmp(&b.start).then(a.rule.id.cmp(b.rule.id)));
    }

    fn finding(&self, hit: Hit, text: &str, index: &LineIndex, file: &str, show: bool) -> Finding {
        let (line, column) = index.position(text, hit.start);
        let (end_line, end_column) = index.position(text, hit.end);
        let rule = hit.rule;
        let prefix = rule.prefixes.iter().copied().find(|p| hit.secret.starts_with(p)).unwrap_or("");
        let mut message = format!("{} ({}). {}", rule.title, rule.provider, rule.allows);
        if let Some(d) = &hit.detail {
            message.push(' ');
            message.push_str(d);
        }
        if let (Some(env), true) = (&hit.env_var, rule.id != "env-value") {
            message.push_str(&format!(" It came from the environment variable {env}."));
        }
        message.push(' ');
        message.push_str(rule.remedy);
        message.push_str(&format!(" See docs/rules.md#{}", rule.id));
        Finding {
            rule_id: rule.id.to_string(),
            provider: rule.provider.to_string(),
            severity: hit.severity,
            kind: rule.kind,
            message,
            file: file.to_string(),
            line,
            column,
            end_line,
            end_column,
            start: hit.start,
            end: hit.end,
            secret: finding::redact(&hit.secret, prefix),
            fingerprint: finding::fingerprint(rule.id, &hit.secret),
            context: hit.context,
            call: hit.call,
            env_var: hit.env_var,
            original: None,
            suppressed: locate::ignore_comment(text, index, line),
            raw_secret: show.then_some(hit.secret),
        }
    }

    fn scan_source_map(
        &self,
        text: &str,
        opts: &Options,
        hints: FileHints,
        findings: &mut Vec<Finding>,
        notes: &mut Vec<Note>,
        stats: &mut Stats,
    ) -> Option<server_source::ServerSource> {
        #[derive(serde::Deserialize)]
        struct RawMap {
            #[serde(default)]
            sources: Vec<Option<String>>,
            #[serde(default, rename = "sourcesContent")]
            sources_content: Vec<Option<String>>,
        }
        let raw: RawMap = match serde_json::from_str(text) {
            Ok(m) => m,
            Err(e) => {
                notes.push(Note {
                    file: opts.file.clone(),
                    code: "sourcemap-invalid".into(),
                    message: format!("not a valid source map ({e}); scanned as text"),
                });
                let hits = self.hits_for(text, FileKind::Text, &opts.file, 0, hints, notes, stats);
                let index = LineIndex::new(text);
                findings.extend(hits.into_iter().map(|h| self.finding(h, text, &index, &opts.file, opts.show_secrets)));
                return None;
            }
        };
        let mut map_index: Option<LineIndex> = None;
        let contents_at = memchr::memmem::find(text.as_bytes(), b"\"sourcesContent\"").unwrap_or(0);
        for (i, content) in raw.sources_content.iter().enumerate() {
            let Some(content) = content else { continue };
            let source = raw.sources.get(i).cloned().flatten().unwrap_or_else(|| format!("source #{i}"));
            let kind = match FileKind::for_path(&source) {
                FileKind::SourceMap => FileKind::Text,
                k => k,
            };
            // Vue and Svelte components are HTML-like around their scripts.
            let kind = if source.ends_with(".vue") || source.ends_with(".svelte") { FileKind::Html } else { kind };
            let hits = self.hits_for(content, kind, &source, 0, hints, notes, stats);
            if hits.is_empty() {
                continue;
            }
            let src_index = LineIndex::new(content);
            for hit in hits {
                let secret = hit.secret.clone();
                let (oline, ocol) = src_index.position(content, hit.start);
                let mut f = self.finding(hit, content, &src_index, &opts.file, opts.show_secrets);
                f.original = Some(OriginalLocation { file: source.clone(), line: oline, column: ocol });
                // Where the secret sits in the map file itself: its JSON-escaped text after the
                // `sourcesContent` key.
                let escaped = serde_json::to_string(&secret).unwrap_or_default();
                let escaped = escaped.trim_matches('"');
                let at = text[contents_at..].find(escaped).map(|p| contents_at + p).unwrap_or(contents_at);
                let map_index = map_index.get_or_insert_with(|| LineIndex::new(text));
                let (line, column) = map_index.position(text, at);
                let (end_line, end_column) = map_index.position(text, at + escaped.len().min(text.len() - at));
                f.line = line;
                f.column = column;
                f.end_line = end_line;
                f.end_column = end_column;
                f.start = at;
                f.end = at + escaped.len().min(text.len() - at);
                findings.push(f);
            }
        }
        server_source::evidence(&raw.sources, &raw.sources_content)
    }
}

/// Turns bytes into text: UTF-8 (invalid sequences replaced, with a note) or UTF-16 with a BOM.
fn decode<'a>(input: &'a [u8], file: &str, notes: &mut Vec<Note>) -> Cow<'a, str> {
    // A UTF-16 BOM is trusted only when the bytes after it look like UTF-16 (ASCII-heavy text in
    // UTF-16 is about half NUL bytes); two stray bytes must not hide a UTF-8 bundle.
    let looks_utf16 = |rest: &[u8]| {
        let sample = &rest[..rest.len().min(4096)];
        sample.len() >= 2 && sample.iter().filter(|&&b| b == 0).count() * 4 >= sample.len()
    };
    if input.len() >= 2 && (input[..2] == [0xFF, 0xFE] || input[..2] == [0xFE, 0xFF]) && looks_utf16(&input[2..]) {
        let le = input[0] == 0xFF;
        let units: Vec<u16> = input[2..]
            .chunks_exact(2)
            .map(|c| if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) })
            .collect();
        notes.push(Note {
            file: file.to_string(),
            code: "utf16".into(),
            message: "UTF-16 file: decoded; byte offsets refer to its UTF-8 form".into(),
        });
        return Cow::Owned(String::from_utf16_lossy(&units));
    }
    match std::str::from_utf8(input) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            notes.push(Note {
                file: file.to_string(),
                code: "invalid-utf8".into(),
                message: "invalid UTF-8: bad sequences replaced by U+FFFD before scanning; offsets after them refer to the repaired text".into(),
            });
            String::from_utf8_lossy(input)
        }
    }
}

/// The candidates of `text` as `kind`, falling back to text (with a note) when it does not parse.
fn candidates<'a>(
    text: &'a str,
    kind: FileKind,
    name: &str,
    base: usize,
    hints: FileHints,
    notes: &mut Vec<Note>,
    parsed: &mut usize,
) -> Vec<Candidate<'a>> {
    match kind {
        FileKind::Js => js_or_text(text, name, base, Dialect::for_path(name), hints, notes, parsed),
        FileKind::Json => match input::json::collect(text, base) {
            Some(c) => c,
            None => {
                notes.push(Note { file: name.into(), code: "parse-fallback".into(), message: "not valid JSON; scanned as text".into() });
                input::text::collect(text, base)
            }
        },
        FileKind::Html => {
            let (scripts, mut cands) = input::html::collect(text);
            for c in &mut cands {
                for s in &mut c.segments {
                    s.src_start += base;
                    s.src_end += base;
                }
            }
            for s in scripts {
                let body = &text[s.start..s.end];
                let sub = if s.json {
                    input::json::collect(body, base + s.start).unwrap_or_else(|| input::text::collect(body, base + s.start))
                } else {
                    js_or_text(body, &format!("{name} (inline script at byte {})", s.start), base + s.start, Dialect::Js, hints, notes, parsed)
                };
                cands.extend(sub);
            }
            cands.extend(input::text::collect(text, base));
            cands
        }
        FileKind::Css | FileKind::Text | FileKind::SourceMap => input::text::collect(text, base),
    }
}

/// The largest JavaScript file parsed (about 600 MB of parser memory); larger ones are read as text.
pub const MAX_PARSE_BYTES: usize = 16 << 20;

fn js_or_text<'a>(
    text: &'a str,
    name: &str,
    base: usize,
    dialect: Dialect,
    hints: FileHints,
    notes: &mut Vec<Note>,
    parsed: &mut usize,
) -> Vec<Candidate<'a>> {
    // The fast path: nothing in the raw bytes any rule could report, nothing to parse. What it
    // saw decides what a big file needs parsed.
    let by_regions = text.len() >= hints.region_from;
    let mut evidence = None;
    if hints.fast_path {
        let found = input::fast::evidence(text, hints, by_regions);
        if found.is_empty() {
            return Vec::new();
        }
        evidence = Some(found);
    }
    // swc holds ~37 bytes per byte of input: past this size a parse would need gigabytes (a
    // 200 MB bundle passes the .wasm's 4 GiB), so such files are read as text, with a note.
    if text.len() > MAX_PARSE_BYTES {
        notes.push(Note {
            file: name.into(),
            code: "too-large-to-parse".into(),
            message: format!(
                "{} MiB is more than the {} MiB parsed as JavaScript: scanned as text, so names around strings are not known",
                text.len() >> 20,
                MAX_PARSE_BYTES >> 20
            ),
        });
        return input::text::collect(text, base);
    }
    // Only the statements around the evidence (when every region parses; else the whole file).
    if let Some(evidence) = evidence.filter(|_| by_regions) {
        if let Some((cands, bytes)) = input::regions::collect(text, base, dialect, &evidence, hints.max_depth) {
            *parsed += bytes;
            return cands;
        }
    }
    let max_depth = hints.max_depth;
    // Chains of operators recurse like nesting does: the same budget scaled to their smaller frames.
    if let Some(why) = input::js::too_deep(text, max_depth, max_depth.saturating_mul(input::js::MAX_CHAIN) / input::js::MAX_DEPTH) {
        notes.push(Note {
            file: name.into(),
            code: "too-deep".into(),
            message: format!("{why}: scanned as text instead of parsed, so names around strings are not known"),
        });
        return input::text::collect(text, base);
    }
    *parsed += text.len();
    match input::js::collect(text, base, dialect) {
        Ok(c) => c,
        Err(e) => {
            notes.push(Note {
                file: name.into(),
                code: "parse-fallback".into(),
                message: format!("could not be parsed as JavaScript ({e}); scanned as text"),
            });
            input::text::collect(text, base)
        }
    }
}
