//! Shared checks for the fuzz targets: every report the core returns must hold the invariants
//! front ends rely on (spans inside the input, 1-based positions, a redacted secret that is
//! never the whole value, sorted findings), whatever the bytes were.

use secretgate::{FileKind, Options, Report, Scanner};

/// Scans `data` as `kind` (with `show_secrets` on, so the redaction can be checked against the
/// raw value) and checks the report.
pub fn scan_and_check(scanner: &Scanner, data: &[u8], file: &str, kind: Option<FileKind>, source_map: Option<String>) -> Report {
    let opts = Options { file: file.to_string(), kind, source_map, show_secrets: true, ..Default::default() };
    // The fast path skips parsing when no rule could report; odd last bytes force the parser so
    // it is fuzzed even on inputs without keywords.
    let opts = Options { always_parse: data.last().is_some_and(|b| b & 1 == 1), ..opts };
    let report = scanner.scan(data, &opts);
    check_report(&report, data);
    if kind == Some(FileKind::Js) && !opts.always_parse {
        check_regions(scanner, data, &opts);
    }
    report
}

/// Parsed only around its evidence (every size, `region_from: 0`) or whole, a file that parses
/// whole gives the same findings (src/input/regions.rs).
fn check_regions(scanner: &Scanner, data: &[u8], opts: &Options) {
    let regions = scanner.scan(data, &Options { region_from: Some(0), ..opts.clone() });
    check_report(&regions, data);
    let whole = scanner.scan(data, &Options { region_from: Some(usize::MAX), ..opts.clone() });
    let fell_back = whole.notes.iter().any(|n| matches!(n.code.as_str(), "parse-fallback" | "too-deep" | "too-large-to-parse"));
    if !fell_back {
        let show = |r: &Report| serde_json::to_string_pretty(&r.findings).expect("findings serialise");
        assert_eq!(show(&regions), show(&whole), "parsed by regions and whole: different findings");
    }
}

/// The invariants. Offsets are only checked against `data` when the core scanned `data` as it
/// is (valid UTF-8 without a UTF-16 BOM); otherwise they refer to the repaired text.
pub fn check_report(report: &Report, data: &[u8]) {
    let verbatim = std::str::from_utf8(data).is_ok() && !(data.len() >= 2 && (data[..2] == [0xFF, 0xFE] || data[..2] == [0xFE, 0xFF]));
    let mut last = (0usize, String::new());
    for f in &report.findings {
        assert!(f.start <= f.end, "start {} > end {} ({})", f.start, f.end, f.rule_id);
        if verbatim {
            assert!(f.end <= data.len(), "end {} past input {} ({})", f.end, data.len(), f.rule_id);
        }
        assert!(f.line >= 1 && f.column >= 1 && f.end_line >= f.line, "bad position {}:{}..{}:{}", f.line, f.column, f.end_line, f.end_column);
        assert!(!f.secret.is_empty() && f.secret.ends_with('…'), "secret not redacted: {:?}", f.rule_id);
        assert_eq!(f.fingerprint.len(), 32);
        if let Some(raw) = &f.raw_secret {
            // The redacted form never holds the whole value (beyond a provider prefix).
            let shown = f.secret.trim_end_matches('…');
            assert!(raw.is_empty() || shown.len() < raw.len() || raw.chars().count() <= 4, "redacted form shows the whole secret ({})", f.rule_id);
        }
        assert!((f.start, f.rule_id.clone()) >= last, "findings not sorted");
        last = (f.start, f.rule_id.clone());
    }
}

/// The scanner with the default configuration, built once per process.
pub fn default_scanner() -> &'static Scanner {
    static S: std::sync::OnceLock<Scanner> = std::sync::OnceLock::new();
    S.get_or_init(|| Scanner::new(Default::default()))
}
