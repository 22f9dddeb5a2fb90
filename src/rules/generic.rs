//! Generic credentials: private keys, JWTs, `Authorization` values, values named as secrets, and
//! known env values.

use super::{Rule, MOVE_TO_SERVER};
use crate::rule;

/// Generic rules.
pub const RULES: &[Rule] = &[
    rule! {
        id: "private-key", provider: "Generic", title: "Private key (PEM)", kind: Secret,
        severity: Error, keywords: &["private key-----"],
        pattern: r"(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----[A-Za-z0-9+/=\s\\:,.\-]{40,}?-----END (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)",
        prefixes: &[
            "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----", "-----BEGIN DSA PRIVATE KEY-----",
            "-----BEGIN OPENSSH PRIVATE KEY-----", "-----BEGIN ENCRYPTED PRIVATE KEY-----",
            "-----BEGIN PGP PRIVATE KEY BLOCK-----", "-----BEGIN PRIVATE KEY-----",
        ],
        min_randomness: 0.0, validator: Pem, context: None,
        allows: "Whatever the key signs or decrypts: TLS, SSH logins, JWT signing, code signing.",
        remedy: "Treat the key as compromised: revoke its certificate or remove it from authorized_keys, issue a new one, and keep private keys out of front-end code entirely.",
        examples: &["-----BEGIN RSA PRIVATE KEY-----\npaC5V9SaU698aStCDFEtGBHfi+63u80ZTIJqtA2yuEu9Jq6jvcmSa+ponxrOdVjW\nVh+fYzYau1YDWCAZqJGe1VcJEuG2BteJd5nylYgNpxgNwz9xsS0/EHVEA9KuTMwa\n11LrYVStLtzi5/4+BtAw9ROqY7Xziw0R05Ern/wsV4MueHxh3h+enxwIzMb\n-----END RSA PRIVATE KEY-----"],
        negatives: &["-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----", "-----BEGIN PUBLIC KEY-----\npaC5V9SaU698aStCDFEtGBHfi+63u80ZTIJqtA2yuEu9Jq6jvcmSa+ponxrOdVjW\n-----END PUBLIC KEY-----"],
    },
    rule! {
        id: "jwt", provider: "Generic", title: "JSON Web Token", kind: Secret,
        severity: Error, keywords: &["eyj"],
        pattern: r"\b(eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{16,})",
        prefixes: &["eyJ"],
        min_randomness: 0.0, validator: Jwt, context: None,
        allows: "Acts as whoever the token was issued to, until it expires.",
        remedy: "Find out who issued it: a long-lived token in a bundle should be revoked (rotate the signing secret if need be) and fetched at run time after a user logs in instead.",
        examples: &["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxODQwMzY0NyIsInNjb3BlIjoiYWRtaW4iLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MjAwMDAwMDAwMH0.PGA_NgZ7UWyGfGnqreYEPkz_IREzKjWAzBAhvOhlVA5"],
        negatives: &["eyJhbGciOiJIUzI1NiJ9.e30.x", "eyJub3QiOiJqc29u.eyJub3QganNvbg.abcdefghijklmnopqrstuvwxyz"],
    },
    rule! {
        id: "authorization-bearer", provider: "Generic", title: "Hard-coded Bearer token", kind: Secret,
        severity: Error, keywords: &["bearer "],
        pattern: r"(?i:\bBearer) ([A-Za-z0-9_\-.~+/]{20,500}=*)(?:$|[^A-Za-z0-9_\-.~+/=])", prefixes: &[],
        min_randomness: 0.75, validator: None, context: None,
        allows: "Authenticates every request that carries it to the API that issued it.",
        remedy: MOVE_TO_SERVER,
        examples: &["Bearer GU0lDBEzBASbngCzJlJYivz6Xv3LKzANbck7kkVB"],
        negatives: &["Bearer ", "Bearer realm=\"example\"", "Bearer YOUR_ACCESS_TOKEN_GOES_HERE"],
    },
    rule! {
        id: "authorization-basic", provider: "Generic", title: "Hard-coded Basic credentials", kind: Secret,
        severity: Error, keywords: &["basic "],
        pattern: r"(?i:\bBasic) ([A-Za-z0-9+/]{12,300}={0,2})(?:$|[^A-Za-z0-9+/=])", prefixes: &[],
        min_randomness: 0.0, validator: BasicAuth, context: None,
        allows: "Logs in as that user to the service that accepts it.",
        remedy: MOVE_TO_SERVER,
        examples: &["Basic c3ZjOnV5WjNZeHdndHFodGpSdFE="],
        negatives: &["Basic dXNlcjpwYXNzd29yZA==", "Basic authentication required"],
    },
    rule! {
        id: "generic-secret", provider: "Generic", title: "Random value named as a secret", kind: Generic,
        severity: Error, keywords: &[],
        pattern: r"^\s*([\x21-\x7e]{12,256})\s*$", prefixes: &[],
        min_randomness: 0.85, validator: None,
        context: Some(r"secret|passw(?:or)?d|pass(?:phrase|wd)?$|pwd$|private.?key|client.?secret|signing.?key|encryption.?key|master.?key|credentials?$"),
        allows: "Unknown provider: whatever the service behind the name grants.",
        remedy: "If this is a real credential, rotate it and move its use to a server; if it is public, allow it in secretgate.config.json with a reason.",
        examples: &["clientSecret=Ksu1Qo4dPqjLo40O8a0Wt0jm0ug5GI6V", "DB_PASSWORD=Xq7!vR2#pL9@wK4m"],
        negatives: &["clientSecret=changeme", "password=correct horse battery staple", "secretName=MyApplicationSecretName", "passwordHash=5f4dcc3b5aa765d61d8327deb882cf99", "clientSecret=00000000-0000-0000-0000-000000000000"],
    },
    rule! {
        id: "generic-api-key", provider: "Generic", title: "Random value named as an API key or token", kind: Generic,
        severity: Warning, keywords: &[],
        pattern: r"^\s*([A-Za-z0-9_\-.+/=:]{20,256})\s*$", prefixes: &[],
        min_randomness: 0.85, validator: None,
        context: Some(r"api.?key|apikey|access.?key|auth.?token|access.?token|api.?token|refresh.?token|bearer|authorization|x-api-key|^token$|_token$|secret.?key"),
        allows: "Unknown provider: whatever the API behind the name grants. Many client-side keys are public; check which this is.",
        remedy: "If the provider documents this key as public, allow it with a reason in secretgate.config.json; otherwise rotate it and call the API from a server.",
        examples: &["apiKey=q8Zr2vN5xW1tY7uK3pL9mC4bH6"],
        negatives: &["apiKey=your-api-key-here", "apiKey=process.env.API_KEY", "accessToken=Authorization token has expired"],
    },
    rule! {
        id: "env-value", provider: "Environment", title: "Value of a private environment variable", kind: Secret,
        severity: Error, keywords: &[], pattern: "", prefixes: &[],
        min_randomness: 0.0, validator: None, context: None,
        allows: "Whatever that variable's credential grants: it was meant to stay on the build machine or server.",
        remedy: "Rotate the value, stop exposing the variable to the client (rename it without the public prefix, or remove it from define/DefinePlugin), and use it from a server.",
        examples: &[],
        negatives: &[],
    },
];
