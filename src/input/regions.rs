//! Parsing only what needs parsing. A big bundle with one possible finding used to be parsed
//! whole to learn the names around one string: a 2 MB Vite chunk holding a public Mapbox token
//! cost ~150 ms natively, ~220 ms in the `.wasm` and ~60 MB of syntax tree. Here the file is cut
//! at every `;` at bracket depth 0 and only the statements around the fast path's evidence
//! ([`super::fast::evidence`]) are parsed.
//!
//! Why the findings are those of a whole parse: a `;` at bracket depth 0 ends a statement (inside
//! `for(;;)`, a function or class body, a template's `${}` it is deeper), so no expression spans
//! one. A string's name and call come from the expressions around it (the visitor's stacks are
//! empty between statements), so a region made of whole statements gives each of its strings the
//! name and call the whole parse gives it; every string a rule could report overlaps evidence
//! (that is the fast path's contract), and its statement is inside the region around that
//! evidence.
//!
//! The cuts come from a byte scanner that knows strings, comments, templates and regex literals,
//! and tells a regex from a division by the token before it, as JavaScript lexers do. Where it
//! could have lost track (a bracket closed by the wrong kind, a line break inside a string or a
//! regex, an unbalanced end, `<` where an expression starts: JSX or a TypeScript cast), there are
//! no cuts and the caller parses the whole file; so it does when swc cannot parse a region.

use std::ops::Range;

use crate::detect::Candidate;

use super::fast::Evidence;
use super::js::{self, Dialect};

/// JavaScript files at least this large are parsed only around their evidence; smaller ones
/// whole (a 64 KiB parse costs ~5 ms natively, less than the extra passes would save).
pub const REGION_FROM: usize = 64 * 1024;

/// What an open bracket was.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Open {
    /// `(`
    Paren,
    /// `(` after `if`, `while`, `for`, `with`: a regex may follow its `)`.
    Condition,
    /// `[`
    Bracket,
    /// `{` of a block, function or class body: a regex may follow its `}`.
    Block,
    /// `{` of an object literal (or anything in an expression): a division may follow its `}`.
    Object,
    /// `${` in a template: its `}` goes back into the template.
    Substitution,
}

/// The token before, as far as a `{` or `/` after it cares.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Prev {
    /// Start of file, `;`, `{`, a block's `}`, a condition's `)`, `=>`, a statement keyword
    /// (`else`, `do`, `try`, `finally`): a `/` here starts a regex, a `{` opens a block.
    Statement,
    /// An operator or a keyword that expects an expression: a `/` here starts a regex, a `{`
    /// opens an object.
    Expression,
    /// A value (name, number, string, `]`, `)`, an object's `}`): a `/` here divides, a `{`
    /// opens a body (`class A {`, `function f() {`).
    Value,
}

/// The end of the number starting at `i` (digits, letters for hex, exponents and BigInts, `_`,
/// and dots: `1..toString()` is a value either way).
fn skip_number(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'.')) {
        i += 1;
    }
    i
}

/// Keywords after which an expression starts (a `/` begins a regex, a `{` an object).
fn expects_expression(word: &[u8]) -> bool {
    matches!(
        word,
        b"return" | b"typeof" | b"instanceof" | b"in" | b"of" | b"new" | b"delete" | b"void" | b"throw" | b"case" | b"yield" | b"await"
    )
}

/// Keywords after which a statement starts (a `/` begins a regex, a `{` a block).
fn starts_statement(word: &[u8]) -> bool {
    matches!(word, b"else" | b"do" | b"try" | b"finally")
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'\\') || c >= 0x80
}

/// The end of the quoted string opening at `i`, or `None` at a line break or the end.
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    let q = b[i];
    let mut j = i + 1;
    loop {
        j += memchr::memchr3(q, b'\\', b'\n', &b[j..])?;
        match b[j] {
            b'\\' => j += if b.get(j + 1) == Some(&b'\r') && b.get(j + 2) == Some(&b'\n') { 3 } else { 2 },
            b'\n' => return None,
            _ => return Some(j + 1),
        }
    }
}

