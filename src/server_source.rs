//! Server-side code carried in a source map's `sourcesContent`: a deployed map that embeds a
//! server route or a module importing `fs` gives away server code (and often where its secrets
//! come from). The CLI and the plugins report it as `deploy-server-source-map`; the core looks
//! for it because it has already decoded every source of the map it scans.

use std::sync::OnceLock;

use aho_corasick::MatchKind;

use regex::Regex;
use serde::Serialize;

use crate::locate::LineIndex;

/// The first first-party source of a map that is server-side code, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServerSource {
    /// The source's name as the map gives it.
    pub source: String,
    /// What gave it away (`"use server" directive`, `imports a Node.js server module`, …).
    pub why: &'static str,
    /// 1-based line of the evidence in that source.
    pub line: u32,
    /// 1-based column (UTF-16 units).
    pub column: u32,
}

struct Signals {
    /// Each signal and what it says; the first that matches a source is reported.
    code: Vec<(Regex, &'static str)>,
    /// Literals that every match of a signal holds (`fs'`, `"use server`, …), as one automaton:
    /// one pass over a source says which signals can match there, and only those regexes run.
    /// Most sources hold none, and seven regex passes over every source of every map were a
    /// sixth of a corpus scan.
    anchors: aho_corasick::dfa::DFA,
    /// For each anchor, the signal (index into `code`) it stands for.
    anchor_signal: Vec<usize>,
    /// `export … loader/action` on one line: a server data function when server data access
    /// follows within `DATA_REACH` characters.
    data_export: Regex,
    data_access: Regex,
    /// Paths that are server routes or functions by convention.
    server_path: Regex,
    env_read: Regex,
    handler: Regex,
    node_modules: Regex,
    webpack_runtime: Regex,
    url_prefix: Regex,
    relative_prefix: Regex,
}

const DATA_REACH: usize = 2000;

/// Node.js modules that only a server can import.
const NODE_MODULES: [&str; 8] = ["fs", "fs/promises", "child_process", "net", "tls", "dgram", "cluster", "worker_threads"];
/// Packages that only run on a server.
const SERVER_PACKAGES: [&str; 14] = [
    "express",
    "fastify",
    "koa",
    "@prisma/client",
    "pg",
    "mysql",
    "mysql2",
    "mongoose",
    "mongodb",
    "ioredis",
    "redis",
    "firebase-admin",
    "stripe",
    "@aws-sdk/client-",
];

/// The signal that is also a data function (`export async function loader`).
const DATA_SIGNAL: usize = 3;

fn alternation(names: &[&str]) -> String {
    names.iter().map(|n| regex::escape(n)).collect::<Vec<_>>().join("|")
}

fn signals() -> &'static Signals {
    static S: OnceLock<Signals> = OnceLock::new();
    S.get_or_init(|| {
        let re = |p: &str| Regex::new(p).expect("server-source regex");
        let node = alternation(&NODE_MODULES);
        // `@aws-sdk/client-` is a prefix (client-s3, client-dynamodb, …); the others are whole names.
        let (aws, packages) = SERVER_PACKAGES.split_last().expect("packages");
        let packages = format!("{}|{}[a-z0-9-]+", alternation(packages), regex::escape(aws));
        let code = vec![
            (re(r#"(?m)^\s*['"]use server['"]"#), "\"use server\" directive"),
            (re(r#"(?-u:\b)import\s+['"]server-only['"]|require\(\s*['"]server-only['"]\s*\)"#), "import 'server-only'"),
            (
                re(&format!(r#"(?-u:\b)from\s+['"](node:)?({node})['"]|(?-u:\b)require\(\s*['"](node:)?({node})['"]\s*\)"#)),
                "imports a Node.js server module",
            ),
            (re(r"(?-u:\b)export\s+(async\s+)?function\s+getServerSideProps(?-u:\b)"), "server-side data function"),
            (
                re(&format!(r#"(?-u:\b)from\s+['"]({packages})['"]|(?-u:\b)require\(\s*['"]({packages})['"]\s*\)"#)),
                "imports a server-only package",
            ),
        ];
        // Each signal's anchors: a module or package name with the quote that must follow it
        // (or, for the AWS prefix, precede it), the directive's words, the data functions' names.
        let mut anchors: Vec<(String, usize)> = Vec::new();
        let quoted_after = |names: &[&str], signal: usize, out: &mut Vec<(String, usize)>| {
            for n in names {
                for q in ['\'', '"'] {
                    out.push((format!("{n}{q}"), signal));
                }
            }
        };
        anchors.push(("use server".into(), 0));
        quoted_after(&["server-only"], 1, &mut anchors);
        quoted_after(&NODE_MODULES, 2, &mut anchors);
        for word in ["getServerSideProps", "loader", "action"] {
            anchors.push((word.into(), DATA_SIGNAL));
        }
        quoted_after(packages_names(), 4, &mut anchors);
        for q in ['\'', '"'] {
            anchors.push((format!("{q}{aws}"), 4));
        }
        let anchor_signal = anchors.iter().map(|(_, s)| *s).collect();
        let anchors = aho_corasick::dfa::Builder::new()
            .match_kind(MatchKind::Standard)
            .build(anchors.iter().map(|(a, _)| a.as_str()))
            .expect("server-source anchors");
        Signals {
            code,
            anchors,
            anchor_signal,
            data_export: re(r"(?-u:\b)export\s+(const|async function|function)\s+(loader|action)(?-u:\b)[^\n]*\n"),
            data_access: re(r"(?-u:\b)(process\.env|prisma|db\.)"),
            server_path: re(
                r"(^|/)(pages/api|app/api|server|api/routes|netlify/functions|supabase/functions)/|\.server\.[cm]?[jt]sx?$|(^|/)server\.[cm]?[jt]s$",
            ),
            env_read: re(r"(?-u:\b)process\.env\.([A-Za-z_][A-Za-z0-9_]*)"),
            handler: re(r"(?-u:\b)exports\.handler(?-u:\b)"),
            node_modules: re(r"(^|/)node_modules/"),
            webpack_runtime: re(r"^webpack/(runtime|bootstrap)"),
            url_prefix: re(r"^[a-z]+://[^/]*/"),
            relative_prefix: re(r"^(\.\.?/)+"),
        }
    })
}

/// The whole-name server packages (all but the AWS prefix).
fn packages_names() -> &'static [&'static str] {
    &SERVER_PACKAGES[..SERVER_PACKAGES.len() - 1]
}

/// Which signals (bits, by index into `code`) can match in `content`: those whose anchors occur.
fn possible_signals(s: &Signals, content: &str) -> u32 {
    let mut mask = 0u32;
    crate::detect::walk_lanes(&s.anchors, content.as_bytes(), |p, _, _| mask |= 1 << s.anchor_signal[p]);
    mask
}

/// Where a server-side data function (`export async function loader` followed by server data
/// access) starts in `content`, if there is one.
fn data_function(s: &Signals, content: &str) -> Option<usize> {
    s.data_export.find_iter(content).find_map(|m| {
        let rest = &content[m.end()..];
        // no further than DATA_REACH characters after the line
        let reach = rest.char_indices().nth(DATA_REACH).map_or(rest.len(), |(i, _)| i);
        let window_end = (m.end() + reach + "process.env".len()).min(content.len());
        let mut end = window_end;
        while !content.is_char_boundary(end) {
            end -= 1;
        }
        s.data_access.find(&content[m.end()..end]).filter(|a| a.start() <= reach).map(|_| m.start())
    })
}

/// The first source in `sources`/`contents` (a map's two arrays) that is first-party server
/// code. Sources under `node_modules` and webpack's runtime are skipped: libraries often carry
/// Node fallbacks that never run in a browser.
pub fn evidence(sources: &[Option<String>], contents: &[Option<String>]) -> Option<ServerSource> {
    let s = signals();
    for (i, content) in contents.iter().enumerate() {
        let Some(content) = content.as_deref().filter(|c| !c.is_empty()) else {
            continue;
        };
        let source = sources.get(i).cloned().flatten().unwrap_or_default();
        let after_scheme =
            source.strip_prefix("webpack://").map_or(source.as_str(), |r| r.split_once('/').map_or("", |(_, p)| p));
        if s.node_modules.is_match(&source) || s.webpack_runtime.is_match(after_scheme) {
            continue;
        }
        let mut found: Option<(usize, &'static str)> = None;
        let possible = possible_signals(s, content);
        for (k, (re, why)) in s.code.iter().enumerate() {
            if possible & (1 << k) == 0 {
                continue;
            }
            let mut at = re.find(content).map(|m| m.start() + m.as_str().len() - m.as_str().trim_start().len());
            // the fourth signal is also a data function: whichever comes first
            if k == DATA_SIGNAL {
                at = match (at, data_function(s, content)) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
            if let Some(at) = at {
                found = Some((at, why));
                break;
            }
        }
        if let Some((at, why)) = found {
            let (line, column) = LineIndex::new(content).position(content, at);
            return Some(ServerSource { source, why, line, column });
        }
        let bare = s.url_prefix.replace(&source, "");
        let bare = s.relative_prefix.replace(&bare, "");
        // the path first: reading a source for env use costs a pass, a path is short
        let reads_env = || s.env_read.captures_iter(content).any(|c| &c[1] != "NODE_ENV");
        if s.server_path.is_match(&bare) && (reads_env() || s.handler.is_match(content)) {
            return Some(ServerSource { source, why: "a server route or function", line: 1, column: 1 });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(source: &str, content: &str) -> Option<ServerSource> {
        evidence(&[Some(source.into())], &[Some(content.into())])
    }

    #[test]
    fn each_signal_is_found_with_its_place() {
        let cases = [
            (
                "src/actions.ts",
                "// actions\n  'use server'\nexport async function save() {}",
                "\"use server\" directive",
                2,
                3,
            ),
            ("src/db.ts", "import 'server-only'\n", "import 'server-only'", 1, 1),
            (
                "src/files.ts",
                "const a = 1\nimport { readFile } from \"node:fs/promises\"",
                "imports a Node.js server module",
                2,
                21,
            ),
            ("src/files.js", "const cp = require( 'child_process' )", "imports a Node.js server module", 1, 12),
            ("app/routes/x.tsx", "export async function getServerSideProps() {}", "server-side data function", 1, 1),
            (
                "app/routes/y.tsx",
                "x\nexport async function loader({ request }) {\n  return db.user.find()\n}",
                "server-side data function",
                2,
                1,
            ),
            ("src/pay.ts", "import Stripe from 'stripe'", "imports a server-only package", 1, 15),
            ("src/s3.ts", "import { S3 } from '@aws-sdk/client-s3'", "imports a server-only package", 1, 15),
            (
                "webpack://app/./pages/api/hello.js",
                "export default (req, res) => res.json({ k: process.env.API_KEY })",
                "a server route or function",
                1,
                1,
            ),
            ("../netlify/functions/f.js", "exports.handler = async () => ({})", "a server route or function", 1, 1),
        ];
        for (source, content, why, line, column) in cases {
            let got = one(source, content).unwrap_or_else(|| panic!("{source}: no evidence"));
            assert_eq!((got.why, got.line, got.column), (why, line, column), "{source}");
            assert_eq!(got.source, source);
        }
    }

    #[test]
    fn libraries_and_browser_code_are_not_server_code() {
        let quiet = [
            ("node_modules/pg/lib/index.js", "const net = require('net')"),
            ("webpack://app/webpack/runtime/define", "require('fs')"),
            ("src/main.ts", "const fs = 'fs'; import x from './fs'"),
            ("src/main.ts", "if (process.env.NODE_ENV !== 'production') log()"),
            ("pages/api/hello.js", "export default () => process.env.NODE_ENV"),
            ("src/r.tsx", "export async function loader() {\n".to_string().leak() as &str),
            ("src/useServer.ts", "const s = 'use server mode'"),
        ];
        for (source, content) in quiet {
            assert_eq!(one(source, content), None, "{source}: {content}");
        }
        // server data access far beyond the loader's line is not its body
        let far = format!("export function loader() {{\n{}process.env.X", "x ".repeat(DATA_REACH / 2 + 5));
        assert_eq!(one("src/r.ts", &far), None);
        let near = format!("export function loader() {{\n{}process.env.X", "x ".repeat(DATA_REACH / 2 - 5));
        assert!(one("src/r.ts", &near).is_some());
    }

    /// The anchors only decide which regexes run: every import form of every module and package
    /// must still be found, and a source with no anchor must cost no regex.
    #[test]
    fn every_module_and_package_is_found_through_its_anchors() {
        let s = signals();
        let aws = SERVER_PACKAGES[SERVER_PACKAGES.len() - 1];
        let packages: Vec<String> = packages_names().iter().map(|p| p.to_string()).chain([format!("{aws}s3"), format!("{aws}dynamodb")]).collect();
        let modules = NODE_MODULES.iter().flat_map(|m| [m.to_string(), format!("node:{m}")]);
        let cases = modules.map(|m| (m, "imports a Node.js server module")).chain(packages.into_iter().map(|p| (p, "imports a server-only package")));
        let mut checked = 0;
        for (name, why) in cases {
            for (open, close) in [('\'', '\''), ('"', '"'), ('\'', '"')] {
                for form in [format!("import x from {open}{name}{close}"), format!("const x = require( {open}{name}{close} )")] {
                    let content = format!("let a = 1\n{form}\n");
                    let got = one("src/server.ts", &content).unwrap_or_else(|| panic!("{form}: not found"));
                    assert_eq!((got.why, got.line), (why, 2), "{form}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, (NODE_MODULES.len() * 2 + packages_names().len() + 2) * 6);
        for content in ["'use server'", "import 'server-only'", "export function getServerSideProps() {}", "export const loader = () =>\n prisma.x"] {
            assert_ne!(possible_signals(s, content), 0, "{content}");
        }
        assert_eq!(possible_signals(s, "import React from 'react'; const fs = files.map(f => f.name)"), 0);
    }

    #[test]
    fn the_first_server_source_is_reported() {
        let sources = [Some("src/a.ts".to_string()), None, Some("src/b.ts".to_string()), Some("src/c.ts".to_string())];
        let contents = [
            Some("let a = 1".to_string()),
            Some("require('fs')".to_string()),
            Some("import fs from 'fs'".to_string()),
            None,
        ];
        let got = evidence(&sources, &contents).expect("evidence");
        // the unnamed second source is first-party too (its name is empty)
        assert_eq!(got.source, "");
        assert_eq!(evidence(&sources[2..], &contents[2..]).map(|e| e.source), Some("src/b.ts".to_string()));
    }
}
