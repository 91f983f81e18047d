/** The process environment, or any object shaped like it (tests pass config as data). */
export type Env = Record<string, string | undefined>

/** Sections of docs/configuration.md; each variable belongs to one. */
export type Feature = 'server' | 'aws' | 'tokens' | 'authorization' | 'attribution' | 'console' | 'caches' | 'limits'
  | 'web'
  | 'grants'

interface Common {
  feature: Feature
  /** one line for docs/configuration.md and --help */
  meaning: string
  /** the default as a reader sees it, when it is not a fixed value (e.g. "by partition") */
  defaultText?: string
  /** its value is never echoed, not in problems, not in docs */
  secret?: true
}
export interface IntSpec extends Common { type: 'int', default: number | undefined, min: number, max: number }
export interface UrlSpec extends Common { type: 'url' }
export interface BoolSpec extends Common { type: 'bool' }
export interface EnumSpec extends Common { type: 'enum', values: readonly string[], default: string }
export interface TextSpec extends Common { type: 'string' | 'list', default?: string, format?: string }
/** One row of the table in variables.ts. */
export type Spec = IntSpec | UrlSpec | BoolSpec | EnumSpec | TextSpec
export type Named<S extends Spec = Spec> = S & { name: string }

export const CONFIG_DOC = 'docs/configuration.md'

/** The stable anchor of a variable or section heading (GitHub's slug of `### NAME`). */
export function anchor (heading: string): string {
  return heading.toLowerCase().trim().replace(/[^\w\- ]/g, '').replace(/ /g, '-')
}

/** A problem sentence with the doc anchor that explains the variable or section. */
export function problem (text: string, heading: string): string {
  return `${text} (see ${CONFIG_DOC}#${anchor(heading)})`
}

/** The raw value, undefined when unset or empty. */
export function readRaw (env: Env, spec: Named): string | undefined {
  const raw = env[spec.name]
  return raw === undefined || raw === '' ? undefined : raw
}

/** An integer in [min, max], or the default when unset. */
export function readInt (env: Env, spec: Named<IntSpec & { default: number }>, problems: string[]): number
export function readInt (env: Env, spec: Named<IntSpec>, problems: string[]): number | undefined
export function readInt (env: Env, spec: Named<IntSpec>, problems: string[]): number | undefined {
  const raw = readRaw(env, spec)
  if (raw === undefined) return spec.default
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < spec.min || value > spec.max) {
    problems.push(problem(`${spec.name} must be an integer from ${spec.min} to ${spec.max}, got "${raw}"`, spec.name))
    return spec.default
  }
  return value
}

/** An http(s) URL, or undefined when unset. */
export function readUrl (env: Env, spec: Named<UrlSpec>, problems: string[]): string | undefined {
  const raw = readRaw(env, spec)
  if (raw === undefined) return undefined
  try {
    const url = new URL(raw)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme')
    return raw
  } catch {
    problems.push(problem(`${spec.name} must be an http(s) URL, got "${raw}"`, spec.name))
    return undefined
  }
}

/** true/1 or false/0 (any case); unset = false. */
export function readBool (env: Env, spec: Named<BoolSpec>, problems: string[]): boolean {
  const raw = (env[spec.name] ?? '').trim().toLowerCase()
  if (raw === '' || raw === 'false' || raw === '0') return false
  if (raw === 'true' || raw === '1') return true
  problems.push(problem(`${spec.name} must be true or false, got "${env[spec.name]}"`, spec.name))
  return false
}

/** One of the listed values, or the default when unset. */
export function readEnum<T extends string> (env: Env, spec: Named<EnumSpec>, problems: string[]): T {
  const value = readRaw(env, spec) ?? spec.default
  if (!spec.values.includes(value)) {
    problems.push(problem(`${spec.name} must be one of ${spec.values.join(', ')}, got "${value}"`, spec.name))
  }
  return value as T
}

/** Free text, or the default when unset. */
export function readString (env: Env, spec: Named<TextSpec & { default: string }>): string
export function readString (env: Env, spec: Named<TextSpec>): string | undefined
export function readString (env: Env, spec: Named<TextSpec>): string | undefined {
  return readRaw(env, spec) ?? spec.default
}

/** Space- or comma-separated words; unset = none. */
export function readList (env: Env, spec: Named<TextSpec>): string[] {
  return (env[spec.name] ?? '').split(/[\s,]+/).filter(Boolean)
}

/** Variables that work only together: all set, or none (named when half-set). */
export function readSet (env: Env, specs: Named[], heading: string, problems: string[]): boolean {
  const names = specs.map((s) => s.name)
  const set = names.filter((n) => env[n])
  if (set.length === 0) return false
  const missing = names.filter((n) => !env[n])
  const are = (list: string[]): string => `${list.join(', ')} ${list.length > 1 ? 'are' : 'is'}`
  if (missing.length > 0) {
    problems.push(problem(`${are(set)} set but ${are(missing)} not: these work only together`, heading))
  }
  return missing.length === 0
}
