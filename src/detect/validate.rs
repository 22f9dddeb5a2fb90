//! Offline checks that turn a pattern match into a verdict: checksums, JWT claims, PEM structure,
//! decoded credentials. None of them touches the network.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine as _;

use super::entropy::{is_placeholder, looks_like_words, randomness};
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
        Validator::StripeKey => stripe_key(secret, cx),
        Validator::GoogleApiKey => google_api_key(cx),
        Validator::Base64Json => accept(base64_json(rule, secret)),
        Validator::Password => accept(connection_password(secret)),
        Validator::UserPass => accept(user_pass(secret)),
        Validator::Bech32 => accept(bech32(secret)),
        Validator::Jwt => match jwt(secret, cx.hints.now_secs) {
            JwtVerdict::Invalid => Verdict::Reject,
            JwtVerdict::Auth0Management { expired } => Verdict::Relabel {
                rule_id: "auth0-management-token",
                severity: expired.then_some(Severity::Warning),
                detail: Some(if expired {
                    "Its `exp` claim lies in the past, so it no longer works unless the issuer ignores expiry.".into()
                } else {
                    jwt_claims_detail(secret).unwrap_or_else(|| "Its audience is the tenant's Management API.".into())
                }),
            },
            JwtVerdict::Other { expired: false } => match jwt_claims_detail(secret) {
                Some(detail) => Verdict::Relabel { rule_id: rule.id, severity: None, detail: Some(detail) },
                None => Verdict::Accept,
            },
            JwtVerdict::SupabaseServiceRole => Verdict::Relabel { rule_id: "supabase-service-role-key", severity: None, detail: None },
            JwtVerdict::SupabaseAnon => Verdict::Relabel { rule_id: "supabase-anon-key", severity: None, detail: None },
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
    /// An Auth0 Management API token (audience `https://<tenant>/api/v2/`).
    Auth0Management {
        /// `exp` lies before `now`.
        expired: bool,
    },
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
    let audiences: Vec<&str> = match payload.get("aud") {
        Some(serde_json::Value::String(a)) => vec![a.as_str()],
        Some(serde_json::Value::Array(list)) => list.iter().filter_map(|a| a.as_str()).collect(),
        _ => Vec::new(),
    };
    if iss.contains("auth0.com") && audiences.iter().any(|a| a.ends_with("/api/v2/")) {
        return JwtVerdict::Auth0Management { expired };
    }
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
    let mut b64 = String::new();
    let mut headers = false;
    // Lines end in real newlines, or in `\n` escapes when the key sits in raw JS text.
    for chunk in body.split(|c: char| c.is_whitespace()).flat_map(|l| l.split("\\n")).flat_map(|l| l.split("\\r")) {
        let chunk = chunk.trim();
        if chunk.is_empty() || chunk.contains(':') || chunk.contains(',') {
            headers |= !chunk.is_empty();
            continue; // Proc-Type / DEK-Info headers of encrypted keys
        }
        if !chunk.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')) {
            return false;
        }
        total += chunk.len();
        // A PGP armor's CRC-24 line (`=abcd`) is not part of the key.
        if !(chunk.starts_with('=') && chunk.len() == 5) {
            b64.push_str(chunk);
        }
    }
    total >= 40 && pem_structure(block, &b64, headers)
}

