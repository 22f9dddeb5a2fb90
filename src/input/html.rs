//! HTML: inline `<script>` bodies (scanned as JavaScript or JSON), inline event handlers, and
//! attribute values named by their attribute (or by `<meta name>`). The caller also scans the
//! whole page as text, so nothing between tags is missed.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::detect::Candidate;

/// A region of the page to scan as code.
#[derive(Debug)]
pub struct Script {
    /// Byte offset of the body in the page.
    pub start: usize,
    /// End of the body.
    pub end: usize,
    /// `application/json`, `importmap` or `application/ld+json` bodies are JSON.
    pub json: bool,
}

fn tag_re() -> &'static regex::bytes::Regex {
    static RE: OnceLock<regex::bytes::Regex> = OnceLock::new();
    RE.get_or_init(|| regex::bytes::RegexBuilder::new(r"<([A-Za-z][A-Za-z0-9\-]*)([^>]*)>").unicode(false).build().expect("tag regex"))
}

fn attr_re() -> &'static regex::bytes::Regex {
    static RE: OnceLock<regex::bytes::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::bytes::RegexBuilder::new(r#"([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))"#).unicode(false).build().expect("attr regex")
    })
}

/// Script bodies and attribute candidates of `page`.
pub fn collect(page: &str) -> (Vec<Script>, Vec<Candidate<'_>>) {
    let b = page.as_bytes();
    let lower = page.to_ascii_lowercase();
    let mut scripts = Vec::new();
    let mut cands = Vec::new();
    let mut pos = 0;
    while let Some(m) = tag_re().captures_at(b, pos) {
        let whole = m.get(0).expect("match");
        let name = page[m.get(1).expect("name").range()].to_ascii_lowercase();
        let attrs = m.get(2).expect("attrs");
        let attrs_text = &page[attrs.range()];
        let mut meta_name: Option<String> = None;
        let mut script_type = String::new();
        let mut has_src = false;
        for a in attr_re().captures_iter(attrs_text.as_bytes()) {
            let an = attrs_text[a.get(1).expect("attr").range()].to_ascii_lowercase();
            let Some(v) = a.get(2).or(a.get(3)).or(a.get(4)) else { continue };
            let value = &attrs_text[v.range()];
            match an.as_str() {
                "name" | "property" | "id" => meta_name = Some(value.to_string()),
                "type" => script_type = value.to_ascii_lowercase(),
                "src" => has_src = true,
                _ => {}
            }
            if value.len() >= 8 {
                let context = if an == "content" { meta_name.clone().or(Some(an.clone())) } else { Some(an.clone()) };
                let call = an.starts_with("on").then(|| "event handler".to_string());
                cands.push(Candidate::exact(Cow::Borrowed(value), attrs.start() + v.start(), context, call));
            }
        }
        pos = whole.end();
        if name == "script" && !has_src {
            let close = lower[pos..].find("</script").map(|p| pos + p).unwrap_or(page.len());
            let json = script_type.contains("json") || script_type == "importmap";
            let executable = script_type.is_empty() || script_type.contains("javascript") || script_type == "module" || json;
            if executable && close > pos {
                scripts.push(Script { start: pos, end: close, json });
            }
            pos = close;
        }
        if pos >= b.len() {
            break;
        }
    }
    (scripts, cands)
}
