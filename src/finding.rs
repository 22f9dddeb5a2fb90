//! The output of a scan: findings, per-file notes and stats, and the two things every finding
//! carries about its secret without revealing it: a redacted form and a stable fingerprint.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// How much a finding matters to a build. `Error` fails a build by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a build by default (publishable keys).
    Info,
    /// Likely a problem; a person should look.
    Warning,
    /// A secret is about to ship: fail the build.
    Error,
}

impl Severity {
    /// Parses the configuration spelling (`error`, `warning`, `info`).
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// What a matched value means once it sits in a front end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Grants access no browser should have: rotate it.
    Secret,
    /// Public by design (Stripe `pk_`, Firebase web config, Sentry DSN).
    Publishable,
    /// Names an account or key without granting access on its own (AWS access key ID).
    Identifier,
    /// A random-looking value whose context names a secret; no provider format known.
    Generic,
}

/// A location in an original source, found through a source map.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OriginalLocation {
    /// The source's name as the map gives it (`webpack://app/src/config.js`, `../src/main.ts`).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// Why a finding does not count: an inline `secretgate-ignore` comment in the original source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// The text after the marker; empty when none was given.
    pub reason: String,
}

/// One secret (or publishable key) found in one place.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable rule id, the key into `docs/rules.md`.
    pub rule_id: String,
    /// Who issued the key.
    pub provider: String,
    /// How much it matters.
    pub severity: Severity,
    /// What it means in a front end.
    pub kind: Kind,
    /// What it is and what to do about it.
    pub message: String,
    /// The scanned file's path as the caller named it.
    pub file: String,
    /// 1-based line of the secret's first character.
    pub line: u32,
    /// 1-based column in UTF-16 code units.
    pub column: u32,
    /// 1-based line after the secret's last character.
    pub end_line: u32,
    /// 1-based column (UTF-16) just past the secret: exclusive.
    pub end_column: u32,
    /// Byte offset of the secret in the scanned input.
    pub start: usize,
    /// Byte offset just past the secret.
    pub end: usize,
    /// The redacted secret: the provider's fixed prefix and at most four more characters.
    pub secret: String,
    /// Hash of rule id and secret value: survives renamed files and moved lines.
    pub fingerprint: String,
    /// The name the value was assigned to (`apiKey`, `headers.Authorization`).
    pub context: Option<String>,
    /// The call the value was passed to (`new Stripe`, `initializeApp`).
    pub call: Option<String>,
    /// The environment variable the value came from, when known.
    pub env_var: Option<String>,
    /// Where the secret is in the original source, through a source map.
    pub original: Option<OriginalLocation>,
    /// Set when an inline ignore comment covers this finding.
    pub suppressed: Option<Suppression>,
    /// The whole value: only when the caller asked for `showSecrets`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_secret: Option<String>,
}

/// Something the caller should know about how a file was scanned.
#[derive(Clone, Debug, Serialize)]
pub struct Note {
    /// The file (or map source) the note is about.
    pub file: String,
    /// Machine-readable: `parse-fallback`, `too-deep`, `sourcemap-invalid`, `invalid-utf8`, ...
    pub code: String,
    /// For people.
    pub message: String,
}

/// Counters for one scan.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    /// Bytes of input.
    pub bytes: usize,
    /// Strings (literals, template parts, comments, JSON values) examined.
    pub strings: usize,
    /// Bytes parsed as JavaScript: none when the raw bytes show nothing a rule could report, only
    /// the statements around what they show in a big file.
    pub parsed: usize,
    /// Milliseconds spent, filled in by the caller that owns a clock.
    pub ms: f64,
}

/// Everything one scan found out about one file.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The path the caller gave.
    pub file: String,
    /// How the file was read: `js`, `html`, `json`, `css`, `sourcemap`, `text`.
    pub kind: &'static str,
    /// Sorted by start offset, then rule id.
    pub findings: Vec<Finding>,
    /// Parse fallbacks and other per-file remarks.
    pub notes: Vec<Note>,
    /// Counters.
    pub stats: Stats,
    /// For a source map: the first first-party source that is server-side code.
    #[serde(rename = "serverSource", skip_serializing_if = "Option::is_none")]
    pub server_source: Option<crate::server_source::ServerSource>,
}

/// Redacts `secret`: keeps the provider's fixed `prefix` (when the secret starts with it) and at
/// most four more characters, fewer for short values, so the output never carries enough to use
/// or guess the value.
pub fn redact(secret: &str, prefix: &str) -> String {
    let (kept_prefix, rest) = match secret.strip_prefix(prefix) {
        Some(rest) if !prefix.is_empty() => (prefix, rest),
        _ => ("", secret),
    };
    let n = rest.chars().count();
    // A quarter of the variable part, at most four characters: a 12-character password shows 3.
    let show = (n / 4).min(4);
    let shown: String = rest.chars().take(show).collect();
    format!("{kept_prefix}{shown}…")
}

/// A stable fingerprint of a finding: the first 16 bytes of SHA-256 over the rule id and value.
pub fn fingerprint(rule_id: &str, secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(rule_id.as_bytes());
    h.update([0u8]);
    h.update(secret.as_bytes());
    let digest = h.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_prefix_and_at_most_four() {
        assert_eq!(redact("sk_live_abcdefghijklmnopqrstuvwx", "sk_live_"), "sk_live_abcd…");
        assert_eq!(redact("hunter2hunter", ""), "hun…");
        assert_eq!(redact("abc", ""), "…");
        assert_eq!(redact("ghp_x", "sk_"), "g…");
    }

    #[test]
    fn fingerprint_is_stable_and_rule_scoped() {
        assert_eq!(fingerprint("a", "v"), fingerprint("a", "v"));
        assert_ne!(fingerprint("a", "v"), fingerprint("b", "v"));
        assert_eq!(fingerprint("a", "v").len(), 32);
    }
}