/// When the body decodes, it must start like the key its label names: a DER `SEQUENCE` (PKCS#1,
/// PKCS#8, SEC1, encrypted PKCS#8), OpenSSH's magic, or an OpenPGP packet. Bodies that do not
/// decode whole (a key pasted with odd wrapping) get the benefit of the doubt; legacy encrypted
/// PEM and PGP armor headers mean the body is not inspected.
fn pem_structure(block: &str, b64: &str, headers: bool) -> bool {
    let label = block.find("-----BEGIN ").map(|b| &block[b + 11..]).and_then(|r| r.split("-----").next()).unwrap_or("");
    if headers && !label.starts_with("PGP ") {
        return true;
    }
    let Ok(der) = STANDARD.decode(b64) else { return true };
    let Some(&first) = der.first() else { return false };
    if label.starts_with("OPENSSH ") {
        der.starts_with(b"openssh-key-v1\0")
    } else if label.starts_with("PGP ") {
        first & 0x80 != 0
    } else {
        first == 0x30
    }
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
    // Decoding is bounded: a value encoded twice is looked into once more, never further.
    let mut current = b64.to_string();
    let mut text = String::new();
    for _ in 0..MAX_DECODE_DEPTH {
        let Ok(bytes) = STANDARD.decode(&current).or_else(|_| STANDARD_NO_PAD.decode(current.trim_end_matches('='))) else {
            return false;
        };
        let Ok(decoded) = String::from_utf8(bytes) else { return false };
        let again = decoded.len() >= 12 && decoded.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
        if !again {
            text = decoded;
            break;
        }
        current = decoded;
    }
    let text = text.as_str();
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

/// How many base64 layers a credential is unwrapped through.
pub const MAX_DECODE_DEPTH: usize = 2;

/// Stripe's prefixes are shared: Paystack keys are `sk_live_` plus 40 lowercase hex characters
/// (Stripe bodies are mixed-case base62), Clerk publishable keys are `pk_` plus the base64 of
/// their Frontend API host and a `$`, and Clerk secret keys differ from Stripe's only by name.
fn stripe_key(secret: &str, cx: &Context<'_>) -> Verdict {
    let mut parts = secret.splitn(3, '_');
    let (Some(kind), Some(mode), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
        return Verdict::Reject;
    };
    if body.len() == 40 && body.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Verdict::Reject;
    }
    if kind == "pk" && clerk_frontend_host(body) {
        return Verdict::Relabel { rule_id: "clerk-publishable-key", severity: None, detail: None };
    }
    if kind == "sk" && cx.name.is_some_and(|n| n.contains("clerk")) {
        let severity = (mode == "test").then_some(Severity::Warning);
        return Verdict::Relabel { rule_id: "clerk-secret-key", severity, detail: None };
    }
    Verdict::Accept
}

/// A Clerk publishable key's body: base64 of a host name followed by `$`.
pub fn clerk_frontend_host(body: &str) -> bool {
    let Ok(bytes) = STANDARD_NO_PAD.decode(body.trim_end_matches('=')) else { return false };
    let Ok(text) = std::str::from_utf8(&bytes) else { return false };
    let Some(host) = text.strip_suffix('$') else { return false };
    host.contains('.') && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
}

/// The context regex of a rule that only other rules' validators produce.
fn derived_context(rule_id: &str) -> Option<&'static regex::Regex> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static CACHE: OnceLock<HashMap<&'static str, regex::Regex>> = OnceLock::new();
    CACHE
        .get_or_init(|| {
            crate::rules::all()
                .iter()
                .filter(|r| r.pattern.is_empty())
                .filter_map(|r| Some((r.id, regex::Regex::new(r.context?).ok()?)))
                .collect()
        })
        .get(rule_id)
}

/// A Google API key is the same shape whatever it unlocks; the name it was given tells a Gemini
/// key (billed model calls: a secret) from a Maps key (browser use by design).
fn google_api_key(cx: &Context<'_>) -> Verdict {
    let Some(name) = cx.name else { return Verdict::Accept };
    for id in ["google-gemini-api-key", "google-maps-api-key"] {
        if derived_context(id).is_some_and(|re| re.is_match(name)) {
            return Verdict::Relabel { rule_id: id, severity: None, detail: None };
        }
    }
    Verdict::Accept
}

/// The body after the rule's prefix is base64 (standard or URL-safe) of a JSON object, optionally
/// followed by `_` and a checksum (1Password service account tokens, Sentry org tokens).
pub fn base64_json(rule: &Rule, secret: &str) -> bool {
    let body = rule.prefixes.iter().find_map(|p| secret.strip_prefix(p)).unwrap_or(secret);
    let decodes = |part: &str| -> bool {
        let part = part.trim_end_matches('=');
        let bytes = URL_SAFE_NO_PAD.decode(part).or_else(|_| STANDARD_NO_PAD.decode(part));
        bytes.ok().and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok()).is_some_and(|v| v.is_object())
    };
    decodes(body) || body.rsplit_once('_').is_some_and(|(head, _)| decodes(head))
}

/// A password from a connection string or JDBC URL: not a template or a documented default.
pub fn connection_password(pw: &str) -> bool {
    pw.len() >= 6 && !weak_placeholder_password(pw) && !pw.starts_with('{') && !pw.starts_with('@')
}

