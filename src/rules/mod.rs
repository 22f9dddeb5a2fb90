//! Rules as data: one file per provider family, each rule with a stable id, what its key means
//! in a front end, keywords for the prefilter, a pattern with one capture group, a validator, and
//! (in test builds) examples and negative examples that a test runs through the real scan path.
//!
//! Examples exist only under `cfg(test)`, so no example value is compiled into the `.wasm`.

use crate::finding::{Kind, Severity};

mod ai;
mod cloud;
mod comms;
mod data;
mod generic;
mod identity;
mod maps;
mod monitoring;
mod payments;
mod productivity;
mod source;

/// How a candidate match is checked after its pattern matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validator {
    /// The pattern is enough (a long fixed prefix and a fixed length).
    None,
    /// GitHub/npm style: the last six base62 characters are the CRC32 of the 30 before them.
    Crc32Base62,
    /// A JWT: decoded, its claims decide the kind (Supabase roles, expiry).
    Jwt,
    /// A PEM private key block with a body of base64 lines.
    Pem,
    /// A Discord bot token: the first part is a base64 Discord user id (digits only).
    DiscordId,
    /// A URL with a user and password: the password must not be a placeholder.
    UrlCredentials,
    /// `Basic <base64>`: decodes to `user:password`.
    BasicAuth,
    /// Stripe-shaped `sk_`/`rk_`/`pk_` keys: a 40-hex body is Paystack's, a publishable body that
    /// decodes to `host$` is Clerk's, and a secret named for Clerk is Clerk's.
    StripeKey,
    /// A Google API key: named for Gemini it is a Gemini key (a secret), named for Maps it is a
    /// Maps key (publishable).
    GoogleApiKey,
    /// The part after the prefix (up to an `_` checksum) is base64 of a JSON object.
    Base64Json,
    /// A password taken from a connection string: not a placeholder or a documented default.
    Password,
    /// `user:password` in plain text: a real-looking password.
    UserPass,
    /// A Bech32 string (age keys): the checksum must hold.
    Bech32,
}

/// A fixed shape of a token that has no fixed text to be a keyword.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    /// `<23-27 token chars>.<6 token chars>.` (Discord bot tokens).
    DottedToken,
}

/// One detector.
#[derive(Debug)]
pub struct Rule {
    /// Stable id, the key into `docs/rules.md`: never renamed.
    pub id: &'static str,
    /// Who issues the key.
    pub provider: &'static str,
    /// What the value is, for messages: "Stripe live secret key".
    pub title: &'static str,
    /// What it means in a front end.
    pub kind: Kind,
    /// Default severity.
    pub severity: Severity,
    /// Lowercase keywords; at least one must occur in a string for the pattern to run.
    pub keywords: &'static [&'static str],
    /// A regex with exactly one capture group: the secret.
    pub pattern: &'static str,
    /// Fixed prefixes kept visible when redacting (the first one the secret starts with).
    pub prefixes: &'static [&'static str],
    /// Minimum randomness of the secret after its prefix, as a share of what a random string of
    /// the same alphabet and length would have (0 turns the check off).
    pub min_randomness: f64,
    /// The check after the pattern.
    pub validator: Validator,
    /// When set, the value must sit in a context (assigned name or nearby text) matching this
    /// lowercase regex: used for formats that are only a shape (40 base64 characters).
    pub context: Option<&'static str>,
    /// For a rule without keywords: the fixed shape that finds the places it can match, so that
    /// its regex runs only there (see `detect`).
    pub shape: Option<Shape>,
    /// What the key allows.
    pub allows: &'static str,
    /// What to do about it: rotate, move the call to a server.
    pub remedy: &'static str,
    /// Values the rule must find, each as the bare secret.
    #[cfg(test)]
    pub examples: &'static [&'static str],
    /// Values the rule must not find.
    #[cfg(test)]
    pub negatives: &'static [&'static str],
}

/// Every rule, in a stable order.
pub fn all() -> &'static [&'static Rule] {
    use std::sync::OnceLock;
    static ALL: OnceLock<Vec<&'static Rule>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut v: Vec<&'static Rule> = Vec::new();
        for family in [
            cloud::RULES,
            payments::RULES,
            ai::RULES,
            source::RULES,
            comms::RULES,
            data::RULES,
            monitoring::RULES,
            identity::RULES,
            maps::RULES,
            productivity::RULES,
            generic::RULES,
        ] {
            v.extend(family.iter());
        }
        v
    })
}

/// Looks a rule up by id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    all().iter().copied().find(|r| r.id == id)
}

/// Builds a [`Rule`] with defaults, keeping rule files short. Test-only fields (`examples`,
/// `negatives`) are dropped outside tests.
#[macro_export]
#[doc(hidden)]
macro_rules! rule {
    (
        id: $id:expr, provider: $provider:expr, title: $title:expr, kind: $kind:ident,
        severity: $sev:ident, keywords: $kw:expr, pattern: $pat:expr, prefixes: $prefixes:expr,
        min_randomness: $rand:expr, validator: $val:ident, context: $ctx:expr,
        allows: $allows:expr, remedy: $remedy:expr,
        examples: $ex:expr, negatives: $neg:expr $(, shape: $shape:ident)? $(,)?
    ) => {
        $crate::rules::Rule {
            id: $id,
            provider: $provider,
            title: $title,
            kind: $crate::finding::Kind::$kind,
            severity: $crate::finding::Severity::$sev,
            keywords: $kw,
            pattern: $pat,
            prefixes: $prefixes,
            min_randomness: $rand,
            validator: $crate::rules::Validator::$val,
            context: $ctx,
            shape: $crate::rule_shape!($($shape)?),
            allows: $allows,
            remedy: $remedy,
            #[cfg(test)]
            examples: $ex,
            #[cfg(test)]
            negatives: $neg,
        }
    };
}

/// A rule's optional `shape:` (see [`rule!`]).
#[macro_export]
#[doc(hidden)]
macro_rules! rule_shape {
    () => {
        None
    };
    ($shape:ident) => {
        Some($crate::rules::Shape::$shape)
    };
}

/// Remedy text shared by keys that must live on a server.
pub(crate) const MOVE_TO_SERVER: &str =
    "Rotate the key now (it has shipped), keep the new one in server-side code or a secrets manager, and call the API from your backend instead of the browser.";

#[cfg(test)]
mod tests;
