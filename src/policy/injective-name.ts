import { createHash } from 'node:crypto'

/** The escape character: a raw value that holds it is never kept as is. */
const ESCAPE = '='
/** Marks a truncated value; an escaped value never holds two escape characters in a row. */
const TRUNCATED = ESCAPE + ESCAPE
/** base64url characters of SHA-256 in a truncated value (132 bits). */
const HASH_CHARS = 22

export interface NameRules {
  /** one character (code point) the target accepts besides the escape character */
  allowed: RegExp
  min: number
  max: number
}

const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0')

/** `=HH` for an ASCII code unit, `=uHHHH` for any other UTF-16 code unit (lone surrogates too). */
function escapeChar (ch: string): string {
  let out = ''
  for (let i = 0; i < ch.length; i++) {
    const unit = ch.charCodeAt(i)
    out += unit < 0x80 ? `${ESCAPE}${hex(unit, 2)}` : `${ESCAPE}u${hex(unit, 4)}`
  }
  return out
}

/** Cuts to at most `max` characters without splitting an escape sequence. */
function cut (escaped: string, max: number): string {
  const head = escaped.slice(0, max)
  const at = head.lastIndexOf(ESCAPE)
  if (at === -1) return head
  const whole = escaped[at + 1] === 'u' ? 6 : 3
  return at + whole <= head.length ? head : head.slice(0, at)
}

/**
 * An injective map from any string to a name the target accepts (docs/security.md, "Names"):
 * 1. kept as is when every character is allowed, none is `=`, and the length fits;
 * 2. else every other character escaped (`=2F`, `=u00F4`), which decodes back to the raw value;
 * 3. else (too short or too long) a cut of form 2, `==`, and 22 base64url chars of SHA-256(raw).
 * Form 1 holds no `=`, form 2 never `==`, form 3 always: no two raw values share a name
 * (short of a SHA-256 collision on 132 bits in form 3).
 */
export function injectiveName (raw: string, rules: NameRules): string {
  let escaped = ''
  for (const ch of raw) escaped += ch !== ESCAPE && rules.allowed.test(ch) ? ch : escapeChar(ch)
  if (escaped.length >= rules.min && escaped.length <= rules.max) return escaped
  const hash = createHash('sha256').update(raw, 'utf16le').digest('base64url').slice(0, HASH_CHARS)
  return cut(escaped, rules.max - TRUNCATED.length - HASH_CHARS) + TRUNCATED + hash
}

/** The inverse of forms 1 and 2 (undefined for form 3, which is one-way). */
export function decodeName (name: string): string | undefined {
  if (name.includes(TRUNCATED)) return undefined
  return name.replace(/=(?:u([0-9A-F]{4})|([0-9A-F]{2}))/g, (_m, u?: string, h?: string) =>
    String.fromCharCode(parseInt(u ?? h ?? '', 16)))
}