/// Template text from `j` (after a backtick or a substitution's `}`): after the closing backtick
/// (`false`) or after a `${` (`true`); `None` at the end.
fn skip_template(b: &[u8], mut j: usize) -> Option<(usize, bool)> {
    loop {
        j += memchr::memchr3(b'`', b'\\', b'$', b.get(j..)?)?;
        match b[j] {
            b'\\' => j += 2,
            b'`' => return Some((j + 1, false)),
            _ if b.get(j + 1) == Some(&b'{') => return Some((j + 2, true)),
            _ => j += 1,
        }
    }
}

/// The end of the regex literal opening at `i` (before its flags), or `None` at a line break or
/// the end.
fn skip_regex(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    let mut class = false;
    loop {
        match *b.get(j)? {
            b'\\' => j += 1,
            b'\n' | b'\r' => return None,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => return Some(j + 1),
            _ => {}
        }
        j += 1;
    }
}

/// The byte offsets just after each `;` at bracket depth 0, or `None` when the scanner may have
/// lost track of the code (see the module docs).
pub fn statement_cuts(src: &str) -> Option<Vec<usize>> {
    scan_cuts(src).ok()
}

/// [`statement_cuts`], or where the scanner stopped trusting itself.
pub fn scan_cuts(src: &str) -> Result<Vec<usize>, usize> {
    let b = src.as_bytes();
    let n = b.len();
    let mut stack: Vec<Open> = Vec::new();
    let mut cuts = Vec::new();
    let mut prev = Prev::Statement;
    // The last token was a word that makes the next `(` a condition.
    let mut condition_word = false;
    // The last token was `.` or `?.`: the word after it is a property name, never a keyword.
    let mut after_dot = false;
    let mut i = 0;
    if b.starts_with(b"#!") {
        i = memchr::memchr(b'\n', b).unwrap_or(n);
    }
    while i < n {
        let c = b[i];
        let regex_ok = prev != Prev::Value;
        let (was_condition_word, was_after_dot) = (condition_word, after_dot);
        condition_word = false;
        after_dot = false;
        match c {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                condition_word = was_condition_word;
                after_dot = was_after_dot;
                i += 1;
            }
            b'"' | b'\'' => {
                i = skip_string(b, i).ok_or(i)?;
                prev = Prev::Value;
            }
            b'`' => {
                let (j, substitution) = skip_template(b, i + 1).ok_or(i)?;
                i = j;
                if substitution {
                    stack.push(Open::Substitution);
                    prev = Prev::Expression;
                } else {
                    prev = Prev::Value;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                condition_word = was_condition_word;
                i = memchr::memchr(b'\n', &b[i..]).map_or(n, |k| i + k);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                condition_word = was_condition_word;
                i = memchr::memmem::find(&b[i + 2..], b"*/").map(|k| i + 2 + k + 2).ok_or(i)?;
            }
            b'/' if regex_ok => {
                i = skip_regex(b, i).ok_or(i)?;
                prev = Prev::Value;
            }
            b'(' => {
                stack.push(if was_condition_word { Open::Condition } else { Open::Paren });
                prev = Prev::Expression;
                i += 1;
            }
            b'[' => {
                stack.push(Open::Bracket);
                prev = Prev::Expression;
                i += 1;
            }
            b'{' => {
                stack.push(if prev == Prev::Expression { Open::Object } else { Open::Block });
                prev = Prev::Statement;
                i += 1;
            }
            b')' => {
                prev = match stack.pop().ok_or(i)? {
                    // `f(a)/2` divides; `if(a)/b/.test(c)` is a regex. A `{` after either opens a
                    // body or a block (`function f(){`, `if(a){`).
                    Open::Paren => Prev::Value,
                    Open::Condition => Prev::Statement,
                    _ => return Err(i),
                };
                i += 1;
            }
            b']' => {
                if stack.pop().ok_or(i)? != Open::Bracket {
                    return Err(i);
                }
                prev = Prev::Value;
                i += 1;
            }
            b'}' => match stack.pop().ok_or(i)? {
                Open::Substitution => {
                    let (j, substitution) = skip_template(b, i + 1).ok_or(i)?;
                    i = j;
                    if substitution {
                        stack.push(Open::Substitution);
                        prev = Prev::Expression;
                    } else {
                        prev = Prev::Value;
                    }
                }
                Open::Block => {
                    prev = Prev::Statement;
                    i += 1;
                }
                Open::Object => {
                    prev = Prev::Value;
                    i += 1;
                }
                Open::Paren | Open::Condition | Open::Bracket => return Err(i),
            },
            b';' => {
                i += 1;
                if stack.is_empty() {
                    cuts.push(i);
                }
                prev = Prev::Statement;
            }
            // Where an expression starts `<` is JSX or a TypeScript cast (or an HTML comment):
            // not for this scanner.
            b'<' if regex_ok => return Err(i),
            b'<' => {
                // `<`, `<=`, `<<`, `<<=`: one operator (its second `<` is not where a value starts).
                i += 1 + usize::from(b.get(i + 1) == Some(&b'<'));
                prev = Prev::Expression;
            }
            b'.' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i = skip_number(b, i);
                prev = Prev::Value;
            }
            b'.' => {
                if b[i..].starts_with(b"...") {
                    i += 3;
                    prev = Prev::Expression;
                } else {
                    i += 1;
                    after_dot = true;
                    prev = Prev::Expression;
                }
            }
            b'?' if b.get(i + 1) == Some(&b'.') && !b.get(i + 2).is_some_and(u8::is_ascii_digit) => {
                i += 2;
                after_dot = true;
                prev = Prev::Expression;
            }
            b'0'..=b'9' => {
                i = skip_number(b, i);
                prev = Prev::Value;
            }
            b'+' | b'-' if b.get(i + 1) == Some(&c) => {
                // After a value `++` is postfix and a value still stands before what follows.
                if regex_ok {
                    prev = Prev::Expression;
                }
                i += 2;
            }
            b'=' if b.get(i + 1) == Some(&b'>') => {
                // An arrow's body: `=>{` opens a block, `=>/re/` is a regex.
                prev = Prev::Statement;
                i += 2;
            }
            c if is_word_byte(c) || c == b'#' => {
                let start = i;
                i += 1;
                while i < n && is_word_byte(b[i]) {
                    i += 1;
                }
                let word = &b[start..i];
                prev = if was_after_dot {
                    Prev::Value
                } else if expects_expression(word) {
                    Prev::Expression
                } else if starts_statement(word) {
                    Prev::Statement
                } else {
                    condition_word = matches!(word, b"if" | b"while" | b"for" | b"with");
                    Prev::Value
                };
            }
            _ => {
                prev = Prev::Expression;
                i += 1;
            }
        }
    }
    if stack.is_empty() {
        Ok(cuts)
    } else {
        Err(n)
    }
}

