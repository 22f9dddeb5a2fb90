//! Regression inputs from fuzzing (fuzz/, `npm run fuzz`): each once crashed or hung the core.
//! Every input is minimal and holds no key-shaped literal; the fuzz target that found it and
//! the fix are named beside it.

use secretgate::{scan, Config, FileKind, KnownValue, Options, Scanner};

fn opts(file: &str, kind: Option<FileKind>) -> Options {
    Options { file: file.into(), kind, ..Default::default() }
}

/// scan_js, scanner_config: the JS fast path stepped past the end after a trailing backslash
/// (`src/input/fast.rs`, `has_hiding_escape`: `i = p + 2` then `b[i..]`), a panic that traps
/// the .wasm. Found by both targets within seconds.
#[test]
fn trailing_backslash_in_javascript() {
    for input in [&b"\\"[..], b"a\\", b"x = '\\", b"`\\", b"a\\\\\\", b"\\u", b"\\x4", b"\\u{", b"\\u00"] {
        for file in ["f.js", "f.ts", "f.tsx", "f.html"] {
            let r = scan(input, &opts(file, None));
            assert!(r.findings.is_empty(), "{file}: {:?}", String::from_utf8_lossy(input));
        }
    }
    // The same through a configured scanner (the scanner_config target's path).
    let s = Scanner::new(Config {
        known_values: vec![KnownValue { name: "K".into(), value: "abcdefgh12345678".into(), secret: true }],
        ..Default::default()
    });
    s.scan(b"n\na\x0c\\", &opts("f.js", Some(FileKind::Js)));
}

/// Every kind, on inputs that end in the middle of a construct: no panic.
#[test]
fn truncated_constructs_every_kind() {
    let cuts: &[&[u8]] = &[
        b"\"", b"'", b"`", b"`${", b"/*", b"//", b"/[", b"<", b"<script>", b"<script", b"</", b"{\"a\":\"", b"{\"a\":\"\\u12",
        b"[", b"{", b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF\x00", b"\xFF", b"\x00", b"-----BEGIN PRIVATE KEY-----", b"eyJ", b"://a:",
    ];
    for cut in cuts {
        for kind in [FileKind::Js, FileKind::Html, FileKind::Json, FileKind::Css, FileKind::SourceMap, FileKind::Text] {
            scan(cut, &opts("f", Some(kind)));
        }
        let map = String::from_utf8_lossy(cut).into_owned();
        scan(b"a = 1;\nb = 2;", &Options { source_map: Some(map), ..opts("f.js", Some(FileKind::Js)) });
    }
}

/// bundle_map (run 1, after 14 minutes): swc_ecma_parser 47 panics on a namespaced JSX element
/// name followed by `.` (`unreachable!("JSXNamespacedName -> JSXObject")` in
/// `parse_jsx_element_name`, parser/jsx.rs:137). In the .wasm that is a trap: any .js, .jsx,
/// .tsx or inline HTML script holding it (with a key, so it is parsed) cannot be judged.
/// Run 2 (scan_js, this session) found the same panic with a comment between the parts:
/// `< ostgres://…` + newline + `D.cts` (the `//` starts a comment). The core now keeps such
/// text away from the JSX parser (src/input/js.rs `jsx_namespace_member`).
#[test]
fn jsx_namespaced_member_element_name() {
    let commented = "const db < ostgres://admin:lHP)))\n\n\nDuptzHxxxxxx.cts";
    for input in ["<a:b.c/>", "x = <a:b.c />;", "<a:b.c></a:b.c>", "<a:b.c.d>x</a:b.c.d>", "< a /* c */ : b\n.c>", commented] {
        for file in ["f.js", "f.jsx", "f.tsx"] {
            scan(input.as_bytes(), &Options { file: file.into(), always_parse: true, ..Default::default() });
        }
        let page = format!("<script>{input}</script>");
        scan(page.as_bytes(), &Options { file: "f.html".into(), always_parse: true, ..Default::default() });
    }
}

/// scan_js (this session, after 33 s): the statement scanner of `src/input/regions.rs` stepped
/// past the end after a string's trailing backslash (`skip_string`: `j += 2`, then `&b[j..]`), a
/// panic that traps the .wasm. It runs on any file with evidence (here a key made at run time,
/// parsed by regions whatever the size).
#[test]
fn trailing_backslash_in_a_string_before_regions() {
    let key = ["sk_live_", "Zq8Xw2Lr5Tn1Vb7Mc4Kd9Hf3"].concat();
    for tail in ["'\\", "\"\\", "`\\", "'\\\r", "/\\", "/[\\"] {
        let src = format!("var k=\"{key}\";x={tail}");
        for region_from in [Some(0), None] {
            let r = scan(src.as_bytes(), &Options { file: "f.js".into(), region_from, ..Default::default() });
            assert!(r.findings.iter().any(|f| f.rule_id == "stripe-secret-key"), "{tail:?}: key lost");
        }
    }
}
