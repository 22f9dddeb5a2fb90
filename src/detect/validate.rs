//! Offline checks that turn a pattern match into a verdict: checksums, JWT claims, PEM structure,
//! decoded credentials. None of them touches the network.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine as _;

use super::entropy::is_placeholder;
use super::FileHints;
use crate::finding::Severity;
use crate::rules::{Rule, Validator};

/// What a validator knows besides the value.
pub struct Context<'a> {
    /// The lowercased last component of the name the value was assigned to.
    pub name: Option<&'a str>,
    /// Facts about the whole file.
    pub hints: FileHints,
}

/// A validator's verdict on a pattern match.
pub enum Verdict {
    /// Not a secret after all.
    Reject,
    /// The rule stands.
    Accept,
    /// Report it as another rule (a JWT whose claims say Supabase `service_role`), optionally with
    /// another severity and an extra sentence for the message.
    Relabel {
        /// The rule to report instead.
        rule_id: &'static str,
        /// Severity, when not that rule's default.
        severity: Option<Severity>,
        /// Extra sentence for the message.
        detail: Option<String>,
    },
}

/// Runs `rule`'s validator on `secret`. New validators are added here and in [`Validator`].
pub fn check(rule: &Rule, secret: &str, cx: &Context<'_>) -> Verdict {
    let accept = |ok: bool| if ok { Verdict::Accept } else { Verdict::Reject };
    match rule.validator {
        Validator::None => Verdict::Accept,
        Validator::Crc32Base62 => accept(crc32_base62(secret)),
        Validator::DiscordId => accept(discord_id(secret)),
        Validator::UrlCredentials => accept(url_credentials(secret)),
        Validator::BasicAuth => accept(basic_auth(secret)),
        Validator::Jwt => match jwt(secret, cx.hints.now_secs) {
            JwtVerdict::Invalid => Verdict::Reject,
            JwtVerdict::SupabaseServiceRole => Verdict::Relabel { rule_id: "supabase-service-role-key", severity: None, detail: None },
            JwtVerdict::SupabaseAnon => Verdict::Relabel { rule_id: "supabase-anon-key", severity: None, detail: None },
            JwtVerdict::Other { expired: false } => Verdict::Accept,
            JwtVerdict::Other { expired: true } => Verdict::Relabel {
                rule_id: rule.id,
                severity: Some(Severity::Warning),
                detail: Some("Its `exp` claim lies in the past, so it no longer works unless the issuer ignores expiry.".into()),
            },
        },
        Validator::Pem => {
            if !pem(secret) {
                return Verdict::Reject;
            }
            let named_key = cx.name.is_some_and(|l| l.contains("private_key") || l.contains("privatekey"));
            if cx.hints.service_account && (named_key || secret.starts_with("-----BEGIN PRIVATE KEY-----")) {
                Verdict::Relabel { rule_id: "gcp-service-account-key", severity: None, detail: None }
            } else {
                Verdict::Accept
            }
        }
    }
}

/// CRC-32 (IEEE 802.3), as GitHub and npm use for their token checksums.
pub fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c ^= b as u32;
        for _ in 0..8 {
            c = (c >> 1) ^ (0xEDB8_8320 & (c & 1).wrapping_neg());
        }
    }
    !c
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A `prefix_` + 30 base62 characters + 6-character base62 CRC32 token (GitHub, npm).
pub fn crc32_base62(token: &str) -> bool {
    let Some(us) = token.find('_') else { return false };
    let body = &token.as_bytes()[us + 1..];
    if body.len() != 36 {
        return false;
    }
    let (entropy, check) = body.split_at(30);
    let mut value: u64 = 0;
    for &c in check {
        let Some(d) = BASE62.iter().position(|&x| x == c) else { return false };
        value = value * 62 + d as u64;
    }
    value == crc32(entropy) as u64
}

/// What a JWT's claims say about it.
#[derive(Debug, PartialEq, Eq)]
pub enum JwtVerdict {
    /// Not a JWT after all: header or payload is not base64url JSON.
    Invalid,
    /// Supabase `service_role`.
    SupabaseServiceRole,
    /// Supabase `anon`.
    SupabaseAnon,
    /// Any other token; `expired` when `exp` is in the past (relative to `now`).
    Other {
        /// `exp` lies before `now`.
        expired: bool,
    },
}

