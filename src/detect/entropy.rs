//! How random a value looks, measured against its own alphabet and length, and the shapes that
//! are never secrets however random they look (placeholders, UUIDs, doc examples).

/// The smallest common alphabet a value is drawn from, as its size.
fn alphabet_size(s: &[u8]) -> f64 {
    let (mut lower, mut upper, mut digit, mut b64, mut other) = (false, false, false, false, false);
    let mut hex_only = true;
    for &b in s {
        match b {
            b'a'..=b'f' => lower = true,
            b'g'..=b'z' => {
                lower = true;
                hex_only = false
            }
            b'A'..=b'F' => upper = true,
            b'G'..=b'Z' => {
                upper = true;
                hex_only = false
            }
            b'0'..=b'9' => digit = true,
            b'+' | b'/' | b'-' | b'_' | b'=' => {
                b64 = true;
                hex_only = false
            }
            _ => {
                other = true;
                hex_only = false
            }
        }
    }
    if hex_only && !(lower && upper) {
        return 16.0;
    }
    if other {
        return 94.0;
    }
    let letters = match (lower, upper) {
        (true, true) => 52.0,
        (false, false) => 0.0f64,
        _ => 26.0,
    };
    let n: f64 = letters + if digit { 10.0 } else { 0.0 } + if b64 { 4.0 } else { 0.0 };
    n.max(2.0)
}

