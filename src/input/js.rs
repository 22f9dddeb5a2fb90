//! JavaScript (and TypeScript, JSX) through swc: parse, then one visitor pass that collects every
//! string-valued node with the name it was assigned to and the call it was passed to, joining
//! strings glued together with `+` or `.concat()`.
//!
//! swc parses and visits recursively, and inside WebAssembly a deep recursion ends in a trap that
//! kills the instance, so a cheap pass over the bytes measures nesting first (see [`too_deep`]);
//! deeper files are scanned as text by the caller.

use std::borrow::Cow;

use swc_common::comments::SingleThreadedComments;
use swc_common::input::StringInput;
use swc_common::{BytePos, Span, Spanned};
use swc_ecma_ast::*;
use swc_ecma_parser::{EsSyntax, Parser, Syntax, TsSyntax};
use swc_ecma_visit::{Visit, VisitWith};

use crate::detect::{Candidate, Segment};

/// Deepest bracket nesting parsed as JavaScript; deeper files are scanned as text.
///
/// Measured on the `.wasm` under Node 20 on the main thread's default stack
/// (`node scripts/measure-nesting.js`): the shallowest trap is at about 780 nested parentheses
/// or arrows, 880 nested objects; `+` chains trap near 7,800 operands and `||` chains near 4,300.
/// The guards keep about a third of that, leaving room for the bundler's own frames below ours.
/// A `{` right after `)` (a function or method body, an `if`/`for`/`while`/`catch` block) counts
/// two levels: a function level costs swc more than twice a parenthesis (the opt-level s `.wasm`
/// traps at 342 nested `function(){return …}` against 782 parentheses), and counted as one it kept
/// a quarter of the stack as margin where every other shape keeps half or more.
pub const MAX_DEPTH: usize = 256;
/// Longest weighted run in one expression or statement parsed as JavaScript: operators weigh one,
/// assignments, labels and prefix keywords (`typeof`, `new`, `await`) three, calls and indexes
/// two, arrows six; statement keywords (`if` five, loops four, `try`, `switch`, `class … extends`
/// three) count in a run that only a `;` or a finished block ends (not one before `else`). Checked
/// against every shape in
/// `tests/reliability/nesting.test.js` and against 3,000 real bundles (none falls back).
pub const MAX_CHAIN: usize = 1500;

/// Which dialect to parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// JavaScript with JSX.
    Js,
    /// TypeScript.
    Ts,
    /// TypeScript with JSX.
    Tsx,
}

impl Dialect {
    /// Picks the dialect from a file name.
    pub fn for_path(path: &str) -> Dialect {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".tsx") {
            Dialect::Tsx
        } else if lower.ends_with(".ts") || lower.ends_with(".mts") || lower.ends_with(".cts") {
            Dialect::Ts
        } else {
            Dialect::Js
        }
    }
}

