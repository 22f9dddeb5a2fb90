// Types of the Vite plugin `secretgate/vite`.
import type { Plugin } from 'vite'

export type Severity = 'error' | 'warning' | 'info'
export type RuleLevel = 'off' | Severity

export type AllowEntry =
  | { fingerprint: string; reason: string }
  | { rule: string; file?: string; context?: string; reason: string }

export interface SecretgateViteOptions {
  /** Globs of output files not to scan. */
  ignore?: string[]
  /** Turn a rule off or change its severity: `{ 'generic-secret': 'off' }`. */
  rules?: Record<string, RuleLevel>
  /** Accepted findings, each with a reason. */
  allow?: AllowEntry[]
  /** The lowest severity that fails the build (default 'error'). */
  failOn?: Severity
  /** Name globs of env variables meant to be public, beside VITE_ and the usual prefixes. */
  publicEnv?: string[]
  /** Globs of output that never reaches a browser: findings there are warnings. */
  serverOutput?: string[]
  /** A secretgate config file to read instead of the nearest `secretgate.config.*` upward. */
  config?: string
  /**
   * Write a report after every build: a path (`.sarif` gives SARIF, anything else JSON), `true`
   * for `secretgate-report.json` in the project root, or `{ format, file }`. Relative paths start
   * at the Vite root.
   */
  report?: string | boolean | { format?: 'json' | 'sarif'; file?: string }
  /** `vite serve`: 'warn' (default) scans modules as they are transformed and warns; false: off. */
  dev?: 'warn' | false
  /** A file secretgate could not judge: 'fail' (default, fail closed) or 'warn'. */
  onError?: 'fail' | 'warn'
  /** Server environments (SSR): 'warn' (default) reports errors as warnings; 'fail' keeps them. */
  server?: 'warn' | 'fail'
}

declare function secretgate(options?: SecretgateViteOptions): Plugin[]

export default secretgate
export { secretgate }
