//! Every rule's examples and negative examples, run through the real parse-and-visit path in
//! several JavaScript shapes, and as plain text.

use super::all;
use crate::{scan, FileKind, Options};

/// JS string escaping for a quote character.
fn escape(value: &str, quote: char) -> String {
    let mut out = String::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            // Only `${` opens a substitution; a lone `$` stays as bundlers print it.
            '$' if quote == '`' && chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out
}

/// The shapes a value takes in real bundles: (label, source, whether the source holds the value
/// byte for byte).
fn shapes(name: &str, value: &str) -> Vec<(&'static str, String, bool)> {
    let plain = !value.contains(['\n', '\r', '\\', '"', '\'', '`', '$']);
    let first = value.chars().next().unwrap();
    let escaped = format!("\\u{:04x}{}", first as u32, escape(&value[first.len_utf8()..], '"'));
    vec![
        ("double quotes", format!("const {name} = \"{}\";\nconsole.log({name});\n", escape(value, '"')), plain),
        ("single quotes", format!("let {name} = '{}';\n", escape(value, '\'')), plain),
        ("template", format!("var {name} = `{}`;\n", escape(value, '`')), plain),
        ("minified", format!("!function(){{var e={{{name}:\"{}\"}};t(e)}}();", escape(value, '"')), plain),
        ("object property", format!("export default {{\n  config: {{ {name}: \"{}\" }},\n}};\n", escape(value, '"')), plain),
        ("escaped", format!("const {name} = \"{escaped}\";\n"), false),
    ]
}

fn split_example<'a>(rule_context: bool, example: &'a str) -> (&'a str, &'a str) {
    match (rule_context, example.split_once('=')) {
        (true, Some((n, v))) => (n, v),
        _ => ("value", example),
    }
}

#[test]
fn every_rule_has_examples_or_is_derived() {
    for r in all() {
        if !r.pattern.is_empty() {
            assert!(!r.examples.is_empty(), "{} has no examples", r.id);
            assert!(!r.negatives.is_empty(), "{} has no negative examples", r.id);
            regex::bytes::RegexBuilder::new(r.pattern).unicode(false).build().unwrap_or_else(|e| panic!("{}: {e}", r.id));
            assert_eq!(
                regex::bytes::RegexBuilder::new(r.pattern).unicode(false).build().unwrap().captures_len(),
                2,
                "{} must have exactly one capture group",
                r.id
            );
        }
    }
}

