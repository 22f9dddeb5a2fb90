//! Parsing only what needs parsing. A big bundle with one possible finding used to be parsed
//! whole to learn the names around one string: a 2 MB Vite chunk holding a public Mapbox token
//! cost ~150 ms natively, ~220 ms in the `.wasm` and ~60 MB of syntax tree. Here the file is cut
//! into statements and only the statements around the fast path's evidence
//! ([`super::fast::evidence`]) are parsed.
//!
//! Cuts are the `;`s that end a statement of the file or of a function body (not before an
//! `else`). Why the findings are those of a whole parse: a string's name and call come from the
//! expressions around it, and no expression spans such a `;`. Between the file's statements the
//! visitor's stacks are empty; at a function body's statements the name stack starts with the
//! function's barrier (names outside it are never read) and the call stack holds the calls
//! around the function, so only bodies that no call's arguments enclose are cut (nor class
//! bodies, `switch` clauses, conditions, and, in a file that may hold a Firebase config, which
//! marks the strings inside it like a call, any body at all). Blocks (`if`, loops, `try`) are
//! not cut: a `break`, `continue` or `else` in them belongs to the statement around. So a region
//! of whole statements of one body gives each of its strings the name and call the whole parse
//! gives it; every string a rule could report overlaps evidence (the fast path's contract), and
//! its statement is inside the region around that evidence. A webpack bundle (one IIFE around
//! a map of module functions) is cut inside its modules; a UMD bundle whose factory is a call's
//! argument is parsed as one statement.
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
    /// `(` where an expression starts: grouping, or the head of an arrow function.
    Paren,
    /// `(` after a value: a call's arguments (or a function's parameters). The visitor keeps the
    /// call's name for everything inside, function bodies included, so nothing inside is cut.
    Call,
    /// `(` after `if`, `while`, `for`, `with`, `switch`, `catch`: a regex may follow its `)`.
    Condition,
    /// `[`
    Bracket,
    /// `{` of a function body: statements, cut at its own `;`s (the index of its [`Body`]). A
    /// regex may follow its `}`.
    Body(usize),
    /// `{` of any other block (`if`, loops, `try`, `catch`, plain): its statements are not cut,
    /// since a `break`, `continue` or `else` in them belongs to the statement around. A regex may
    /// follow its `}`.
    Block,
    /// `{` of a class or `switch` body: members or `case` clauses, never cut. A regex may follow
    /// its `}`.
    Members,
    /// `{` of an object literal (or anything in an expression): a division may follow its `}`.
    Object,
    /// `${` in a template: its `}` goes back into the template.
    Substitution,
}