/// Measures nesting in one linear pass over the bytes, skipping strings, comments, template text
/// and regex literals. Returns why the file is too deep to parse safely, if it is.
pub fn too_deep(src: &str, max_depth_allowed: usize, max_chain_allowed: usize) -> Option<String> {
    let b = src.as_bytes();
    let mut depth: usize = 0;
    let mut max_depth = 0;
    // Operators in the current expression at each depth.
    let mut chain: Vec<usize> = vec![0];
    // Statement keywords in the current statement at each depth.
    let mut stmt: Vec<usize> = vec![0];
    // Arrows seen at each depth, and their sum: each deepens the nesting by two.
    let mut arrows: Vec<usize> = vec![0];
    let mut arrow_total = 0usize;
    let mut max_chain = 0;
    // Depths at which a template literal's `${` opened, to resume the template after `}`.
    let mut tpl_stack: Vec<usize> = Vec::new();
    // What each open bracket added to `depth` (1, or 2 for a body after `)`), taken off at its close.
    let mut opened: Vec<usize> = Vec::new();
    let mut last_sig: u8 = b';';
    let mut i = 0;
    let n = b.len();
    // Scans template text from `i` (just after a backtick or a closing `}`), stopping after the
    // closing backtick or just after a `${`.
    fn skip_template(b: &[u8], mut i: usize) -> (usize, bool) {
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b'`' => return (i + 1, false),
                b'$' if b.get(i + 1) == Some(&b'{') => return (i + 2, true),
                _ => i += 1,
            }
        }
        (i, false)
    }
    while i < n {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'"' | b'\'' => {
                i += 1;
                while i < n && b[i] != c && b[i] != b'\n' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                last_sig = b'"';
                continue;
            }
            b'`' => {
                let (ni, entered) = skip_template(b, i + 1);
                i = ni;
                if entered {
                    depth += 1;
                    opened.push(1);
                    tpl_stack.push(depth);
                    chain.push(0);
                    stmt.push(0);
                    arrows.push(0);
                    max_depth = max_depth.max(depth);
                    last_sig = b'(';
                } else {
                    last_sig = b'"';
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < n && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < n && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
                continue;
            }
            b'/' if matches!(last_sig, b'(' | b',' | b'=' | b':' | b'[' | b'!' | b'&' | b'|' | b'?' | b'{' | b'}' | b';' | b'+' | b'-' | b'*' | b'%' | b'<' | b'>' | b'~' | b'^') => {
                // A regex literal.
                i += 1;
                let mut in_class = false;
                while i < n && b[i] != b'\n' {
                    match b[i] {
                        b'\\' => i += 1,
                        b'[' => in_class = true,
                        b']' => in_class = false,
                        b'/' if !in_class => break,
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
                last_sig = b'"';
                continue;
            }
            b'(' | b'[' | b'{' => {
                // `f()()()` and `a[0][0]…` recurse once per pair although each closes at once.
                if c != b'{' {
                    if let Some(top) = chain.last_mut() {
                        *top += 2;
                        max_chain = max_chain.max(*top);
                    }
                }
                let weight = if c == b'{' && last_sig == b')' { 2 } else { 1 };
                depth += weight;
                opened.push(weight);
                max_depth = max_depth.max(depth);
                chain.push(0);
                stmt.push(0);
                arrows.push(0);
            }
            b')' | b']' | b'}' => {
                if c == b'}' && tpl_stack.last() == Some(&depth) {
                    tpl_stack.pop();
                    depth = depth.saturating_sub(opened.pop().unwrap_or(1));
                    chain.pop();
                    stmt.pop();
                    arrow_total -= arrows.pop().unwrap_or(0);
                    let (ni, reopened) = skip_template(b, i + 1);
                    i = ni;
                    if reopened {
                        depth += 1;
                        opened.push(1);
                        tpl_stack.push(depth);
                        chain.push(0);
                        stmt.push(0);
                        arrows.push(0);
                    }
                    last_sig = b'"';
                    continue;
                }
                depth = depth.saturating_sub(opened.pop().unwrap_or(1));
                if chain.len() > 1 {
                    chain.pop();
                    stmt.pop();
                    arrow_total -= arrows.pop().unwrap_or(0);
                }
                // A block followed by a new statement (a word, `}`, `;`, the end) ends the
                // statement: function declarations in a row do not chain. `else` continues it
                // (`else if` chains nest), and an operator continues an expression.
                if c == b'}' {
                    let mut k = i + 1;
                    while k < n && b[k].is_ascii_whitespace() {
                        k += 1;
                    }
                    let next = b.get(k).copied().unwrap_or(b';');
                    let new_statement = next.is_ascii_alphabetic() || matches!(next, b'_' | b'$' | b'}' | b';');
                    if new_statement && !else_follows(b, k) {
                        if let Some(top) = stmt.last_mut() {
                            *top = 0;
                        }
                        if let Some(top) = chain.last_mut() {
                            *top = 0;
                        }
                    }
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                let start = i;
                while i < n && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$') {
                    i += 1;
                }
                // Keywords that nest what follows: statements (`if(a)if(a)…`, `else if`,
                // `class extends class extends …`) and prefix operators (`typeof typeof …`).
                let (counter, weight) = match &b[start..i] {
                    // `if` nests its branches (`if(a)if(a)…` traps near 800 on the main thread,
                    // loops near 1,050). `else` continues the `if` before it and nests nothing
                    // itself: a long `else if` chain costs one `if` per link.
                    b"if" => (&mut stmt, 5),
                    b"while" | b"for" | b"do" | b"with" => (&mut stmt, 4),
                    b"try" | b"switch" | b"class" | b"extends" => (&mut stmt, 3),
                    b"new" | b"typeof" | b"void" | b"delete" | b"await" | b"yield" | b"in" | b"instanceof" => (&mut chain, 3),
                    _ => (&mut chain, 0),
                };
                if weight > 0 {
                    if let Some(top) = counter.last_mut() {
                        *top += weight;
                        max_chain = max_chain.max(*top);
                    }
                }
                last_sig = b[i - 1];
                if max_chain > max_chain_allowed {
                    return Some(format!("an expression or statement chaining more than {max_chain_allowed} levels"));
                }
                continue;
            }
            b';' | b',' => {
                if let Some(top) = chain.last_mut() {
                    *top = 0;
                }
                // An arrow's expression body ends at a comma or semicolon at its own depth.
                if let Some(top) = arrows.last_mut() {
                    arrow_total -= *top;
                    *top = 0;
                }
                // A `;` ends the statement, unless an `else` follows: `if(a)b;else if(a)b;…`
                // nests like the braced chain does.
                if c == b';' && !else_follows(b, i + 1) {
                    if let Some(top) = stmt.last_mut() {
                        *top = 0;
                    }
                }
            }
            b'+' | b'-' | b'*' | b'%' | b'?' | b'&' | b'|' | b'<' | b'>' | b'=' | b'^' | b'/' | b'!' | b'~' | b':' | b'.' => {
                // An arrow nests its body: `()=>()=>…` recurses like brackets do, so it weighs
                // more than a binary operator (measured: arrows trap at a tenth of `+` chains).
                let next = b.get(i + 1).copied().unwrap_or(b' ');
                let prev = if i > 0 { b[i - 1] } else { b' ' };
                let weight = match c {
                    b'=' if next == b'>' => {
                        // An arrow's body nests inside the brackets around it: it deepens them.
                        if let Some(top) = arrows.last_mut() {
                            *top += 1;
                            arrow_total += 1;
                            max_depth = max_depth.max(depth + 2 * arrow_total);
                        }
                        6
                    }
                    // Assignments and labels nest to the right (`a=a=…`, `l: l: …`) with big frames.
                    b'=' if next != b'=' && !matches!(prev, b'=' | b'!' | b'<' | b'>') => 3,
                    b':' => 3,
                    _ => 1,
                };
                if let Some(top) = chain.last_mut() {
                    *top += weight;
                    max_chain = max_chain.max(*top);
                }
            }
            _ => {}
        }
        last_sig = c;
        i += 1;
        if max_depth > max_depth_allowed {
            return Some(format!("nesting deeper than {max_depth_allowed} levels"));
        }
        if max_chain > max_chain_allowed {
            return Some(format!("an expression chaining more than {max_chain_allowed} operators"));
        }
    }
    None
}

/// Could `b` hold `<a:b.c` (a namespaced JSX name followed by `.`), whitespace and comments
/// allowed between the parts? Also true of code such as `x?a<b:c.d`, which then only loses JSX.
fn jsx_namespace_member(b: &[u8]) -> bool {
    static RE: std::sync::OnceLock<Option<regex::bytes::Regex>> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        let gap = r"(?:\s|//[^\n]*\n?|/\*(?s:.)*?\*/)*";
        let name = r"[A-Za-z0-9_$\-\x80-\xff]+";
        regex::bytes::RegexBuilder::new(&format!("<{gap}{name}{gap}:{gap}{name}{gap}\\."))
            .unicode(false)
            .build()
            .ok()
    });
    // No regex (cannot happen): assume the worst, which only costs JSX.
    memchr::memchr(b'<', b).is_some() && re.as_ref().is_none_or(|re| re.is_match(b))
}

