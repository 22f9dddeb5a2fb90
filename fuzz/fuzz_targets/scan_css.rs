// Fuzz target: scan arbitrary bytes as a css file (kind forced, and once more picked from the
// file name so the JSON-that-is-a-source-map sniffing runs too).
#![no_main]
use libfuzzer_sys::fuzz_target;
use secretgate::FileKind;
use secretgate_fuzz::{default_scanner, scan_and_check};

fuzz_target!(|data: &[u8]| {
    let s = default_scanner();
    scan_and_check(s, data, "fuzz.css", Some(FileKind::Css), None);
    scan_and_check(s, data, "fuzz.css", None, None);
});