/// Shannon entropy of the byte distribution, in bits per character.
pub fn shannon(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Randomness of `s` as a share of what a uniformly random string of the same alphabet and length
/// would show: about 1.0 for random keys, well below for words, identifiers and repeated runs.
///
/// The expectation uses the Miller-Madow bias of the plug-in entropy estimate, so short values are
/// judged against what short random values really reach rather than against `log2(alphabet)`.
pub fn randomness(s: &[u8]) -> f64 {
    if s.len() < 2 {
        return 0.0;
    }
    let k = alphabet_size(s);
    let n = s.len() as f64;
    let ideal = k.log2().min(n.log2());
    let expected = (ideal - (k.min(n) - 1.0) / (2.0 * n * std::f64::consts::LN_2)).max(1.0);
    shannon(s) / expected
}

/// Does `s` look like a word-built identifier (`MyApplicationSecretName`, `primary_button_label`)
/// rather than a random token? Random tokens switch between letter case and digits often; names
/// are long runs of lowercase letters.
pub fn looks_like_words(s: &[u8]) -> bool {
    let letters = s.iter().filter(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 {
        return false;
    }
    // snake_case, kebab-case or dotted words: every part alphabetic, none all-caps noise.
    let parts: Vec<&[u8]> = s.split(|b| matches!(b, b'_' | b'-' | b'.' | b' ')).filter(|p| !p.is_empty()).collect();
    if parts.len() >= 2 && parts.iter().all(|p| p.len() >= 2 && p.iter().all(u8::is_ascii_alphabetic)) {
        return true;
    }
    // The longest run of lowercase letters, and how many vowels the letters have.
    let mut longest = 0;
    let mut run = 0;
    for &b in s {
        if b.is_ascii_lowercase() {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    // CamelCase and PascalCase: most letters sit in runs shaped like words (`Staging`,
    // `location`); random base62 puts only about a fifth of its letters in such runs.
    let mut in_words = 0;
    let mut i = 0;
    while i < s.len() {
        let start = i;
        if s[i].is_ascii_uppercase() {
            i += 1;
        }
        let lower_start = i;
        while i < s.len() && s[i].is_ascii_lowercase() {
            i += 1;
        }
        if i - lower_start >= 3 {
            in_words += i - start;
        }
        if i == start {
            i += 1;
        }
    }
    if in_words * 10 >= letters * 7 {
        return true;
    }
    let digits = s.iter().filter(|b| b.is_ascii_digit()).count();
    let vowels = s.iter().filter(|b| matches!(b.to_ascii_lowercase(), b'a' | b'e' | b'i' | b'o' | b'u')).count();
    let vowel_share = vowels as f64 / letters as f64;
    // Random base62 rarely has a lowercase run of 8, and has about 19% vowels among letters.
    (longest >= 8 && digits * 4 < s.len()) || (vowel_share > 0.34 && digits == 0 && letters * 10 >= s.len() * 9)
}

/// Placeholders and documentation examples: never reported, whatever the rule.
pub fn is_placeholder(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "example", "your_", "your-", "yourkey", "yourtoken", "placeholder", "dummy", "sample", "redacted",
        "insert", "changeme", "change_me", "replace", "xxxx", "****", "....", "${", "{{", "<", ">",
        "process.env", "import.meta", "todo", "fixme", "notreal", "not_real", "not-real", "fake_", "test_key",
        "my_api", "my-api", "api_key_here", "key_here", "token_here", "secret_here",
    ];
    // Written as a word: `xxxx`, `XXXX`, `Example`, `EXAMPLE`. Mixed case (`xXxX`, `ToDo`) is
    // chance inside a random token: one random 40-character AWS secret in 5,000 holds `xxxx`
    // in some mix of cases, and was dismissed as a placeholder.
    let as_word = |w: &[u8]| {
        let lower = w.iter().all(|c| !c.is_ascii_uppercase());
        let upper = w.iter().all(|c| !c.is_ascii_lowercase());
        let title = w.first().is_some_and(|c| c.is_ascii_uppercase()) && w[1..].iter().all(|c| !c.is_ascii_uppercase());
        lower || upper || title
    };
    let b = s.as_bytes();
    let folded = lower.as_bytes();
    for w in WORDS {
        // Every place, overlapping ones too (`xXXXXx` holds `XXXX` at 1): `lower` has the same
        // bytes at the same offsets, ASCII folded.
        let w = w.as_bytes();
        if folded.windows(w.len()).enumerate().any(|(i, f)| f == w && as_word(&b[i..i + w.len()])) {
            return true;
        }
    }
    // A run of six identical characters, or an ascending run of eight (123456789, abcdefgh).
    let mut same = 1;
    let mut asc = 1;
    for w in b.windows(2) {
        same = if w[0] == w[1] { same + 1 } else { 1 };
        asc = if w[1] == w[0].wrapping_add(1) { asc + 1 } else { 1 };
        if same >= 6 || asc >= 8 {
            return true;
        }
    }
    false
}

/// `8-4-4-4-12` hex: a UUID, an identifier, never a secret on its own shape.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_keys_score_high_and_words_low() {
        assert!(randomness(b"Ksu1Qo4dPqjLo40O8a0Wt0jm0ug5GI6V") > 0.9);
        assert!(randomness(b"8d4ff2c1a93be50e7a6d1c04b3f9e2a7") > 0.9);
        assert!(randomness(b"aaaaaaaaaaaaaaaaaaaaaaaa") < 0.2);
        assert!(looks_like_words(b"MyApplicationSecretName"));
        assert!(looks_like_words(b"correct_horse_battery_staple"));
        assert!(looks_like_words(b"S3StagingLocation"));
        assert!(looks_like_words(b"DatabaseCredentials2"));
        assert!(!looks_like_words(b"Ksu1Qo4dPqjLo40O8a0Wt0jm0ug5GI6V"));
    }

    #[test]
    fn placeholders() {
        assert!(is_placeholder("AKIAIOSFODNN7EXAMPLE"));
        assert!(is_placeholder("sk_live_xxxxxxxxxxxxxxxx"));
        assert!(is_placeholder("your-api-key-here"));
        assert!(is_placeholder("1234567890abcdef"));
        assert!(!is_placeholder("Ksu1Qo4dPqjLo40O8a0Wt0jm0ug5GI6V"));
        assert!(is_placeholder("sk_live_XXXXXXXXXXXXXXXX"));
        assert!(is_placeholder("Example-Key-0123"));
        assert!(is_placeholder("my-secret-TODO"));
        // the same letters in a random mix of cases are chance, not a placeholder
        assert!(!is_placeholder("FbOCv1uJ2/xsfcCO0RHlIDIr8Ced+rzTCDIxxXxp"));
        assert!(!is_placeholder("ieJRhEsiJY5q/1vpXlYBgpoKuYxgxPtll/TxXxXm"));
        assert!(!is_placeholder("h2Rk9ToDoQp4Zs8Lw1Vx7Nc3Bm6Jf0Gt"));
        // a word-shaped marker is found where a mixed-case one overlaps it
        assert!(is_placeholder("h2Rk9xXXXXxQp4Zs8Lw1Vx7Nc3Bm6Jf0"));
        assert!(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
    }
}