/// Does the keyword `else` come next after `i` (past whitespace and comments)? Then the
/// statement before it goes on: `if(a)b();/* c */else d()` is one statement.
pub(crate) fn else_follows(b: &[u8], mut i: usize) -> bool {
    loop {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let rest = &b[i.min(b.len())..];
        if rest.starts_with(b"//") {
            i = memchr::memchr(b'\n', rest).map_or(b.len(), |k| i + k);
        } else if rest.starts_with(b"/*") {
            i = memchr::memmem::find(&rest[2..], b"*/").map_or(b.len(), |k| i + 2 + k + 2);
        } else {
            return rest.starts_with(b"else") && !rest.get(4).is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$');
        }
    }
}

/// Parses `src` and collects its strings. `Err` carries the parser's message.
pub fn collect<'a>(src: &'a str, base: usize, dialect: Dialect) -> Result<Vec<Candidate<'a>>, String> {
    // swc_ecma_parser 47 panics (`unreachable!`, parser/jsx.rs) on a namespaced JSX element name
    // followed by `.` (`<a:b.c/>`, found by fuzzing); in the .wasm a panic is a trap. Where the
    // text could hold one, JavaScript is parsed without JSX (bundles hold none; real JSX there
    // then fails to parse and falls back to the text scan) and TSX is not parsed at all.
    let risky_jsx = jsx_namespace_member(src.as_bytes());
    if risky_jsx && dialect == Dialect::Tsx {
        return Err("a JSX element name the parser cannot read (`<a:b.c`)".into());
    }
    let attempts: &[(Syntax, bool)] = match dialect {
        Dialect::Js if risky_jsx => &[(Syntax::Es(EsSyntax { jsx: false, ..ES_DEFAULT }), false)],
        Dialect::Js => &[
            (Syntax::Es(EsSyntax { jsx: true, decorators: true, import_attributes: true, ..ES_DEFAULT }), true),
            (Syntax::Es(EsSyntax { jsx: false, ..ES_DEFAULT }), false),
        ],
        Dialect::Ts => &[(Syntax::Typescript(TsSyntax { tsx: false, decorators: true, ..TS_DEFAULT }), true)],
        Dialect::Tsx => &[(Syntax::Typescript(TsSyntax { tsx: true, decorators: true, ..TS_DEFAULT }), true)],
    };
    let mut last_err = String::new();
    for &(syntax, module_first) in attempts {
        let kinds: &[bool] = if module_first { &[true, false] } else { &[false] };
        for &as_module in kinds {
            let comments = SingleThreadedComments::default();
            let input = StringInput::new(src, BytePos(1), BytePos(1 + src.len() as u32));
            let mut parser = Parser::new(syntax, input, Some(&comments));
            let parsed = if as_module {
                parser.parse_module().map(Program::Module)
            } else {
                parser.parse_script().map(Program::Script)
            };
            let program = match parsed {
                Ok(p) if parser.take_errors().is_empty() => p,
                Ok(_) => {
                    last_err = "recoverable syntax errors".into();
                    continue;
                }
                Err(e) => {
                    let span = e.span();
                    last_err = format!("{} at byte {}", e.into_kind().msg(), span.lo.0.saturating_sub(1));
                    continue;
                }
            };
            let mut v = Collector { src, base, names: Vec::new(), calls: Vec::new(), out: Vec::new() };
            program.visit_with(&mut v);
            let (leading, trailing) = comments.take_all();
            for map in [leading, trailing] {
                for list in map.borrow().values() {
                    for c in list {
                        let start = c.span.lo.0.saturating_sub(1) as usize + 2;
                        let text: &str = &c.text;
                        if text.len() >= 8 && start + text.len() <= src.len() && &src[start..start + text.len()] == text {
                            v.out.push(Candidate::exact(Cow::Borrowed(&src[start..start + text.len()]), base + start, None, None));
                        }
                    }
                }
            }
            return Ok(v.out);
        }
    }
    Err(last_err)
}

