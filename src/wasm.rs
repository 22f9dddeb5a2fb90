//! The only file that knows JavaScript: a thin wasm-bindgen layer over [`crate::Scanner`].
//! Options arrive as plain JS objects (serde-wasm-bindgen), reports leave as plain objects with
//! `null` for missing values and objects (not `Map`s) for maps.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::{Config, FileKind, KnownValue, Options, Scanner, Severity};

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct JsKnown {
    name: String,
    value: String,
    #[serde(default)]
    secret: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct JsConfig {
    known_secrets: Vec<JsKnown>,
    rules: HashMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct JsOptions {
    file: Option<String>,
    kind: Option<String>,
    source_map: Option<String>,
    show_secrets: bool,
    max_depth: Option<usize>,
    always_parse: bool,
    region_from: Option<usize>,
}

fn serializer() -> serde_wasm_bindgen::Serializer {
    serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true).serialize_maps_as_objects(true)
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serializer()).map_err(|e| JsError::new(&format!("secretgate: cannot return the report: {e}")))
}

fn from_js<T: for<'de> Deserialize<'de> + Default>(value: JsValue, what: &str) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("secretgate: invalid {what}: {e}")))
}

/// A scanner holding its configuration (known env values, rule overrides) across files.
#[wasm_bindgen]
pub struct WasmScanner {
    inner: Scanner,
}

#[wasm_bindgen]
impl WasmScanner {
    /// `config`: `{ knownSecrets?: [{name, value, secret?}], rules?: {[id]: 'off'|'error'|'warning'|'info'} }`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<WasmScanner, JsError> {
        let js: JsConfig = from_js(config, "scanner config")?;
        let mut rule_overrides = HashMap::new();
        for (id, level) in js.rules {
            if crate::rules::by_id(&id).is_none() {
                return Err(JsError::new(&format!("secretgate: unknown rule id `{id}` in `rules`")));
            }
            let sev = match level.as_str() {
                "off" => None,
                other => Some(Severity::parse(other).ok_or_else(|| {
                    JsError::new(&format!("secretgate: rule `{id}`: `{other}` is not one of off, error, warning, info"))
                })?),
            };
            rule_overrides.insert(id, sev);
        }
        let known_values = js
            .known_secrets
            .into_iter()
            .map(|k| KnownValue { name: k.name, value: k.value, secret: k.secret.unwrap_or(true) })
            .collect();
        Ok(WasmScanner { inner: Scanner::new(Config { known_values, rule_overrides }) })
    }

    /// Scans one file's bytes. `options`: `{ file, kind?, sourceMap?, showSecrets? }`.
    pub fn scan(&self, input: &[u8], options: JsValue) -> Result<JsValue, JsError> {
        let js: JsOptions = from_js(options, "scan options")?;
        let kind = match js.kind.as_deref() {
            None => None,
            Some(k) => Some(FileKind::parse(k).ok_or_else(|| {
                JsError::new(&format!("secretgate: unknown kind `{k}` (js, html, json, css, sourcemap, text)"))
            })?),
        };
        let opts = Options {
            file: js.file.unwrap_or_else(|| "<input>".into()),
            kind,
            source_map: js.source_map,
            show_secrets: js.show_secrets,
            max_depth: js.max_depth,
            always_parse: js.always_parse,
            region_from: js.region_from,
        };
        to_js(&self.inner.scan(input, &opts))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleInfo {
    id: &'static str,
    provider: &'static str,
    title: &'static str,
    kind: crate::Kind,
    severity: Severity,
    allows: &'static str,
    remedy: &'static str,
}

/// Every rule's id, provider, title, kind, default severity, what it allows and the remedy.
#[wasm_bindgen]
pub fn rules() -> Result<JsValue, JsError> {
    let list: Vec<RuleInfo> = crate::rules::all()
        .iter()
        .map(|r| RuleInfo {
            id: r.id,
            provider: r.provider,
            title: r.title,
            kind: r.kind,
            severity: r.severity,
            allows: r.allows,
            remedy: r.remedy,
        })
        .collect();
    to_js(&list)
}

/// The core's version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
