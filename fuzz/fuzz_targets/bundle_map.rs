// Fuzz target: the source-map reader behind `Options.source_map`. The input is a bundle and a
// map separated by the first NUL byte (or split in half when there is none); findings in the
// bundle are looked up in the map (mappings, sources, sourcesContent ignore comments).
#![no_main]
use libfuzzer_sys::fuzz_target;
use secretgate::FileKind;
use secretgate_fuzz::{default_scanner, scan_and_check};

fuzz_target!(|data: &[u8]| {
    let at = data.iter().position(|&b| b == 0).unwrap_or(data.len() / 2);
    let (bundle, map) = (&data[..at], &data[(at + 1).min(data.len())..]);
    let map = String::from_utf8_lossy(map).into_owned();
    let kind = if bundle.first() == Some(&b'<') { FileKind::Html } else { FileKind::Js };
    scan_and_check(default_scanner(), bundle, "fuzz.js", Some(kind), Some(map));
});