const ES_DEFAULT: EsSyntax = EsSyntax {
    jsx: false,
    fn_bind: false,
    decorators: false,
    decorators_before_export: false,
    export_default_from: false,
    import_attributes: true,
    allow_super_outside_method: true,
    allow_return_outside_function: true,
    auto_accessors: true,
    explicit_resource_management: true,
};

const TS_DEFAULT: TsSyntax = TsSyntax {
    tsx: false,
    decorators: false,
    dts: false,
    no_early_errors: true,
    disallow_ambiguous_jsx_like: false,
};

/// The visitor: a stack of names (with `None` as a barrier at function boundaries) and a stack of
/// calls.
struct Collector<'a> {
    src: &'a str,
    base: usize,
    names: Vec<Option<String>>,
    calls: Vec<String>,
    out: Vec<Candidate<'a>>,
}

fn prop_name(p: &PropName) -> Option<String> {
    match p {
        PropName::Ident(i) => Some(i.sym.to_string()),
        PropName::Str(s) => Some(s.value.to_string_lossy().into_owned()),
        _ => None,
    }
}

/// `a.b.c` → `b.c`; `this.apiKey` → `apiKey`.
fn member_name(m: &MemberExpr) -> Option<String> {
    let prop = match &m.prop {
        MemberProp::Ident(i) => i.sym.to_string(),
        MemberProp::Computed(c) => match &*c.expr {
            Expr::Lit(Lit::Str(s)) => s.value.to_string_lossy().into_owned(),
            _ => return None,
        },
        MemberProp::PrivateName(p) => p.name.to_string(),
    };
    let obj = match &*m.obj {
        Expr::Ident(i) => Some(i.sym.to_string()),
        Expr::Member(inner) => match &inner.prop {
            MemberProp::Ident(i) => Some(i.sym.to_string()),
            _ => None,
        },
        _ => None,
    };
    Some(match obj {
        Some(o) if o != "this" && o.len() > 1 => format!("{o}.{prop}"),
        _ => prop,
    })
}

