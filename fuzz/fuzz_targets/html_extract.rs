// Fuzz target: the HTML extractor on its own. Every script region and attribute candidate must
// lie inside the page on character boundaries (the caller slices the page with them).
#![no_main]
use libfuzzer_sys::fuzz_target;
use secretgate::input::html;

fuzz_target!(|data: &[u8]| {
    let page = String::from_utf8_lossy(data);
    let (scripts, cands) = html::collect(&page);
    for s in &scripts {
        assert!(s.start <= s.end && s.end <= page.len(), "script {}..{} outside {}", s.start, s.end, page.len());
        assert!(page.is_char_boundary(s.start) && page.is_char_boundary(s.end), "script range splits a character");
    }
    for c in &cands {
        for seg in &c.segments {
            assert!(seg.src_start <= seg.src_end && seg.src_end <= page.len(), "candidate outside the page");
            if seg.exact {
                assert_eq!(&page[seg.src_start..seg.src_end], &c.value[seg.val_start..seg.val_end]);
            }
        }
    }
});