#[test]
fn ids_are_unique_and_kebab_case() {
    let mut seen = std::collections::HashSet::new();
    for r in all() {
        assert!(seen.insert(r.id), "duplicate id {}", r.id);
        assert!(r.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{}", r.id);
    }
}

#[test]
fn examples_are_found_in_every_shape() {
    let mut failures = Vec::new();
    for r in all() {
        for ex in r.examples {
            let (name, value) = split_example(r.context.is_some(), ex);
            for (label, src, exact) in shapes(name, value) {
                let report = scan(src.as_bytes(), &Options { file: "bundle.js".into(), ..Options::default() });
                let hit = report.findings.iter().find(|f| f.rule_id == r.id);
                match hit {
                    None => failures.push(format!("{} not found ({label}): {src:?} -> {:?}", r.id, report.findings.iter().map(|f| &f.rule_id).collect::<Vec<_>>())),
                    Some(f) => {
                        if exact {
                            let found = &src[f.start..f.end];
                            if !value.contains(found) || found.len() < value.len().min(20) {
                                failures.push(format!("{} ({label}) span {:?} is not the secret", r.id, found));
                            }
                        }
                        if f.secret.len() >= value.len() || (value.len() > 12 && f.secret.contains(&value[..value.len() - 4])) {
                            failures.push(format!("{} ({label}) secret not redacted", r.id));
                        }
                    }
                }
            }
            // As plain text too (a `.env`-style line).
            // A `.env` line; values with spaces are quoted, as dotenv files quote them.
            let text = if value.contains(' ') { format!("{name}=\"{value}\"\n") } else { format!("{name}={value}\n") };
            let report = scan(text.as_bytes(), &Options { file: "notes.txt".into(), kind: Some(FileKind::Text), ..Options::default() });
            if !value.contains('\n') && !report.findings.iter().any(|f| f.rule_id == r.id) {
                failures.push(format!("{} not found in text: {text:?}", r.id));
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn negatives_are_not_found_in_any_shape() {
    let mut failures = Vec::new();
    for r in all() {
        for ex in r.negatives {
            let (name, value) = split_example(r.context.is_some(), ex);
            for (label, src, _) in shapes(name, value) {
                let report = scan(src.as_bytes(), &Options { file: "bundle.js".into(), ..Options::default() });
                if report.findings.iter().any(|f| f.rule_id == r.id) {
                    failures.push(format!("{} matched negative ({label}): {src:?}", r.id));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn context_rules_have_no_keywords() {
    // The engine selects a rule by keyword OR by context: a keyword would let a context rule run
    // on unnamed strings, where its shape-only pattern matches hashes.
    for r in all() {
        if r.context.is_some() && !r.pattern.is_empty() {
            assert!(r.keywords.is_empty(), "{} has a context and keywords", r.id);
        }
        for kw in r.keywords {
            assert_eq!(*kw, kw.to_ascii_lowercase(), "{}: keywords are lowercase", r.id);
            assert!(kw.len() >= 3, "{}: keyword {kw:?} is too short to be selective", r.id);
        }
    }
}

#[test]
fn shapes_are_for_rules_without_keywords() {
    // The engine looks for a rule's shape only when no keyword selects it.
    let shaped: Vec<_> = all().iter().filter(|r| r.shape.is_some()).collect();
    assert!(!shaped.is_empty());
    for r in shaped {
        assert!(r.keywords.is_empty() && r.context.is_none(), "{}: a shape is for a keyword-less rule", r.id);
    }
}

#[test]
fn publishable_rules_are_info_and_say_what_still_matters() {
    for r in all() {
        if r.kind == crate::finding::Kind::Publishable {
            assert_eq!(r.severity, crate::finding::Severity::Info, "{}", r.id);
            assert!(r.allows.contains("ublic") || r.allows.contains("eant for"), "{}: say why it is safe", r.id);
        }
    }
}

/// Long values run keyword rules only around their keywords (`detect::WINDOWED`): that holds
/// only while a rule's keyword is part of the token it finds.
#[test]
fn keywords_are_part_of_the_token() {
    let mut failures = Vec::new();
    for r in all() {
        if r.keywords.is_empty() || r.context.is_some() {
            continue;
        }
        for ex in r.examples {
            let lower = ex.to_ascii_lowercase();
            if !r.keywords.iter().any(|k| lower.contains(k)) {
                failures.push(format!("{}: no keyword in example {ex:?}", r.id));
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// Every example inside a bundle big enough for the windowed search, as a literal among other
/// code and inside one huge string, is found at the same place as in a small file.
#[test]
fn examples_are_found_in_big_files() {
    let pad: String = (0..2500).map(|i| format!("function f{i}(a,b){{return a+b*{i}}}")).collect();
    let mut failures = Vec::new();
    for r in all() {
        for ex in r.examples {
            let (name, value) = split_example(r.context.is_some(), ex);
            let literal = format!("{pad}\nconst {name} = \"{}\";\n{pad}", escape(value, '"'));
            let huge = format!("const {name} = \"{}{}{}\";\n", " ".repeat(70_000), escape(value, '"'), " ".repeat(70_000));
            // A name's rule judges the whole string assigned to the name: no huge string there.
            let shapes = if r.context.is_some() { vec![("literal", literal)] } else { vec![("literal", literal), ("huge string", huge)] };
            for (label, src) in shapes {
                let report = scan(src.as_bytes(), &Options { file: "bundle.js".into(), ..Options::default() });
                match report.findings.iter().find(|f| f.rule_id == r.id) {
                    None => failures.push(format!("{} not found ({label})", r.id)),
                    // Escapes make the span the whole literal (as in small files).
                    Some(f) if escape(value, '"') == value && !value.contains(&src[f.start..f.end]) && r.context.is_none() => {
                        failures.push(format!("{} ({label}) span {}..{} is not the secret", r.id, f.start, f.end))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