/// `user:password` typed out in code (and encoded at run time, `btoa("user:pass")`): the user is
/// a plain name, the password is not a placeholder, a word, a path or another `a:b` pair.
pub fn user_pass(text: &str) -> bool {
    let Some((user, pw)) = text.split_once(':') else { return false };
    let scheme = matches!(
        user.to_ascii_lowercase().as_str(),
        "http" | "https" | "urn" | "mailto" | "data" | "javascript" | "bearer" | "basic" | "token"
    );
    !user.is_empty()
        && !scheme
        && pw.len() >= 6
        && !pw.contains(':')
        && !pw.contains("//")
        && !weak_placeholder_password(pw)
        && !looks_like_words(pw.as_bytes())
        && randomness(pw.as_bytes()) >= 0.6
        && pw.bytes().any(|b| !b.is_ascii_alphabetic())
        && pw.bytes().any(|b| b.is_ascii_alphabetic())
}

/// Bech32 (BIP 173) checksum, as age secret keys carry.
pub fn bech32(s: &str) -> bool {
    const CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    const GEN: [u32; 5] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3];
    let lower = s.to_ascii_lowercase();
    let Some(sep) = lower.rfind('1') else { return false };
    let (hrp, data) = (&lower[..sep], &lower[sep + 1..]);
    if hrp.is_empty() || data.len() < 6 {
        return false;
    }
    let mut values: Vec<u32> = hrp.bytes().map(|b| (b >> 5) as u32).collect();
    values.push(0);
    values.extend(hrp.bytes().map(|b| (b & 31) as u32));
    for b in data.bytes() {
        let Some(v) = CHARSET.iter().position(|&c| c == b) else { return false };
        values.push(v as u32);
    }
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x1ff_ffff) << 5) ^ v;
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk == 1
}

/// A sentence about what a JWT's claims grant, when they say something a reader should weigh:
/// an admin or service role, or write and admin scopes.
pub fn jwt_claims_detail(token: &str) -> Option<String> {
    let payload = b64url_json(token.split('.').nth(1)?)?;
    let mut grants: Vec<String> = Vec::new();
    for key in ["role", "roles", "scope", "scp", "permissions"] {
        let values: Vec<String> = match payload.get(key) {
            Some(serde_json::Value::String(s)) => s.split_whitespace().map(str::to_string).collect(),
            Some(serde_json::Value::Array(list)) => list.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
            _ => continue,
        };
        for v in values {
            let l = v.to_ascii_lowercase();
            if ["admin", "service", "write", "delete", "root", "owner", "superuser", "update", "create"].iter().any(|w| l.contains(w)) {
                grants.push(format!("`{key}: {v}`"));
            }
        }
    }
    grants.truncate(4);
    (!grants.is_empty()).then(|| format!("Its claims grant {}.", grants.join(", ")))
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

    #[test]
    fn basic_auth_unwraps_at_most_two_layers() {
        let once = STANDARD.encode("svc:uyZ3YxwgtqhtjRtQ");
        let twice = STANDARD.encode(&once);
        let thrice = STANDARD.encode(&twice);
        assert!(basic_auth(&once));
        assert!(basic_auth(&twice));
        assert!(!basic_auth(&thrice));
    }

    #[test]
    fn bech32_checks_the_checksum() {
        // BIP 173's own valid test string.
        assert!(bech32("A12UEL5L"));
        assert!(!bech32("A12UEL5M"));
    }

    #[test]
    fn clerk_hosts_and_user_pass() {
        assert!(clerk_frontend_host(&STANDARD_NO_PAD.encode("clerk.shop.test$")));
        assert!(!clerk_frontend_host("Zv43FnEEBl91VQAJVPmAT3Bl"));
        assert!(user_pass("svc_reports:Qh7-vR2pL9wK4m"));
        assert!(!user_pass("admin:password"));
        assert!(!user_pass("urn:ietf:params:oauth"));
        assert!(!user_pass("https://example.com"));
    }

    #[test]
    fn pem_structure_follows_the_label() {
        let rsa = format!("-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----", STANDARD.encode([0x30u8; 48]));
        let not_der = format!("-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----", STANDARD.encode([0x41u8; 48]));
        assert!(pem(&rsa));
        assert!(!pem(&not_der));
    }
}
