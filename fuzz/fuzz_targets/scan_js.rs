// Fuzz target: scan arbitrary bytes as JavaScript, TypeScript or TSX (the first byte picks the
// dialect through the file name), then once more with the kind picked from the name alone.
#![no_main]
use libfuzzer_sys::fuzz_target;
use secretgate::FileKind;
use secretgate_fuzz::{default_scanner, scan_and_check};

fuzz_target!(|data: &[u8]| {
    let s = default_scanner();
    let file = match data.first().map(|b| b % 4) {
        Some(1) => "fuzz.ts",
        Some(2) => "fuzz.tsx",
        Some(3) => "fuzz.jsx",
        _ => "fuzz.js",
    };
    scan_and_check(s, data, file, Some(FileKind::Js), None);
});
