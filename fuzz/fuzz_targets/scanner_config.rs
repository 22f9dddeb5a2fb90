// Fuzz target: the scanner configuration (known env values and rule overrides, the Rust side of
// what npm/config.js and the plugins pass in), then a scan of text that holds those values.
// With no override, every plain occurrence of a secret value of 8+ bytes must be reported.
#![no_main]
use libfuzzer_sys::fuzz_target;
use secretgate::{rules, Config, FileKind, KnownValue, Scanner, Severity};
use secretgate_fuzz::scan_and_check;

fuzz_target!(|input: (Vec<(String, String)>, Vec<(u8, u8)>, String, u8)| {
    let (values, overrides, text, kind) = input;
    let all = rules::all();
    let mut config = Config::default();
    for (name, value) in values.into_iter().take(16) {
        config.known_values.push(KnownValue { name, value, secret: true });
    }
    for (rule, level) in overrides.into_iter().take(8) {
        let id = all[rule as usize % all.len()].id.to_string();
        let sev = match level % 4 {
            0 => None,
            1 => Some(Severity::Error),
            2 => Some(Severity::Warning),
            _ => Some(Severity::Info),
        };
        config.rule_overrides.insert(id, sev);
    }
    let no_overrides = config.rule_overrides.is_empty();
    let values: Vec<String> = config.known_values.iter().map(|k| k.value.clone()).collect();
    // The text embeds the values so the automaton has something to find.
    let mut body = text.clone();
    for v in &values {
        body.push_str(" x = ");
        body.push_str(v);
        body.push('\n');
    }
    let kind = [FileKind::Text, FileKind::Js, FileKind::Json, FileKind::Html][kind as usize % 4];
    let scanner = Scanner::new(config);
    let report = scan_and_check(&scanner, body.as_bytes(), "fuzz.txt", Some(kind), None);
    if no_overrides && kind == FileKind::Text {
        for v in values.iter().filter(|v| v.len() >= 8) {
            let mut from = 0;
            while let Some(p) = body[from..].find(v.as_str()) {
                let (s, e) = (from + p, from + p + v.len());
                assert!(
                    report.findings.iter().any(|f| f.start < e && s < f.end),
                    "known secret value at {s}..{e} not reported"
                );
                from = s + v.chars().next().map(char::len_utf8).unwrap_or(1);
            }
        }
    }
});
