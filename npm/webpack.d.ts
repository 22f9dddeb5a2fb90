// Types of secretgate/webpack: the webpack 5 / Rspack plugin that fails a compilation holding a secret.

// The module is CommonJS (`module.exports = SecretgatePlugin`, with `.SecretgatePlugin` and `.default`
// pointing at the same class), so its types use `export =` with a merged namespace: `require()`,
// a default import and `import { SecretgatePlugin }` all get the class.

declare class SecretgatePlugin {
  constructor(options?: SecretgatePlugin.SecretgatePluginOptions)
  readonly options: SecretgatePlugin.SecretgatePluginOptions
  apply(compiler: SecretgatePlugin.CompilerLike): void
}

type SecretgatePluginClass = typeof SecretgatePlugin

declare namespace SecretgatePlugin {
  /** A rule's level: 'off' turns it off, a severity replaces its own. */
  export type RuleLevel = 'off' | 'error' | 'warning' | 'info'
  export type Severity = 'error' | 'warning' | 'info'

  /** Accept a finding on purpose: by fingerprint, or by rule (and file / context globs). Each needs a reason. */
  export type AllowEntry =
    | { fingerprint: string; reason: string }
    | { rule: string; file?: string; context?: string; reason: string }

  export interface SecretgatePluginOptions {
    /** Globs of output files (relative to `output.path`) not to scan. */
    ignore?: string[]
    /** Per-rule levels, e.g. `{ 'generic-secret': 'off' }`. Merged over the config file's. */
    rules?: Record<string, RuleLevel>
    /** Findings accepted on purpose. */
    allow?: AllowEntry[]
    /** The lowest severity that fails the compilation. Default 'error'. */
    failOn?: Severity
    /** Name globs of env variables meant to be public, beside the defaults (VITE_, NEXT_PUBLIC_, REACT_APP_, ...). */
    publicEnv?: string[]
    /** Globs of output that never reaches a browser: its errors become warnings. */
    serverOutput?: string[]
    /** A config file to use instead of the `secretgate.config.*` found upward from the compiler's context. */
    config?: string
    /** Alias of `config`. */
    configFile?: string
    /**
     * Write a report after every compilation: a path (`.sarif` picks SARIF, anything else JSON), `true`
     * (`secretgate-report.json`), or `{ format, file }`. Relative to the compiler's context.
     */
    report?: string | boolean | { format?: 'json' | 'sarif'; file?: string }
    /**
     * What a file the core could not judge (an internal error) does: 'error' (default; 'fail' is the
     * same, as in the Vite plugin) fails the compilation naming the file; 'warn' reports a warning
     * and lets it through.
     */
    onError?: 'error' | 'fail' | 'warn'
    /** Findings in a node/electron-main build (server output): 'warn' (default) or 'fail' like browser output. */
    server?: 'warn' | 'fail'
  }

  /** The finding attached (non-enumerable) to each WebpackError the plugin reports. Values are redacted. */
  export interface SecretgateFinding {
    ruleId: string
    provider: string
    severity: Severity
    kind: 'secret' | 'publishable' | 'identifier' | 'generic'
    message: string
    file: string
    line: number
    column: number
    endLine: number
    endColumn: number
    start: number
    end: number
    secret: string
    fingerprint: string
    context: string | null
    call: string | null
    envVar: string | null
    original: { file: string; line: number; column: number } | null
    suppressed: { reason: string; by?: 'inline' | 'allow' | 'baseline' } | null
  }

  /** Minimal structural type of a webpack / Rspack compiler, so neither package is a type dependency. */
  export interface CompilerLike {
    hooks: object
    options: object
    context: string
  }

  /** The same class, for `import { SecretgatePlugin } from 'secretgate/webpack'`. */
  export const SecretgatePlugin: SecretgatePluginClass
}

export = SecretgatePlugin