fn b64url_json(part: &str) -> Option<serde_json::Value> {
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Decodes a JWT's header and payload and reads its claims.
pub fn jwt(token: &str, now_secs: Option<f64>) -> JwtVerdict {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(_sig)) = (parts.next(), parts.next(), parts.next()) else {
        return JwtVerdict::Invalid;
    };
    let (Some(header), Some(payload)) = (b64url_json(h), b64url_json(p)) else {
        return JwtVerdict::Invalid;
    };
    if !header.is_object() || header.get("alg").is_none() || !payload.is_object() {
        return JwtVerdict::Invalid;
    }
    let role = payload.get("role").and_then(|r| r.as_str()).unwrap_or("");
    let iss = payload.get("iss").and_then(|r| r.as_str()).unwrap_or("");
    let supabase = iss.contains("supabase") || payload.get("ref").is_some();
    if supabase && role == "service_role" {
        return JwtVerdict::SupabaseServiceRole;
    }
    if supabase && role == "anon" {
        return JwtVerdict::SupabaseAnon;
    }
    let expired = match (payload.get("exp").and_then(|e| e.as_f64()), now_secs) {
        (Some(exp), Some(now)) => exp < now,
        _ => false,
    };
    JwtVerdict::Other { expired }
}

/// A PEM private key block: a body of at least 40 base64 characters, lines of base64 only (or
/// `Proc-Type`/`DEK-Info` headers of encrypted keys).
pub fn pem(block: &str) -> bool {
    // The body sits between the BEGIN line's closing dashes and `-----END`.
    let Some(after_begin) = block.find("-----BEGIN").and_then(|b| block[b + 10..].find("-----").map(|e| b + 10 + e + 5)) else {
        return false;
    };
    let end = block[after_begin..].find("-----END").map(|e| after_begin + e).unwrap_or(block.len());
    let body = &block[after_begin..end];
    let mut total = 0usize;
    // Lines end in real newlines, or in `\n` escapes when the key sits in raw JS text.
    for chunk in body.split(|c: char| c.is_whitespace()).flat_map(|l| l.split("\\n")).flat_map(|l| l.split("\\r")) {
        let chunk = chunk.trim();
        if chunk.is_empty() || chunk.contains(':') || chunk.contains(',') {
            continue; // Proc-Type / DEK-Info headers of encrypted keys
        }
        if !chunk.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')) {
            return false;
        }
        total += chunk.len();
    }
    total >= 40
}

/// The first part of a Discord bot token is the bot's numeric user id in base64.
pub fn discord_id(token: &str) -> bool {
    let first = token.split('.').next().unwrap_or("");
    let decoded = STANDARD_NO_PAD
        .decode(first)
        .or_else(|_| URL_SAFE_NO_PAD.decode(first))
        .unwrap_or_default();
    decoded.len() >= 17 && decoded.iter().all(u8::is_ascii_digit)
}

/// Passwords that are documentation or templates, not credentials.
fn weak_placeholder_password(pw: &str) -> bool {
    const COMMON: &[&str] = &[
        "password", "pass", "passwd", "secret", "pwd", "changeme", "admin", "root", "test", "user", "username",
        "example", "guest", "demo", "postgres", "mysql", "redis", "mongo", "123456", "12345678", "qwerty",
    ];
    let lower = pw.to_ascii_lowercase();
    is_placeholder(pw) || COMMON.contains(&lower.as_str()) || pw.starts_with('$') || pw.starts_with('%') || pw.starts_with(':')
}

/// `scheme://user:password@host`: the password must not be a template or a documented dummy, and
/// the host must not be a documentation host.
pub fn url_credentials(url: &str) -> bool {
    let Some(rest) = url.split("://").nth(1) else { return false };
    let Some(at) = rest.rfind('@') else { return false };
    let (userinfo, host) = rest.split_at(at);
    let Some((_user, pw)) = userinfo.split_once(':') else { return false };
    let host = host.trim_start_matches('@');
    let doc_host = ["example.com", "example.org", "example.net", "host", "hostname", "your-host", "domain.com"]
        .iter()
        .any(|h| host == *h || host.starts_with(&format!("{h}:")) || host.starts_with(&format!("{h}/")));
    !pw.is_empty() && !weak_placeholder_password(pw) && !doc_host
}

/// `Basic <base64>` that decodes to `user:password` with a real-looking password.
pub fn basic_auth(b64: &str) -> bool {
    let Ok(bytes) = STANDARD.decode(b64).or_else(|_| STANDARD_NO_PAD.decode(b64.trim_end_matches('='))) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else { return false };
    match text.split_once(':') {
        Some((user, pw)) => {
            !user.is_empty()
                && pw.len() >= 6
                && !weak_placeholder_password(pw)
                && text.chars().all(|c| !c.is_control())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn basic_auth_rejects_documentation_passwords() {
        assert!(!basic_auth("dXNlcjpwYXNzd29yZA==")); // user:password
        assert!(basic_auth("c3ZjOnV5WjNZeHdndHFodGpSdFE="));
    }
}
