//! One module per file kind. Each turns bytes into [`Candidate`]s: strings with the name they
//! were given. JavaScript goes through swc; the others are small linear tokenizers.

pub mod fast;
pub mod html;
pub mod js;
pub mod json;
pub mod regions;
pub mod text;

/// How a file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// JavaScript or TypeScript, minified or not.
    Js,
    /// HTML: inline scripts, event handlers, attribute values.
    Html,
    /// JSON (and `.webmanifest`).
    Json,
    /// CSS.
    Css,
    /// A source map: each `sourcesContent` entry is scanned as its own source.
    SourceMap,
    /// Anything else.
    Text,
}

impl FileKind {
    /// The kind for a file name.
    pub fn for_path(path: &str) -> FileKind {
        let lower = path.to_ascii_lowercase();
        let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        match ext {
            "js" | "mjs" | "cjs" | "jsx" | "ts" | "tsx" | "mts" | "cts" => FileKind::Js,
            "html" | "htm" => FileKind::Html,
            "json" | "webmanifest" => FileKind::Json,
            "css" => FileKind::Css,
            "map" => FileKind::SourceMap,
            _ => FileKind::Text,
        }
    }

    /// Parses the option spelling.
    pub fn parse(s: &str) -> Option<FileKind> {
        Some(match s {
            "js" => FileKind::Js,
            "html" => FileKind::Html,
            "json" => FileKind::Json,
            "css" => FileKind::Css,
            "sourcemap" => FileKind::SourceMap,
            "text" => FileKind::Text,
            _ => return None,
        })
    }

    /// The report's spelling.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Js => "js",
            FileKind::Html => "html",
            FileKind::Json => "json",
            FileKind::Css => "css",
            FileKind::SourceMap => "sourcemap",
            FileKind::Text => "text",
        }
    }
}
