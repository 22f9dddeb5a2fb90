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

/// Findings of `src` parsed only around what the raw bytes show, and parsed whole.
fn findings_by_regions_and_whole(src: &str) -> (String, String) {
    let by = |region_from| {
        let report = scan(src.as_bytes(), &Options { file: "bundle.js".into(), region_from: Some(region_from), ..Options::default() });
        serde_json::to_string_pretty(&report.findings).expect("findings serialise")
    };
    (by(0), by(usize::MAX))
}

#[test]
fn examples_and_negatives_give_the_same_findings_parsed_by_regions_or_whole() {
    let mut failures = Vec::new();
    for r in all() {
        for ex in r.examples.iter().chain(r.negatives) {
            let (name, value) = split_example(r.context.is_some(), ex);
            for (label, src, _) in shapes(name, value) {
                let (regions, whole) = findings_by_regions_and_whole(&src);
                if regions != whole {
                    failures.push(format!("{} ({label}): {src:?}\nregions: {regions}\nwhole: {whole}", r.id));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// Real bundles with rule examples planted in random string literals (bare values; named values
/// as `(({"name":"value"})["name"])` where a literal is assigned to a name; AWS key IDs with a bare
/// secret key in a literal after them): parsed by regions, the same findings as parsed whole.
/// The bundles are the test apps' dependencies, which `npm install` puts in node_modules before
/// `cargo test` runs (README, .ci/run).
#[test]
fn planted_examples_in_real_bundles_give_the_same_findings_parsed_by_regions_or_whole() {
    const SAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.:/+=@";
    // (file, whether it is a script that can also be wrapped in a function as webpack wraps a
    // bundle, so that the regions are statements of function bodies)
    let files = [
        ("node_modules/mapbox-gl/dist/mapbox-gl.js", true),
        ("node_modules/chart.js/dist/chart.umd.min.js", true),
        ("node_modules/chart.js/dist/chart.js", false),
        ("node_modules/react-dom/cjs/react-dom-client.production.js", true),
        ("node_modules/lodash/lodash.js", true),
    ];
    // (rule, name for a named value, value)
    let mut values: Vec<(&str, Option<&str>, &str)> = Vec::new();
    for r in all() {
        for ex in r.examples {
            let (name, value) = split_example(r.context.is_some(), ex);
            if value.bytes().all(|b| SAFE.contains(&b)) && value.len() >= 8 {
                values.push((r.id, r.context.is_some().then_some(name), value));
            }
        }
    }
    let aws_id = values.iter().find(|v| v.0 == "aws-access-key-id").expect("an AWS key ID example").2;
    let aws_secret = values.iter().find(|v| v.0 == "aws-secret-access-key").expect("an AWS secret key example").2;
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as usize
    };
    let (mut planted_total, mut found_total, mut failures) = (0, 0, Vec::new());
    let mut parsed_share: Vec<(&str, f64)> = Vec::new();
    let mut sources = Vec::new();
    for (file, script) in files {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e} (run `npm install` first)"));
        if script {
            sources.push((format!("{file} in an arrow IIFE"), format!("(()=>{{{src}\n}})();")));
            sources.push((format!("{file} in a function IIFE"), format!("!function(){{{src}\n}}();")));
        }
        sources.push((file.to_string(), src));
    }
    for (file, src) in &sources {
        let (file, src) = (file.as_str(), src.as_str());
        // String literals whose source is their value, between matching quotes.
        let slots: Vec<(usize, usize, bool)> = crate::input::js::collect(&src, 0, crate::input::js::Dialect::Js)
            .expect("the bundle parses")
            .into_iter()
            .filter(|c| c.segments.len() == 1 && c.segments[0].exact)
            .map(|c| (c.segments[0].src_start, c.segments[0].src_end, c.context.is_some()))
            .filter(|&(s, e, _)| {
                let b = src.as_bytes();
                s > 0 && e < b.len() && crate::detect::QUOTES.contains(&b[s - 1]) && b[e] == b[s - 1]
            })
            .collect();
        assert!(slots.len() > 100, "{file}: only {} literals", slots.len());
        for round in 0..6 {
            let mut picks: Vec<usize> = (0..12).map(|_| next(slots.len())).collect();
            picks.sort_unstable();
            picks.dedup();
            let mut edits: Vec<(usize, usize, String, &str)> = Vec::new();
            for &k in &picks {
                let (s, e, named) = slots[k];
                if edits.last().is_some_and(|l| l.1 > s - 1) {
                    continue;
                }
                let (rule, name, value) = values[next(values.len())];
                if rule == "aws-access-key-id" {
                    // A bare secret key in the next literal within a few KB.
                    if let Some(&(s2, e2, _)) = slots.get(k + 1).filter(|n| n.0 < s + 3000) {
                        edits.push((s, e, aws_id.to_string(), rule));
                        edits.push((s2, e2, aws_secret.to_string(), "aws-secret-access-key"));
                        continue;
                    }
                }
                match name {
                    // Not a property key (`{"a":…}`, `{"a"(){…}}`), which also gets the name around it.
                    Some(name) if named && !matches!(src.as_bytes().get(e + 1), Some(b':' | b'(')) => edits.push((s - 1, e + 1, format!("(({{\"{name}\":\"{value}\"}})[\"{name}\"])"), rule)),
                    Some(_) => {}
                    None => edits.push((s, e, value.to_string(), rule)),
                }
            }
            edits.sort_by_key(|e| e.0);
            edits.dedup_by(|b, a| b.0 < a.1);
            let mut planted = String::with_capacity(src.len() + 4096);
            let mut at = 0;
            for (s, e, text, _) in &edits {
                planted.push_str(&src[at..*s]);
                planted.push_str(text);
                at = *e;
            }
            planted.push_str(&src[at..]);
            // The planted bundle parses, and so do its regions (no fallback to the whole file hides
            // a difference here).
            if let Err(e) = crate::input::js::collect(&planted, 0, crate::input::js::Dialect::Js) {
                let at: usize = e.rsplit(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0);
                let show = |i: usize| (i..).find(|&i| planted.is_char_boundary(i)).unwrap().min(planted.len());
                panic!("{file} round {round}: planting broke the bundle: {e}: {:?}", &planted[show(at.saturating_sub(120))..show(at + 60)]);
            }
            let hints = crate::detect::FileHints { service_account: false, now_secs: None, max_depth: crate::input::js::MAX_DEPTH, fast_path: true, region_from: 0 };
            let evidence = crate::input::fast::evidence(&planted, hints, true);
            let (_, parsed) = crate::input::regions::collect(&planted, 0, crate::input::js::Dialect::Js, &evidence, hints.max_depth)
                .unwrap_or_else(|| panic!("{file} round {round}: the regions did not parse"));
            parsed_share.push((file, parsed as f64 / planted.len() as f64));
            let (regions, whole) = findings_by_regions_and_whole(&planted);
            if regions != whole {
                failures.push(format!("{file} round {round}:\nregions: {regions}\nwhole: {whole}"));
            }
            planted_total += edits.len();
            found_total += edits.iter().filter(|(_, _, _, rule)| whole.contains(&format!("\"{rule}\""))).count();
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    // The planted values are found (most of them: a few rules are relabelled or need more context).
    assert!(found_total * 10 >= planted_total * 7, "found {found_total} of {planted_total} planted values");
    eprintln!("planted {planted_total}, found {found_total}");
    for (file, _) in &sources {
        let shares: Vec<f64> = parsed_share.iter().filter(|(f, _)| f == file).map(|(_, s)| *s).collect();
        let average = shares.iter().sum::<f64>() / shares.len() as f64;
        eprintln!("{file}: parsed {:.1}% on average", 100.0 * average);
        // Statements inside a bundle-wide function are cut too (a webpack bundle is one IIFE):
        // React DOM and lodash parse 2-8% of their bytes around a dozen planted values.
        if file.contains(" in an arrow IIFE") && (file.contains("react-dom") || file.contains("lodash")) {
            assert!(average < 0.25, "{file}: {:.1}% parsed: statements inside the IIFE were not cut", 100.0 * average);
        }
    }
}

/// A bare AWS secret key pairs with a key ID in another statement up to 4 KB away: the region
/// around the ID reaches it.
#[test]
fn aws_pairs_across_statements_are_found_parsed_by_regions() {
    let id = all().iter().find(|r| r.id == "aws-access-key-id").and_then(|r| r.examples.first()).expect("an AWS key ID example");
    let secret = all().iter().find(|r| r.id == "aws-secret-access-key").and_then(|r| r.examples.first()).expect("an AWS secret key example");
    let (_, secret) = split_example(true, secret);
    let filler: String = (0..40).map(|i| format!("var f{i}=g({i});")).collect();
    for src in [format!("var a=\"{id}\";{filler}var b=\"{secret}\";"), format!("var b=\"{secret}\";{filler}var a=\"{id}\";")] {
        let (regions, whole) = findings_by_regions_and_whole(&src);
        assert!(whole.contains("aws-secret-access-key"), "{src}: {whole}");
        assert_eq!(regions, whole, "{src}");
    }
}
