//! End-to-end tests of `scan` on whole files: planted keys in minified bundles with exact
//! positions, UTF-16 columns, parse fallback, deep nesting, source maps, HTML, JSON, env values,
//! and redaction. Keys are generated here at run time (fake, format-valid).

use base64::Engine as _;
use secretgate::{scan, Config, FileKind, KnownValue, Options, Report, Scanner};

/// A tiny deterministic generator: fake keys, different per seed, never real.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick(&mut self, alphabet: &str, n: usize) -> String {
        let a = alphabet.as_bytes();
        (0..n).map(|_| a[(self.next() % a.len() as u64) as usize] as char).collect()
    }
}

const B62: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn github_token(rng: &mut Rng) -> String {
    let body = rng.pick(B62, 30);
    let mut n = secretgate::detect::validate::crc32(body.as_bytes()) as u64;
    let mut check = String::new();
    while n > 0 {
        check.insert(0, B62.as_bytes()[(n % 62) as usize] as char);
        n /= 62;
    }
    format!("ghp_{body}{check:0>6}")
}

fn jwt(payload: &str, rng: &mut Rng) -> String {
    let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!("{}.{}.{}", e(r#"{"alg":"HS256","typ":"JWT"}"#), e(payload), rng.pick(B62, 43))
}

fn opts(file: &str) -> Options {
    Options { file: file.into(), ..Options::default() }
}

/// 1-based line and UTF-16 column of byte `at` in `src`, computed independently of the crate.
fn position(src: &str, at: usize) -> (u32, u32) {
    let before = &src[..at];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = src[line_start..at].encode_utf16().count() as u32 + 1;
    (line, col)
}

fn assert_found(report: &Report, src: &str, rule: &str, key: &str) {
    let at = src.find(key).unwrap_or_else(|| panic!("{rule}: key not in source"));
    let f = report
        .findings
        .iter()
        .find(|f| f.rule_id == rule && f.start == at)
        .unwrap_or_else(|| panic!("{rule} not found at byte {at}; got {:?}", report.findings.iter().map(|f| (&f.rule_id, f.start)).collect::<Vec<_>>()));
    assert_eq!(&src[f.start..f.end], key, "{rule}: span");
    assert_eq!((f.line, f.column), position(src, at), "{rule}: line/column");
    assert_eq!((f.end_line, f.end_column), position(src, at + key.len()), "{rule}: end");
    assert!(!f.secret.contains(&key[key.len() - 6..]), "{rule}: secret not redacted: {}", f.secret);
}

#[test]
fn planted_keys_in_a_minified_bundle_have_exact_positions() {
    let mut rng = Rng(0x5eed_1234_abcd);
    let stripe = format!("sk_live_{}", rng.pick(B62, 24));
    let gh = github_token(&mut rng);
    let openai = format!("sk-proj-{}T3BlbkFJ{}", rng.pick(B62, 40), rng.pick(B62, 40));
    let slack = format!("xoxb-{}-{}-{}", rng.pick("0123456789", 12), rng.pick("0123456789", 13), rng.pick(B62, 24));
    let sendgrid = format!("SG.{}.{}", rng.pick(B62, 22), rng.pick(B62, 43));
    let aws_id = format!("AKIA{}", rng.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16));
    let aws_secret = rng.pick(B62, 40);
    let service = jwt(r#"{"iss":"supabase","ref":"abcdefghijklmnopqrst","role":"service_role","iat":1700000000,"exp":4000000000}"#, &mut rng);
    let src = format!(
        "!function(){{\"use strict\";var e=window,t={{a:1}};function n(e){{return e+1}}\n\
         const r=new Stripe(\"{stripe}\"),o={{headers:{{Authorization:\"token {gh}\"}}}};fetch(\"/x\",o);\
         var i={{apiKey:\"{openai}\",slack:\"{slack}\"}},s=\"{sendgrid}\";\n\
         e.aws={{accessKeyId:\"{aws_id}\",secretAccessKey:\"{aws_secret}\"}};const c=createClient(\"https://x.supabase.co\",\"{service}\");\
         n(r,o,i,s,c)}}();\n"
    );
    let report = scan(src.as_bytes(), &opts("dist/assets/index-3f2a.js"));
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    assert_found(&report, &src, "stripe-secret-key", &stripe);
    assert_found(&report, &src, "github-token", &gh);
    assert_found(&report, &src, "openai-api-key", &openai);
    assert_found(&report, &src, "slack-token", &slack);
    assert_found(&report, &src, "sendgrid-api-key", &sendgrid);
    assert_found(&report, &src, "aws-access-key-id", &aws_id);
    assert_found(&report, &src, "aws-secret-access-key", &aws_secret);
    assert_found(&report, &src, "supabase-service-role-key", &service);
    let stripe_f = report.findings.iter().find(|f| f.rule_id == "stripe-secret-key").unwrap();
    assert_eq!(stripe_f.call.as_deref(), Some("new Stripe"));
    let gh_f = report.findings.iter().find(|f| f.rule_id == "github-token").unwrap();
    assert_eq!(gh_f.context.as_deref(), Some("headers.Authorization"));
}

#[test]
fn utf16_columns_and_byte_offsets_both_point_at_the_secret() {
    let mut rng = Rng(77);
    let key = format!("sk_live_{}", rng.pick(B62, 24));
    let src = format!("const t=\"Конфигурация 😀 — ключ\";\nconst s = {{ label: \"€ 😀😀\", key: \"{key}\" }};\n");
    let report = scan(src.as_bytes(), &opts("a.js"));
    let f = &report.findings[0];
    assert_eq!(&src[f.start..f.end], key);
    let line2: Vec<u16> = src.lines().nth(1).unwrap().encode_utf16().collect();
    let col0 = (f.column - 1) as usize;
    assert_eq!(String::from_utf16(&line2[col0..col0 + key.len()]).unwrap(), key);
    assert_eq!(f.line, 2);
}

#[test]
fn unparseable_javascript_is_scanned_as_text_with_a_note() {
    let mut rng = Rng(99);
    let key = format!("sk_live_{}", rng.pick(B62, 24));
    let src = format!("const a = {{ stripe: \"{key}\" ;;; }} ) function (");
    let report = scan(src.as_bytes(), &opts("broken.js"));
    assert!(report.notes.iter().any(|n| n.code == "parse-fallback"), "{:?}", report.notes);
    assert_found(&report, &src, "stripe-secret-key", &key);
}

#[test]
fn concatenated_halves_are_joined() {
    let mut rng = Rng(5);
    let key = format!("sk_live_{}", rng.pick(B62, 24));
    let (a, b) = key.split_at(14);
    for src in [format!("var k=\"{a}\"+\"{b}\";"), format!("var k='{a}'.concat('{b}');"), format!("var k=`{a}`+'{b}'+x;")] {
        let report = scan(src.as_bytes(), &opts("c.js"));
        let f = report.findings.iter().find(|f| f.rule_id == "stripe-secret-key").unwrap_or_else(|| panic!("not joined: {src}"));
        assert_eq!(f.start, src.find(a).unwrap());
        assert_eq!(f.end, src.find(b).unwrap() + b.len());
    }
}

#[test]
fn deep_nesting_falls_back_to_text_and_still_finds_the_key() {
    let mut rng = Rng(11);
    let key = format!("sk_live_{}", rng.pick(B62, 24));
    let n = 100_000;
    // Each shape around an innermost value, followed by the key's own statement.
    let deep = |shape: &str, inner: &str| -> String {
        match shape {
            "brackets" => format!("x={}{inner}{}", "[".repeat(n), "]".repeat(n)),
            "objects" => format!("x={}{inner}{}", "{a:".repeat(n), "}".repeat(n)),
            "parens" => format!("x={}{inner}{}", "(".repeat(n), ")".repeat(n)),
            "plus chain" => format!("x={inner}{}", "+\"a\"".repeat(20_000)),
            "ternaries" => format!("x={}{inner}", "a?b:".repeat(n)),
            _ => format!("x={}{inner}{}", "`${".repeat(n), "}`".repeat(n)),
        }
    };
    for label in ["brackets", "objects", "parens", "plus chain", "ternaries", "templates"] {
        let src = format!("{};var k=\"{key}\";", deep(label, "1"));
        // Parsed whole, the file is too deep: scanned as text, with a note.
        let whole = scan(src.as_bytes(), &Options { region_from: Some(usize::MAX), ..opts("deep.js") });
        assert!(whole.notes.iter().any(|n| n.code == "too-deep"), "{label}: {:?}", whole.notes);
        assert!(whole.findings.iter().any(|f| f.rule_id == "stripe-secret-key"), "{label}: key lost");
        // Parsed around the key, only the key's statement is parsed: its name is known.
        let report = scan(src.as_bytes(), &opts("deep.js"));
        assert!(report.notes.iter().all(|n| n.code != "too-deep"), "{label}: {:?}", report.notes);
        let f = report.findings.iter().find(|f| f.rule_id == "stripe-secret-key").unwrap_or_else(|| panic!("{label}: key lost"));
        assert_eq!(f.context.as_deref(), Some("k"), "{label}");
        // The key inside the deep part: its statement is too deep, so the file is read as text.
        let inside = format!("{};var k=1;", deep(label, &format!("\"{key}\"")));
        let report = scan(inside.as_bytes(), &opts("deep.js"));
        assert!(report.notes.iter().any(|n| n.code == "too-deep"), "{label} (inside): {:?}", report.notes);
        assert!(report.findings.iter().any(|f| f.rule_id == "stripe-secret-key"), "{label} (inside): key lost");
    }
}

#[test]
fn source_map_gives_original_location_and_honours_ignore_comments() {
    let mut rng = Rng(21);
    let key = format!("sk_live_{}", rng.pick(B62, 24));
    let key2 = format!("rk_live_{}", rng.pick(B62, 24));
    let bundle = format!("var a=\"{key}\",b=\"{key2}\";\n");
    let original = format!("// config\nexport const stripe =\n  \"{key}\";\n// secretgate-ignore-next-line test fixture\nexport const r = \"{key2}\";\n");
    let mut b = sourcemap::SourceMapBuilder::new(Some("bundle.js"));
    let src_id = b.add_source("../src/config.js");
    b.set_source_contents(src_id, Some(&original));
    let col1 = bundle.find(&key).unwrap() as u32 - 1; // the opening quote
    let col2 = bundle.find(&key2).unwrap() as u32 - 1;
    b.add_raw(0, col1, 2, 2, Some(src_id), None, false);
    b.add_raw(0, col2, 4, 17, Some(src_id), None, false);
    let mut map = Vec::new();
    b.into_sourcemap().to_writer(&mut map).unwrap();
    let report = scan(bundle.as_bytes(), &Options { file: "bundle.js".into(), source_map: Some(String::from_utf8(map).unwrap()), ..Options::default() });
    let f = report.findings.iter().find(|f| f.rule_id == "stripe-secret-key").unwrap();
    let o = f.original.as_ref().expect("original");
    assert_eq!((o.file.as_str(), o.line), ("../src/config.js", 3));
    assert!(f.suppressed.is_none());
    let r = report.findings.iter().find(|f| f.rule_id == "stripe-restricted-key").unwrap();
    assert_eq!(r.suppressed.as_ref().map(|s| s.reason.as_str()), Some("test fixture"));

    // A broken map degrades to bundle locations with a note.
    let report = scan(bundle.as_bytes(), &Options { file: "bundle.js".into(), source_map: Some("{not json".into()), ..Options::default() });
    assert!(report.notes.iter().any(|n| n.code == "sourcemap-invalid"));
    assert!(report.findings.iter().all(|f| f.original.is_none()));
    assert_eq!(report.findings.len(), 2);
}

#[test]
fn map_files_scan_each_source_content() {
    let mut rng = Rng(31);
    let key = format!("sk_live_{}", rng.pick(B62, 24));
    let src = format!("const a = 1;\nconst stripeKey = \"{key}\";\n");
    let map = serde_json::json!({"version":3,"sources":["src/pay.ts","src/other.js"],"sourcesContent":["let x: number = 1;", src],"mappings":"AAAA","names":[]});
    let text = map.to_string();
    let report = scan(text.as_bytes(), &opts("dist/app.js.map"));
    assert_eq!(report.kind, "sourcemap");
    let f = report.findings.iter().find(|f| f.rule_id == "stripe-secret-key").expect("found in sourcesContent");
    let o = f.original.as_ref().unwrap();
    assert_eq!((o.file.as_str(), o.line, o.column), ("src/other.js", 2, 20));
    assert_eq!(&text[f.start..f.end], key);
}

#[test]
fn html_inline_scripts_and_attributes() {
    let mut rng = Rng(41);
    let key = format!("sk_live_{}", rng.pick(B62, 24));
    let gh = github_token(&mut rng);
    let page = format!("<!doctype html><html><head><meta name=\"api-token\" content=\"{gh}\"></head><body>\n<script>\n  window.cfg = {{ stripe: '{key}' }}\n</script><button onclick=\"pay('{key}')\">Pay</button></body></html>");
    let report = scan(page.as_bytes(), &opts("index.html"));
    assert_found(&report, &page, "stripe-secret-key", &key);
    assert_found(&report, &page, "github-token", &gh);
    let n = report.findings.iter().filter(|f| f.rule_id == "stripe-secret-key").count();
    assert_eq!(n, 2, "the inline script and the handler");
}

#[test]
fn json_values_carry_their_key() {
    let mut rng = Rng(51);
    let secret = rng.pick(B62, 32);
    let json = format!("{{\n  \"name\": \"app\",\n  \"oauth\": {{ \"client_secret\": \"{secret}\" }}\n}}");
    let report = scan(json.as_bytes(), &opts("config.json"));
    let f = report.findings.iter().find(|f| f.rule_id == "generic-secret").expect("generic secret");
    assert_eq!(f.context.as_deref(), Some("client_secret"));
    assert_eq!(&json[f.start..f.end], secret);
}

#[test]
fn known_env_values_are_found_plain_base64_and_url_encoded() {
    let mut rng = Rng(61);
    let value = format!("{}/{}+{}", rng.pick(B62, 10), rng.pick(B62, 10), rng.pick(B62, 6));
    let stripe = format!("sk_live_{}", rng.pick(B62, 24));
    let scanner = Scanner::new(Config {
        known_values: vec![
            KnownValue { name: "INTERNAL_TOKEN".into(), value: value.clone(), secret: true },
            KnownValue { name: "VITE_STRIPE_SECRET_KEY".into(), value: stripe.clone(), secret: false },
            KnownValue { name: "SHORT".into(), value: "abc".into(), secret: true },
        ],
        ..Config::default()
    });
    let b64 = base64::engine::general_purpose::STANDARD.encode(&value);
    let url = value.replace('/', "%2F").replace('+', "%2B");
    let src = format!("a(\"{value}\");b(\"{b64}\");c(\"https://x/?t={url}\");d(\"{stripe}\");e(\"abc\")");
    let report = scanner.scan(src.as_bytes(), &opts("env.js"));
    let env: Vec<_> = report.findings.iter().filter(|f| f.rule_id == "env-value").collect();
    assert_eq!(env.len(), 3, "{:?}", report.findings.iter().map(|f| (&f.rule_id, f.start)).collect::<Vec<_>>());
    assert!(env.iter().all(|f| f.env_var.as_deref() == Some("INTERNAL_TOKEN")));
    let s = report.findings.iter().find(|f| f.rule_id == "stripe-secret-key").unwrap();
    assert_eq!(s.env_var.as_deref(), Some("VITE_STRIPE_SECRET_KEY"));
}

#[test]
fn no_output_holds_a_whole_secret() {
    let mut rng = Rng(71);
    let keys = [format!("sk_live_{}", rng.pick(B62, 24)), github_token(&mut rng), rng.pick(B62, 32)];
    let src = format!("const a=\"{}\",b=\"{}\";const clientSecret=\"{}\";", keys[0], keys[1], keys[2]);
    let report = scan(src.as_bytes(), &opts("r.js"));
    assert_eq!(report.findings.len(), 3);
    let json = serde_json::to_string(&report).unwrap();
    for k in &keys {
        assert!(!json.contains(k.as_str()), "a whole secret in the report");
        assert!(!json.contains(&k[4..k.len() - 2]), "most of a secret in the report");
    }
    // Only on request.
    let shown = scan(src.as_bytes(), &Options { file: "r.js".into(), show_secrets: true, ..Options::default() });
    assert!(serde_json::to_string(&shown).unwrap().contains(keys[0].as_str()));
}

#[test]
fn text_files_and_odd_encodings() {
    let mut rng = Rng(81);
    let key = format!("sk_live_{}", rng.pick(B62, 24));
    let env = format!("# deployed by mistake\nSTRIPE_SECRET_KEY={key}\n");
    let report = scan(env.as_bytes(), &opts(".env.production"));
    assert_found(&report, &env, "stripe-secret-key", &key);
    // Invalid UTF-8 before the key: noted, and the key is still found.
    let mut bytes = b"var a=\"\xff\xfe\";".to_vec();
    bytes.extend(format!("var k=\"{key}\";").bytes());
    let report = scan(&bytes, &opts("bad.js"));
    assert!(report.notes.iter().any(|n| n.code == "invalid-utf8"));
    assert!(report.findings.iter().any(|f| f.rule_id == "stripe-secret-key"));
    // UTF-16 LE with a BOM.
    let mut utf16 = vec![0xFF, 0xFE];
    for u in format!("k=\"{key}\"").encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    let report = scan(&utf16, &Options { file: "w.txt".into(), kind: Some(FileKind::Text), ..Options::default() });
    assert!(report.findings.iter().any(|f| f.rule_id == "stripe-secret-key"));
}

#[test]
fn empty_and_garbage_inputs_never_panic() {
    for input in [&b""[..], b"\0\0\0", b"{", b"\"", b"`${", b"/*", b"<script>", b"-----BEGIN RSA PRIVATE KEY-----"] {
        for file in ["a.js", "a.html", "a.json", "a.css", "a.map", "a.txt", "a.ts"] {
            let _ = scan(input, &opts(file));
        }
    }
}

/// JavaScript over `MAX_PARSE_BYTES` is read as text with a note (a parse would need ~37 bytes
/// per byte): its keys are still found at their places.
#[test]
fn too_large_to_parse_is_scanned_as_text() {
    let mut rng = Rng(7);
    let stripe = format!("sk_live_{}", rng.pick(B62, 24));
    let filler = "function f(a){return a+1}\n".repeat(secretgate::MAX_PARSE_BYTES / 26 + 1);
    let src = format!("{filler}const k = \"{stripe}\";\n");
    let report = scan(src.as_bytes(), &opts("big.js"));
    assert!(report.notes.iter().any(|n| n.code == "too-large-to-parse"), "{:?}", report.notes);
    assert_found(&report, &src, "stripe-secret-key", &stripe);
}