fn callee_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Ident(i) => Some(i.sym.to_string()),
        Expr::Member(m) => member_name(m),
        Expr::Paren(p) => callee_name(&p.expr),
        Expr::Seq(s) => s.exprs.last().and_then(|e| callee_name(e)),
        _ => None,
    }
}

/// A string-ish expression with no dynamic part: a literal or a template without `${}`.
fn static_string(e: &Expr) -> Option<(String, Span, bool)> {
    match e {
        Expr::Lit(Lit::Str(s)) => Some((s.value.to_string_lossy().into_owned(), s.span, true)),
        Expr::Tpl(t) if t.exprs.is_empty() && t.quasis.len() == 1 => {
            let q = &t.quasis[0];
            let cooked = q.cooked.as_ref()?.to_string_lossy().into_owned();
            Some((cooked, q.span, false))
        }
        Expr::Paren(p) => static_string(&p.expr),
        _ => None,
    }
}

impl<'a> Collector<'a> {
    fn context(&self) -> Option<String> {
        let mut tail: Vec<&str> = Vec::new();
        for n in self.names.iter().rev() {
            match n {
                Some(s) => {
                    tail.push(s);
                    if tail.len() == 2 {
                        break;
                    }
                }
                None => break,
            }
        }
        match tail.len() {
            0 => None,
            1 => Some(tail[0].to_string()),
            _ => Some(format!("{}.{}", tail[1], tail[0])),
        }
    }

    fn call(&self) -> Option<String> {
        self.calls.last().cloned()
    }

    /// The segment of a literal: exact when the source between the quotes is the value itself.
    fn segment(&self, value: &str, span: Span, quoted: bool, val_start: usize) -> Segment {
        let lo = span.lo.0.saturating_sub(1) as usize;
        let hi = (span.hi.0.saturating_sub(1) as usize).min(self.src.len());
        let (inner_lo, inner_hi) = if quoted { (lo + 1, hi.saturating_sub(1).max(lo + 1)) } else { (lo, hi) };
        let exact = self.src.get(inner_lo..inner_hi) == Some(value);
        Segment {
            val_start,
            val_end: val_start + value.len(),
            src_start: self.base + inner_lo,
            src_end: self.base + inner_hi.max(inner_lo),
            exact,
        }
    }

