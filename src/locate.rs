//! Where things are: 1-based lines and UTF-16 columns from byte offsets, original locations
//! through a bundle's source map, and inline `secretgate-ignore` comments.

use crate::finding::{Note, OriginalLocation, Suppression};

/// Line starts of a text, computed once per file, with a cursor so that positions asked for in
/// increasing order on one long line (a minified bundle) cost the distance between them, not the
/// distance from the line's start: findings × line length would be quadratic.
pub struct LineIndex {
    starts: Vec<usize>,
    /// The last position answered: byte offset, 0-based line, 0-based UTF-16 column.
    cursor: std::cell::Cell<(usize, usize, usize)>,
    /// Per line: does it hold an ignore marker? Reading a 5 MB line once per finding is quadratic.
    marked: std::cell::RefCell<std::collections::HashMap<u32, bool>>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self::from_starts(starts)
    }

    /// An index for a text that has no findings: never asked for positions.
    pub fn empty() -> LineIndex {
        Self::from_starts(vec![0])
    }

    fn from_starts(starts: Vec<usize>) -> LineIndex {
        LineIndex { starts, cursor: std::cell::Cell::new((0, 0, 0)), marked: Default::default() }
    }

    /// 1-based line and 1-based column in UTF-16 code units of byte `offset`.
    pub fn position(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        // Step back to a char boundary if an offset falls inside a character.
        let mut end = offset;
        while end > start && !text.is_char_boundary(end) {
            end -= 1;
        }
        let (c_off, c_line, c_col) = self.cursor.get();
        let (from, base) = if c_line == line && c_off <= end { (c_off, c_col) } else { (start, 0) };
        let col = base + text[from..end].chars().map(char::len_utf16).sum::<usize>();
        self.cursor.set((end, line, col));
        (line as u32 + 1, col as u32 + 1)
    }

    /// The text of 1-based line `line`, without its newline.
    pub fn line_text<'t>(&self, text: &'t str, line: u32) -> Option<&'t str> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.starts.get(i)?;
        let end = self.starts.get(i + 1).map(|e| e - 1).unwrap_or(text.len());
        text.get(start..end.max(start)).map(|l| l.trim_end_matches('\r'))
    }
}

/// The reason after a marker, up to the end of the comment.
fn reason_after(line: &str, marker: &str) -> Option<String> {
    let at = line.find(marker)?;
    let rest = &line[at + marker.len()..];
    let rest = rest.split("*/").next().unwrap_or(rest);
    Some(rest.trim().trim_start_matches([':', '-']).trim().to_string())
}

/// An inline ignore comment covering 1-based `line` of `text`: `secretgate-ignore` on the line
/// itself, or `secretgate-ignore-next-line` on the line before.
pub fn ignore_comment(text: &str, index: &LineIndex, line: u32) -> Option<Suppression> {
    let marked = |line: u32| {
        *index.marked.borrow_mut().entry(line).or_insert_with(|| {
            index.line_text(text, line).is_some_and(|l| memchr::memmem::find(l.as_bytes(), b"secretgate-ignore").is_some())
        })
    };
    if !marked(line) && !(line > 1 && marked(line - 1)) {
        return None;
    }
    if let Some(l) = index.line_text(text, line) {
        if !l.contains("secretgate-ignore-next-line") {
            if let Some(reason) = reason_after(l, "secretgate-ignore") {
                return Some(Suppression { reason });
            }
        }
    }
    if line > 1 {
        if let Some(l) = index.line_text(text, line - 1) {
            if let Some(reason) = reason_after(l, "secretgate-ignore-next-line") {
                return Some(Suppression { reason });
            }
        }
    }
    None
}

/// A bundle's decoded source map.
pub struct BundleMap {
    map: sourcemap::SourceMap,
    /// Line indexes of the sources' contents, built on first use.
    indexes: std::cell::RefCell<std::collections::HashMap<u32, LineIndex>>,
}

impl BundleMap {
    /// Decodes `text`; a broken map gives a note and `None` (findings keep bundle locations).
    pub fn parse(text: &str, file: &str, notes: &mut Vec<Note>) -> Option<BundleMap> {
        let note = |notes: &mut Vec<Note>, why: String| {
            notes.push(Note {
                file: file.to_string(),
                code: "sourcemap-invalid".into(),
                message: format!("source map unusable ({why}); locations are in the bundle"),
            })
        };
        let map = match sourcemap::decode_slice(text.as_bytes()) {
            Ok(sourcemap::DecodedMap::Regular(m)) => m,
            Ok(sourcemap::DecodedMap::Index(i)) => match i.flatten() {
                Ok(m) => m,
                Err(e) => {
                    note(notes, e.to_string());
                    return None;
                }
            },
            Ok(_) => {
                note(notes, "unsupported source map flavour".into());
                return None;
            }
            Err(e) => {
                note(notes, e.to_string());
                return None;
            }
        };
        Some(BundleMap { map, indexes: Default::default() })
    }

    /// The original location of 1-based `line`/`column` (UTF-16) in the bundle, and an ignore
    /// comment there if the map carries the source's content.
    pub fn original(&self, line: u32, column: u32) -> Option<(OriginalLocation, Option<Suppression>)> {
        let token = self.map.lookup_token(line - 1, column - 1)?;
        if token.get_dst_line() != line - 1 || !token.has_source() {
            return None;
        }
        let file = token.get_source()?.to_string();
        let (sline, scol) = (token.get_src_line() + 1, token.get_src_col() + 1);
        let suppressed = self.map.get_source_contents(token.get_src_id()).and_then(|content| {
            let mut idx = self.indexes.borrow_mut();
            let index = idx.entry(token.get_src_id()).or_insert_with(|| LineIndex::new(content));
            ignore_comment(content, index, sline)
        });
        Some((OriginalLocation { file, line: sline, column: scol }, suppressed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns() {
        let text = "a\nконфиг = 'x'\n😀x";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(idx.position(text, x), (2, 11));
        let last = text.rfind('x').unwrap();
        assert_eq!(idx.position(text, last), (3, 3));
    }

    #[test]
    fn ignore_comments() {
        let text = "a\n// secretgate-ignore-next-line demo key\nk='v'\nz='w' /* secretgate-ignore test fixture */";
        let idx = LineIndex::new(text);
        assert_eq!(ignore_comment(text, &idx, 3).unwrap().reason, "demo key");
        assert_eq!(ignore_comment(text, &idx, 4).unwrap().reason, "test fixture");
        assert!(ignore_comment(text, &idx, 1).is_none());
    }
}