/// The candidates of the regions of `src` around `evidence`, parsed one by one, and the bytes
/// parsed; `None` when the file cannot be cut or a region does not parse (the caller parses the
/// whole file).
pub fn collect<'a>(
    src: &'a str,
    base: usize,
    dialect: Dialect,
    evidence: &[Evidence],
    max_depth: usize,
) -> Option<(Vec<Candidate<'a>>, usize)> {
    let cuts = statement_cuts(src)?;
    let mut out = Vec::new();
    let mut parsed = 0;
    for region in regions(&cuts, src.len(), evidence) {
        let text = &src[region.clone()];
        if js::too_deep(text, max_depth, max_depth.saturating_mul(js::MAX_CHAIN) / js::MAX_DEPTH).is_some() {
            return None;
        }
        out.extend(js::collect(text, base + region.start, dialect).ok()?);
        parsed += text.len();
    }
    Some((out, parsed))
}

/// The statements around each evidence range (from the cut at or before its start to the cut at
/// or after its end), merged where they touch, in order.
fn regions(cuts: &[usize], len: usize, evidence: &[Evidence]) -> Vec<Range<usize>> {
    let mut spans: Vec<Range<usize>> = evidence
        .iter()
        .map(|e| {
            let (s, end) = (e.range.start.min(len), e.range.end.min(len));
            let lo = match cuts.partition_point(|&c| c <= s) {
                0 => 0,
                k => cuts[k - 1],
            };
            let hi = cuts.get(cuts.partition_point(|&c| c < end)).copied().unwrap_or(len);
            lo..hi.max(lo)
        })
        .collect();
    spans.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for r in spans {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}


#[cfg(test)]
mod tests {
    use super::*;

    fn cuts(src: &str) -> Vec<&str> {
        let cuts = statement_cuts(src).unwrap_or_else(|| panic!("no cuts in {src:?}: {:?}", scan_cuts(src)));
        let mut out = Vec::new();
        let mut at = 0;
        for c in cuts.into_iter().chain([src.len()]) {
            out.push(&src[at..c]);
            at = c;
        }
        out
    }

    #[test]
    fn cuts_only_at_semicolons_outside_brackets_strings_comments_and_regexes() {
        assert_eq!(cuts("a=1;b=2;"), ["a=1;", "b=2;", ""]);
        assert_eq!(cuts("for(;;){x()};y"), ["for(;;){x()};", "y"]);
        assert_eq!(cuts("f(function(){a;b});c"), ["f(function(){a;b});", "c"]);
        assert_eq!(cuts("a=\";\";b='\\';';c=`;${d;e}`;"), ["a=\";\";", "b='\\';';", "c=`;${d;e}`;", ""]);
        assert_eq!(cuts("a=`x${`y${z};`}`;b"), ["a=`x${`y${z};`}`;", "b"]);
        assert_eq!(cuts("a=1//;\n;/*;*/b;"), ["a=1//;\n;", "/*;*/b;", ""]);
        // Regexes after operators, keywords, a condition's `)`, a block's `}` and `=>`.
        assert_eq!(cuts("a=/;'[/]/g;b"), ["a=/;'[/]/g;", "b"]);
        assert_eq!(cuts("return/;'/.test(x);b"), ["return/;'/.test(x);", "b"]);
        assert_eq!(cuts("if(a)/;'/.test(b);c"), ["if(a)/;'/.test(b);", "c"]);
        assert_eq!(cuts("function f(){}/;'/.test(b);c"), ["function f(){}/;'/.test(b);", "c"]);
        assert_eq!(cuts("f=a=>/;'/.test(a);c"), ["f=a=>/;'/.test(a);", "c"]);
        // Divisions after values: a name, a number, `)`, `]`, an object's `}`, a postfix `++`.
        assert_eq!(cuts("a=b/2;c=f(x)/2;d=e[0]/2;g={}/2;h=i++/2/1;j"), ["a=b/2;", "c=f(x)/2;", "d=e[0]/2;", "g={}/2;", "h=i++/2/1;", "j"]);
        // A keyword as a property name is a value: `a.return/2` divides.
        assert_eq!(cuts("x=a.return/2;'y';z"), ["x=a.return/2;", "'y';", "z"]);
        // Operators that start with `<`.
        assert_eq!(cuts("a=b<<2;c=d<=e;f"), ["a=b<<2;", "c=d<=e;", "f"]);
    }

    #[test]
    fn gives_up_where_it_could_have_lost_track() {
        for src in [
            "a=(b;",           // unbalanced
            "a=b);",           // closes what was not opened
            "a=[b);",          // closes with the wrong kind
            "a=\"b\nc\";",      // a line break in a string
            "a=/b\nc/;",        // a line break in a regex
            "a=`b${c`;",       // an unclosed template
            "a=/*b;",          // an unclosed comment
            "return <div/>;",  // JSX
            "a=<T>b;",         // a TypeScript cast
        ] {
            assert!(statement_cuts(src).is_none(), "{src:?} cut: {:?}", statement_cuts(src));
        }
    }

    #[test]
    fn regions_cover_whole_statements_around_evidence() {
        let src = "a=1;b=\"x\";c=2;d=\"y\";e=3";
        let cuts = statement_cuts(src).unwrap();
        let ev = |r: Range<usize>| Evidence { range: r, why: super::super::fast::Why::Joined };
        let at = |needle: &str| src.find(needle).unwrap();
        let got = regions(&cuts, src.len(), &[ev(at("x")..at("x") + 1)]);
        assert_eq!(got.iter().map(|r| &src[r.clone()]).collect::<Vec<_>>(), ["b=\"x\";"]);
        // Two pieces of evidence in statements that touch make one region; one past the last `;`
        // reaches the end.
        let got = regions(&cuts, src.len(), &[ev(at("y")..at("y") + 1), ev(at("x")..at("x") + 1), ev(at("e")..at("e") + 1)]);
        assert_eq!(got.iter().map(|r| &src[r.clone()]).collect::<Vec<_>>(), ["b=\"x\";", "d=\"y\";e=3"]);
        // Evidence across a cut takes both statements.
        let got = regions(&cuts, src.len(), &[ev(at("2")..at("d") + 1)]);
        assert_eq!(got.iter().map(|r| &src[r.clone()]).collect::<Vec<_>>(), ["c=2;d=\"y\";"]);
    }
}
