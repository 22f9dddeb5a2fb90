// Types of the Node API (`import { scan } from 'secretgate'`).

export type Severity = 'error' | 'warning' | 'info'
export type FindingKind = 'secret' | 'publishable' | 'identifier' | 'generic'
export type FileKind = 'js' | 'html' | 'json' | 'css' | 'sourcemap' | 'text'

export interface OriginalLocation { file: string; line: number; column: number }

export interface Finding {
  ruleId: string
  provider: string
  severity: Severity
  kind: FindingKind
  message: string
  file: string
  /** 1-based. */
  line: number
  /** 1-based, in UTF-16 code units. */
  column: number
  endLine: number
  endColumn: number
  /** Byte offsets in the scanned input (UTF-8). */
  start: number
  end: number
  /** Redacted: the provider's prefix and at most four more characters. */
  secret: string
  fingerprint: string
  context: string | null
  call: string | null
  envVar: string | null
  original: OriginalLocation | null
  suppressed: { reason: string; by?: string } | null
  /** Only with `showSecrets: true`. */
  rawSecret?: string
  /**
   * Set by the CLI and the plugins (npm/group.js), not by `scan`: every place the same secret
   * (same fingerprint) was found in one output, the finding's own place first.
   */
  locations?: { file: string; line: number; column: number; start?: number; end?: number; original: OriginalLocation | null }[]
}

export interface Note { file: string; code: string; message: string }

export interface Report {
  file: string
  kind: FileKind
  findings: Finding[]
  notes: Note[]
  stats: { bytes: number; strings: number; parsed: number; ms: number }
  /** A source map only: its first first-party source that is server-side code, and why. */
  serverSource?: { source: string; why: string; line: number; column: number }
}

export interface KnownSecret { name: string; value: string; secret?: boolean }

export interface ScannerConfig {
  knownSecrets?: KnownSecret[]
  rules?: Record<string, 'off' | Severity>
}

export interface ScanOptions {
  file?: string
  kind?: FileKind
  sourceMap?: string | object
  showSecrets?: boolean
}

export class Scanner {
  constructor(config?: ScannerConfig)
  scan(source: string | Uint8Array, options?: ScanOptions): Report
}

export function scan(source: string | Uint8Array, options?: ScanOptions & ScannerConfig): Report

export interface RuleInfo {
  id: string
  provider: string
  title: string
  kind: FindingKind
  severity: Severity
  allows: string
  remedy: string
}

export function rules(): RuleInfo[]
export const version: string
export function coreVersion(): string
