//! `docs/rules.md` is rendered from the rules data; this test fails when the committed file is
//! stale. `UPDATE_RULES_DOC=1 cargo test --test rules_doc` rewrites it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use secretgate::rules::{self, Rule, Validator};
use secretgate::{Kind, Severity};

fn kind(k: Kind) -> &'static str {
    match k {
        Kind::Secret => "secret",
        Kind::Publishable => "publishable",
        Kind::Identifier => "identifier",
        Kind::Generic => "generic",
    }
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// How a rule decides, in words a reader of the reference understands.
fn how(r: &Rule) -> String {
    let mut parts = Vec::new();
    if r.pattern.is_empty() {
        parts.push("reported when another rule's check recognises the value (see the rule's text)".to_string());
    } else if !r.prefixes.is_empty() && !r.prefixes[0].is_empty() {
        let shown: Vec<String> = r.prefixes.iter().take(4).map(|p| format!("`{}`", p.replace('\n', "\\n"))).collect();
        parts.push(format!("starts with {}", shown.join(", ")));
    }
    if let (Some(ctx), false) = (r.context, r.pattern.is_empty()) {
        parts.push(format!("only when the value is named like `{}` (a shape alone is not enough)", ctx.replace('|', "\\|")));
    }
    let check = match r.validator {
        Validator::None => None,
        Validator::Crc32Base62 => Some("CRC32 checksum verified"),
        Validator::Jwt => Some("JWT decoded: claims decide the rule, an expired `exp` lowers it to a warning"),
        Validator::Pem => Some("PEM structure checked (base64 body, DER/OpenSSH/OpenPGP start)"),
        Validator::DiscordId => Some("first part must decode to a numeric Discord id"),
        Validator::UrlCredentials => Some("password must not be a placeholder or documentation host"),
        Validator::BasicAuth => Some("base64 decoded (at most two layers) to `user:password` with a real password"),
        Validator::StripeKey => Some("Paystack and Clerk keys with the same prefix are told apart"),
        Validator::GoogleApiKey => Some("the name decides Gemini (secret) or Maps (publishable)"),
        Validator::Base64Json => Some("body must decode to a JSON object"),
        Validator::Password => Some("password must not be a placeholder or a default"),
        Validator::UserPass => Some("password must look machine-made, not a placeholder or word"),
        Validator::Bech32 => Some("Bech32 checksum verified"),
    };
    if let Some(c) = check {
        parts.push(c.to_string());
    }
    if r.min_randomness > 0.0 && !r.pattern.is_empty() {
        parts.push(format!("randomness at least {:.0}% of a random string's", r.min_randomness * 100.0));
    }
    parts.join("; ")
}

fn render() -> String {
    let all = rules::all();
    let mut out = String::new();
    out.push_str("# Rules reference\n\n");
    out.push_str("<!-- Generated from src/rules/*.rs by tests/rules_doc.rs: do not edit by hand. Regenerate with `UPDATE_RULES_DOC=1 cargo test --test rules_doc`. -->\n\n");
    let providers: BTreeMap<&str, Vec<&str>> = all.iter().fold(BTreeMap::new(), |mut m, r| {
        m.entry(r.provider).or_insert_with(Vec::new).push(r.id);
        m
    });
    let _ = writeln!(
        out,
        "{} rules for {} providers. Every finding's message ends with `See docs/rules.md#<rule id>`, which links to its entry below.\n",
        all.len(),
        providers.keys().filter(|p| !matches!(**p, "Generic" | "Environment")).count()
    );
    out.push_str("Severity is the default (override it per rule in `secretgate.config.json`). Kind says what the value means once it ships: a **secret** grants access no browser should have; a **publishable** key is public by design (info only: check the restrictions named); an **identifier** names an account or key without granting access alone; a **generic** finding is a random value whose name says it is a secret.\n\n");
    out.push_str("## Providers\n\n| Provider | Rules |\n| --- | --- |\n");
    for (p, ids) in &providers {
        let links: Vec<String> = ids.iter().map(|id| format!("[{id}](#{id})")).collect();
        let _ = writeln!(out, "| {p} | {} |", links.join(", "));
    }
    out.push('\n');
    for r in all {
        let _ = writeln!(out, "## {}\n", r.id);
        let _ = writeln!(out, "**{}** ({}) · kind: {} · severity: {}\n", r.title, r.provider, kind(r.kind), severity(r.severity));
        let how = how(r);
        if !how.is_empty() {
            let _ = writeln!(out, "- **Detected:** {how}.");
        }
        let _ = writeln!(out, "- **What it allows:** {}", r.allows);
        let _ = writeln!(out, "- **What to do:** {}\n", r.remedy);
    }
    out
}

#[test]
fn rules_doc_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
    let fresh = render();
    if std::env::var_os("UPDATE_RULES_DOC").is_some() {
        std::fs::write(path, &fresh).expect("write docs/rules.md");
        return;
    }
    let current = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        current == fresh,
        "docs/rules.md is stale: run `UPDATE_RULES_DOC=1 cargo test --test rules_doc` and commit the result"
    );
}

#[test]
fn every_rule_has_an_entry_and_text() {
    let doc = render();
    for r in rules::all() {
        assert!(doc.contains(&format!("\n## {}\n", r.id)), "{} has no entry", r.id);
        assert!(r.allows.len() > 20 && r.remedy.len() > 10, "{} needs allows and remedy text", r.id);
    }
}