    fn push_string(&mut self, value: String, span: Span, quoted: bool) {
        if value.len() < 8 {
            return;
        }
        let seg = self.segment(&value, span, quoted, 0);
        let value = if seg.exact {
            Cow::Borrowed(&self.src[seg.src_start - self.base..seg.src_end - self.base])
        } else {
            Cow::Owned(value)
        };
        self.out.push(Candidate { value, segments: vec![seg], context: self.context(), call: self.call() });
    }

    /// Joins a run of static strings into one candidate.
    fn push_joined(&mut self, parts: &[(String, Span, bool)]) {
        let mut value = String::new();
        let mut segments = Vec::with_capacity(parts.len());
        for (text, span, quoted) in parts {
            let seg = self.segment(text, *span, *quoted, value.len());
            value.push_str(text);
            segments.push(seg);
        }
        if value.len() >= 8 {
            self.out.push(Candidate { value: Cow::Owned(value), segments, context: self.context(), call: self.call() });
        }
    }

    fn with_name<F: FnOnce(&mut Self)>(&mut self, name: Option<String>, f: F) {
        let pushed = name.is_some();
        if pushed {
            self.names.push(name);
        }
        f(self);
        if pushed {
            self.names.pop();
        }
    }
}

impl Visit for Collector<'_> {
    fn visit_str(&mut self, s: &Str) {
        self.push_string(s.value.to_string_lossy().into_owned(), s.span, true);
    }

    fn visit_tpl_element(&mut self, q: &TplElement) {
        if let Some(cooked) = &q.cooked {
            self.push_string(cooked.to_string_lossy().into_owned(), q.span, false);
        }
    }

    fn visit_jsx_text(&mut self, t: &JSXText) {
        self.push_string(t.value.to_string_lossy().into_owned(), t.span, false);
    }

    fn visit_bin_expr(&mut self, e: &BinExpr) {
        if e.op != BinaryOp::Add {
            // Walk left-deep chains of the same shape without recursing once per operator.
            e.left.visit_with(self);
            e.right.visit_with(self);
            return;
        }
        // Flatten the `+` chain: operands in source order, without recursion on the left spine.
        let mut rights: Vec<&Expr> = vec![&e.right];
        let mut left: &Expr = &e.left;
        while let Expr::Bin(b) = left {
            if b.op != BinaryOp::Add {
                break;
            }
            rights.push(&b.right);
            left = &b.left;
        }
        rights.push(left);
        rights.reverse();
        let mut run: Vec<(String, Span, bool)> = Vec::new();
        for operand in rights {
            match static_string(operand) {
                Some(part) => run.push(part),
                None => {
                    self.flush_run(&mut run);
                    operand.visit_with(self);
                }
            }
        }
        self.flush_run(&mut run);
    }

    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        let name = match &d.name {
            Pat::Ident(i) => Some(i.id.sym.to_string()),
            _ => None,
        };
        d.name.visit_with(self);
        self.with_name(name, |v| d.init.visit_with(v));
    }

    fn visit_key_value_prop(&mut self, p: &KeyValueProp) {
        if let PropName::Computed(c) = &p.key {
            c.visit_with(self);
        } else if let PropName::Str(s) = &p.key {
            self.visit_str(s);
        }
        let name = prop_name(&p.key);
        self.with_name(name, |v| p.value.visit_with(v));
    }

    fn visit_assign_expr(&mut self, a: &AssignExpr) {
        let name = match &a.left {
            AssignTarget::Simple(SimpleAssignTarget::Ident(i)) => Some(i.id.sym.to_string()),
            AssignTarget::Simple(SimpleAssignTarget::Member(m)) => member_name(m),
            _ => None,
        };
        a.left.visit_with(self);
        self.with_name(name, |v| a.right.visit_with(v));
    }

    fn visit_assign_pat(&mut self, a: &AssignPat) {
        let name = match &*a.left {
            Pat::Ident(i) => Some(i.id.sym.to_string()),
            _ => None,
        };
        self.with_name(name, |v| a.right.visit_with(v));
    }

    fn visit_class_prop(&mut self, p: &ClassProp) {
        let name = prop_name(&p.key);
        self.with_name(name, |v| p.value.visit_with(v));
    }

    fn visit_jsx_attr(&mut self, a: &JSXAttr) {
        let name = match &a.name {
            JSXAttrName::Ident(i) => Some(i.sym.to_string()),
            JSXAttrName::JSXNamespacedName(n) => Some(n.name.sym.to_string()),
        };
        self.with_name(name, |v| a.value.visit_with(v));
    }

    fn visit_function(&mut self, f: &Function) {
        self.names.push(None);
        f.visit_children_with(self);
        self.names.pop();
    }

    fn visit_arrow_expr(&mut self, f: &ArrowExpr) {
        self.names.push(None);
        f.visit_children_with(self);
        self.names.pop();
    }

    fn visit_object_lit(&mut self, o: &ObjectLit) {
        // A Firebase web config is public by design: mark it for the rules.
        let firebase = o.props.iter().any(|p| match p {
            PropOrSpread::Prop(p) => match &**p {
                Prop::KeyValue(kv) => matches!(prop_name(&kv.key).as_deref(), Some("authDomain" | "messagingSenderId")),
                _ => false,
            },
            _ => false,
        });
        if firebase {
            self.calls.push("firebaseConfig".into());
        }
        o.visit_children_with(self);
        if firebase {
            self.calls.pop();
        }
    }

    fn visit_call_expr(&mut self, c: &CallExpr) {
        let callee = match &c.callee {
            Callee::Expr(e) => callee_name(e),
            _ => None,
        };
        // "a".concat("b", "c"): one string.
        if let Callee::Expr(e) = &c.callee {
            if let Expr::Member(m) = &**e {
                let is_concat = matches!(&m.prop, MemberProp::Ident(i) if &*i.sym == "concat");
                if is_concat {
                    if let Some(first) = static_string(&m.obj) {
                        let rest: Option<Vec<_>> =
                            c.args.iter().map(|a| if a.spread.is_none() { static_string(&a.expr) } else { None }).collect();
                        if let Some(rest) = rest {
                            let mut parts = vec![first];
                            parts.extend(rest);
                            self.push_joined(&parts);
                            return;
                        }
                    }
                }
            }
        }
        c.callee.visit_with(self);
        let setter = callee.as_deref().is_some_and(|n| {
            let leaf = n.rsplit('.').next().unwrap_or(n);
            matches!(leaf, "set" | "append" | "setRequestHeader" | "setHeader" | "header" | "setItem" | "defineProperty")
        });
        if let Some(name) = &callee {
            self.calls.push(name.clone());
        }
        // headers.set("Authorization", "Bearer …"): the first argument names the second.
        let header_name = if setter {
            c.args.first().and_then(|a| static_string(&a.expr)).map(|(s, _, _)| s)
        } else {
            None
        };
        for (i, arg) in c.args.iter().enumerate() {
            let name = if i >= 1 { header_name.clone() } else { None };
            self.with_name(name, |v| arg.visit_with(v));
        }
        if callee.is_some() {
            self.calls.pop();
        }
    }

    fn visit_new_expr(&mut self, n: &NewExpr) {
        let callee = callee_name(&n.callee).map(|c| format!("new {c}"));
        n.callee.visit_with(self);
        if let Some(name) = &callee {
            self.calls.push(name.clone());
        }
        n.args.visit_with(self);
        if callee.is_some() {
            self.calls.pop();
        }
    }
}

impl Collector<'_> {
    fn flush_run(&mut self, run: &mut Vec<(String, Span, bool)>) {
        match run.len() {
            0 => {}
            1 => {
                let (text, span, quoted) = run.pop().expect("one part");
                self.push_string(text, span, quoted);
            }
            _ => {
                let parts = std::mem::take(run);
                self.push_joined(&parts);
            }
        }
        run.clear();
    }
}
