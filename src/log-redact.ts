/** What a secret's value becomes in a log line. */
export const CENSOR = '[REDACTED]'
/** Deeper than any object ro2key logs; guards against cycles. */
const MAX_DEPTH = 8
/** Left to their serializers at the top level: Fastify's request and reply objects. */
const SERIALIZED = new Set(['req', 'res'])

/** The secret key names of redaction paths: the last segment of each ('*.a.token' -> 'token'). */
export function secretKeys (paths: string[]): Set<string> {
  return new Set(paths.map((p) => p.slice(p.lastIndexOf('.') + 1)))
}

/** A shallow copy that keeps the prototype and every own property (an Error keeps message and stack). */
function copyOf<T extends object> (value: T): T {
  if (Array.isArray(value)) return [...value] as T
  return Object.create(Object.getPrototypeOf(value), Object.getOwnPropertyDescriptors(value)) as T
}

function redactIn (value: unknown, secrets: Set<string>, depth: number, top: boolean): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value
  let out: Record<string, unknown> | undefined
  const record = value as Record<string, unknown>
  for (const key of Object.keys(record)) {
    const inner = record[key]
    if (inner === undefined || inner === null) continue
    let next: unknown
    if (secrets.has(key) && !Array.isArray(value)) next = CENSOR
    else if (typeof inner !== 'object' || (top && SERIALIZED.has(key))) continue
    else next = redactIn(inner, secrets, depth + 1, false)
    if (next === inner) continue
    out ??= copyOf(record)
    out[key] = next
  }
  return out ?? value
}

/**
 * The object with every property named in `secrets` (at any depth) replaced by CENSOR;
 * copied only where something is replaced, so the caller's objects are never changed.
 */
export function redactSecrets<T extends object> (object: T, secrets: Set<string>, depth = 0): T {
  return redactIn(object, secrets, depth, depth === 0) as T
}