/// A list of statements: the file, or a function body inside it.
#[derive(Clone, Debug)]
pub struct Body {
    /// Between the braces (the whole file for the first body).
    pub range: Range<usize>,
    /// Just after each `;` that ends one of its statements.
    pub cuts: Vec<usize>,
    /// The body around it.
    pub parent: usize,
    /// Its statements can be parsed alone: no call, condition, class or `switch` encloses it, so
    /// the visitor reaches them with no name and no call on its stacks (a function's body starts
    /// with a barrier in the name stack; the call stack has none).
    pub cuttable: bool,
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
    /// opens a function body after a `)` (`function f() {`), else a block.
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

/// The first byte after `i` that is not a space.
fn next_byte(b: &[u8], mut i: usize) -> Option<u8> {
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    b.get(i).copied()
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
        j += memchr::memchr3(q, b'\\', b'\n', b.get(j..)?)?;
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

/// Scans template text from `j` (see [`skip_template`]) and opens a substitution on `stack` when
/// one starts: where the scanner goes on, and what it has just read.
fn template_text(b: &[u8], j: usize, stack: &mut Vec<Open>) -> Result<(usize, Prev), usize> {
    match skip_template(b, j) {
        Some((next, true)) => {
            stack.push(Open::Substitution);
            Ok((next, Prev::Expression))
        }
        Some((next, false)) => Ok((next, Prev::Value)),
        None => Err(j),
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

/// The file's bodies (the file itself first, then each function body in the order its `{` comes)
/// with their cuts, or where the scanner stopped trusting itself.
pub fn scan_bodies(src: &str) -> Result<Vec<Body>, usize> {
    let b = src.as_bytes();
    let n = b.len();
    let mut stack: Vec<Open> = Vec::new();
    let mut bodies = vec![Body { range: 0..n, cuts: Vec::new(), parent: 0, cuttable: true }];
    // The innermost body around the scanner, and how many brackets around it no cut may cross.
    let mut body = 0;
    let mut closed_opaque = 0usize;
    // A Firebase config object marks every string inside it for the visitor (as a call does):
    // in a file that may hold one, only the file's own statements are cut.
    let nested = memchr::memmem::find(b, b"authDomain").is_none() && memchr::memmem::find(b, b"messagingSenderId").is_none();
    // Stack depths at which a `class` or `switch` waits for its `{`.
    let mut members_at: Vec<usize> = Vec::new();
    let mut prev = Prev::Statement;
    // The last token was a word that makes the next `(` a condition.
    let mut condition_word = false;
    // The last token was `.` or `?.`: the word after it is a property name, never a keyword.
    let mut after_dot = false;
    // The last token was a function's `)` or an arrow: a `{` now opens a function body.
    let mut function_head = false;
    let mut i = 0;
    if b.starts_with(b"#!") {
        i = memchr::memchr(b'\n', b).unwrap_or(n);
    }
    while i < n {
        let c = b[i];
        let regex_ok = prev != Prev::Value;
        let (was_condition_word, was_after_dot, was_function_head) = (condition_word, after_dot, function_head);
        condition_word = false;
        after_dot = false;
        function_head = false;
        match c {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                condition_word = was_condition_word;
                after_dot = was_after_dot;
                function_head = was_function_head;
                i += 1;
            }
            b'"' | b'\'' => {
                i = skip_string(b, i).ok_or(i)?;
                prev = Prev::Value;
            }
            b'`' => (i, prev) = template_text(b, i + 1, &mut stack).map_err(|_| i)?,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                condition_word = was_condition_word;
                function_head = was_function_head;
                i = memchr::memchr(b'\n', &b[i..]).map_or(n, |k| i + k);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                condition_word = was_condition_word;
                function_head = was_function_head;
                i = memchr::memmem::find(&b[i + 2..], b"*/").map(|k| i + 2 + k + 2).ok_or(i)?;
            }
            b'/' if regex_ok => {
                i = skip_regex(b, i).ok_or(i)?;
                prev = Prev::Value;
            }
            b'(' => {
                let open = if was_condition_word {
                    Open::Condition
                } else if prev == Prev::Value {
                    Open::Call
                } else {
                    Open::Paren
                };
                if open != Open::Paren {
                    closed_opaque += 1;
                }
                stack.push(open);
                prev = Prev::Expression;
                i += 1;
            }
            b'[' => {
                stack.push(Open::Bracket);
                prev = Prev::Expression;
                i += 1;
            }
            b'{' => {
                let open = if members_at.last() == Some(&stack.len()) {
                    members_at.pop();
                    closed_opaque += 1;
                    Open::Members
                } else if prev == Prev::Expression {
                    Open::Object
                } else if was_function_head {
                    bodies.push(Body { range: i + 1..n, cuts: Vec::new(), parent: body, cuttable: nested && closed_opaque == 0 });
                    body = bodies.len() - 1;
                    Open::Body(body)
                } else {
                    Open::Block
                };
                stack.push(open);
                prev = Prev::Statement;
                i += 1;
            }
            b')' => {
                prev = match stack.pop().ok_or(i)? {
                    // `f(a)/2` divides; `if(a)/b/.test(c)` is a regex. A `{` after either opens a
                    // body or a block (`function f(){`, `if(a){`).
                    Open::Paren => Prev::Value,
                    // A call, or a function's parameters when a `{` follows.
                    Open::Call => {
                        closed_opaque -= 1;
                        function_head = true;
                        Prev::Value
                    }
                    Open::Condition => {
                        closed_opaque -= 1;
                        Prev::Statement
                    }
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
            b'}' => {
                match stack.pop().ok_or(i)? {
                    Open::Substitution => {
                        (i, prev) = template_text(b, i + 1, &mut stack).map_err(|_| i)?;
                        continue;
                    }
                    Open::Body(k) => {
                        bodies[k].range.end = i;
                        body = bodies[k].parent;
                        prev = Prev::Statement;
                    }
                    Open::Members => {
                        closed_opaque -= 1;
                        prev = Prev::Statement;
                    }
                    Open::Block => prev = Prev::Statement,
                    Open::Object => prev = Prev::Value,
                    Open::Paren | Open::Call | Open::Condition | Open::Bracket => return Err(i),
                }
                // A `class` whose `{` never came (it cannot happen in valid code).
                while members_at.last().is_some_and(|&d| d > stack.len()) {
                    members_at.pop();
                }
                i += 1;
            }
            b';' => {
                i += 1;
                // Not before `else`: `if(a)b();else c()` is one statement.
                if matches!(stack.last(), None | Some(Open::Body(_))) && !js::else_follows(b, i) {
                    bodies[body].cuts.push(i);
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
                // An arrow's body: `=>{` opens a function body, `=>/re/` is a regex.
                prev = Prev::Statement;
                function_head = true;
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
                    condition_word = matches!(word, b"if" | b"while" | b"for" | b"with" | b"switch" | b"catch");
                    // The next `{` at this depth holds members or clauses, not statements (unless
                    // the word is a property name: `{class:"btn"}`, `{switch(){…}}` stays safe).
                    if matches!(word, b"class" | b"switch") && !matches!(next_byte(b, i), Some(b':' | b',' | b'}' | b'=')) {
                        members_at.push(stack.len());
                    }
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
        Ok(bodies)
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
    let bodies = scan_bodies(src).ok()?;
    let mut out = Vec::new();
    let mut parsed = 0;
    for region in regions(&bodies, evidence) {
        let text = &src[region.clone()];
        if js::too_deep(text, max_depth, max_depth.saturating_mul(js::MAX_CHAIN) / js::MAX_DEPTH).is_some() {
            return None;
        }
        out.extend(js::collect(text, base + region.start, dialect).ok()?);
        parsed += text.len();
    }
    Some((out, parsed))
}

/// Around each evidence range, the statements of the innermost cuttable body that holds it
/// (from the cut at or before its start, or the body's start, to the cut at or after its end,
/// or the body's end). Overlapping regions are merged (a region that overlaps another holds it
/// whole: it is one body's statements around the other's); touching ones are not (they may be
/// statements of different bodies).
fn regions(bodies: &[Body], evidence: &[Evidence]) -> Vec<Range<usize>> {
    let len = bodies[0].range.end;
    let mut spans: Vec<Range<usize>> = evidence
        .iter()
        .map(|e| {
            let (s, end) = (e.range.start.min(len), e.range.end.min(len));
            // The last body opened at or before `s`, then out through the bodies around it: the
            // innermost body that holds the range is one of them. Deep nesting is cut short at
            // the file's own statements.
            let mut k = bodies.partition_point(|b| b.range.start <= s).saturating_sub(1);
            let mut steps = 0;
            while k != 0 && !(bodies[k].cuttable && bodies[k].range.start <= s && end <= bodies[k].range.end) {
                k = if steps < 64 { bodies[k].parent } else { 0 };
                steps += 1;
            }
            let body = &bodies[k];
            let lo = match body.cuts.partition_point(|&c| c <= s) {
                0 => body.range.start,
                at => body.cuts[at - 1],
            };
            let hi = body.cuts.get(body.cuts.partition_point(|&c| c < end)).copied().unwrap_or(body.range.end);
            lo..hi.max(lo)
        })
        .collect();
    spans.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for r in spans {
        match merged.last_mut() {
            Some(last) if r.start < last.end || *last == r => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte offsets just after each `;` that ends one of the file's own statements, or `None`
    /// when the scanner may have lost track of the code.
    fn statement_cuts(src: &str) -> Option<Vec<usize>> {
        scan_bodies(src).ok().map(|mut bodies| bodies.swap_remove(0).cuts)
    }

    fn cuts(src: &str) -> Vec<&str> {
        let cuts = statement_cuts(src).unwrap_or_else(|| panic!("no cuts in {src:?}: {:?}", scan_bodies(src).err()));
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
        // An `if` goes on through its `else`.
        assert_eq!(cuts("if(a)b(); /* c */ else d();e"), ["if(a)b(); /* c */ else d();", "e"]);
    }

    /// The bodies whose statements are cut, each as its statements.
    fn cut_bodies(src: &str) -> Vec<Vec<&str>> {
        let bodies = scan_bodies(src).unwrap_or_else(|at| panic!("no cuts in {src:?}: lost track at {at}"));
        bodies
            .iter()
            .filter(|b| b.cuttable)
            .map(|b| {
                let mut at = b.range.start;
                let mut out = Vec::new();
                for c in b.cuts.iter().copied().chain([b.range.end]) {
                    out.push(&src[at..c]);
                    at = c;
                }
                out
            })
            .collect()
    }

    #[test]
    fn cuts_function_bodies_that_no_call_class_or_switch_encloses() {
        // A webpack-style bundle: an arrow IIFE, a module map, functions in it.
        assert_eq!(
            cut_bodies("(()=>{var e={1:(e,t)=>{a();b()}};function n(r){c();return r}n(1)})();"),
            [vec!["(()=>{var e={1:(e,t)=>{a();b()}};function n(r){c();return r}n(1)})();", ""], vec!["var e={1:(e,t)=>{a();b()}};", "function n(r){c();return r}n(1)"], vec!["a();", "b()"], vec!["c();", "return r"]]
        );
        // Inside a call's arguments the visitor keeps the call's name: never cut. Neither are
        // class bodies, `switch` clauses, nor blocks (`if`, loops, `try`: a `break` or `else`
        // belongs to the statement around them).
        assert_eq!(
            cut_bodies("f(function(){a();b()});class A{m(){c();d()}}switch(x){case 1:e();f()}if(a){g();break}"),
            [vec!["f(function(){a();b()});", "class A{m(){c();d()}}switch(x){case 1:e();f()}if(a){g();break}"]]
        );
        // A Firebase config object marks the strings inside it as a call would: only the file's
        // statements are cut in a file that could hold one.
        assert_eq!(cut_bodies("(()=>{a();b({authDomain:1})})();"), [vec!["(()=>{a();b({authDomain:1})})();", ""]]);
        // A method of an object literal is a function body; a `class` or `switch` key is no keyword.
        assert_eq!(cut_bodies("x={class:1,switch:2,m(){a();b()}};"), [vec!["x={class:1,switch:2,m(){a();b()}};", ""], vec!["a();", "b()"]]);
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
        let cuts = scan_bodies(src).unwrap();
        let ev = |r: Range<usize>| Evidence { range: r, why: super::super::fast::Why::Joined };
        let at = |needle: &str| src.find(needle).unwrap();
        let got = regions(&cuts, &[ev(at("x")..at("x") + 1)]);
        assert_eq!(got.iter().map(|r| &src[r.clone()]).collect::<Vec<_>>(), ["b=\"x\";"]);
        // Evidence in statements that touch makes regions that touch (they could belong to
        // different bodies); one past the last `;` reaches the end; the same statement twice is
        // one region.
        let got = regions(&cuts, &[ev(at("y")..at("y") + 1), ev(at("x")..at("x") + 1), ev(at("e")..at("e") + 1), ev(at("x")..at("x") + 1)]);
        assert_eq!(got.iter().map(|r| &src[r.clone()]).collect::<Vec<_>>(), ["b=\"x\";", "d=\"y\";", "e=3"]);
        // Evidence across a cut takes both statements.
        let got = regions(&cuts, &[ev(at("2")..at("d") + 1)]);
        assert_eq!(got.iter().map(|r| &src[r.clone()]).collect::<Vec<_>>(), ["c=2;d=\"y\";"]);
    }
}
