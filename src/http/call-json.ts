import type { Dispatcher } from 'undici'
import { undici } from './undici.js'
import { AppError } from '../errors.js'

/** How ro2key reaches an outside HTTP service: one dispatcher, one timeout per call. */
export interface HttpOptions {
  dispatcher: Dispatcher
  timeoutMs: number
}

export interface RequestInit {
  method: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
}

export interface TextAnswer {
  status: number
  /** the body, read only for the statuses asked for ('' otherwise) */
  text: string
}

export interface UpstreamAnswer {
  status: number
  /** the parsed JSON object, only for a 200 */
  doc: Record<string, unknown> | undefined
  /** the OAuth2 `error` code of a 400 answer (RFC 6749 section 5.2), if any */
  error?: string | undefined
}

/** Most bytes read of any upstream answer, error bodies too; then 502 (stated in SECURITY.md). */
export const MAX_UPSTREAM_BODY_BYTES = 256 * 1024

/** The body as text, or undefined as soon as it passes `cap` bytes (the rest is never read). */
async function readCapped (
  body: AsyncIterable<Buffer> & { destroy (): unknown }, cap: number
): Promise<string | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > cap) {
      body.destroy()
      return undefined
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function oversized (service: string, logName: string): AppError {
  return badResponse(`The ${service} answered with an oversized body`,
    `${logName}: body over ${MAX_UPSTREAM_BODY_BYTES} bytes`)
}

/** 503: the service could not be reached, timed out or throttled us. */
export function unavailable (detail: string, cause: string): AppError {
  return new AppError('RO2KEY_UPSTREAM_UNAVAILABLE', { detail, cause: new Error(cause) })
}

/** 502: the service answered, but not usefully. */
export function badResponse (detail: string, cause: string): AppError {
  return new AppError('RO2KEY_UPSTREAM_BAD_RESPONSE', { detail, cause: new Error(cause) })
}

/** Maps a non-200 status of an upstream to 503 (throttled, down) or 502. */
export function statusError (service: string, status: number): AppError {
  if (status === 429 || status === 503) {
    return unavailable(`The ${service} is unavailable; try again later`, `${service} answered ${status}`)
  }
  return badResponse(`The ${service} failed; try again later`, `${service} answered ${status}`)
}

/**
 * One HTTP call to an outside service. Network trouble and timeouts become 503; the body is
 * read only for the statuses in `read` and dumped otherwise. `service` names the service in
 * the client's message, `logName` (default `service`) in the logged cause; never put a secret
 * in either. The cause never quotes undici's error, which can hold the URL (and so a secret).
 */
export async function callText (
  service: string,
  url: string,
  init: RequestInit,
  http: HttpOptions,
  { read = [200], logName = service }: { read?: number[], logName?: string } = {}
): Promise<TextAnswer> {
  let answer: { status: number, text: string | undefined }
  try {
    const res = await undici().request(url, {
      method: init.method,
      headers: { accept: 'application/json', ...init.headers },
      body: init.body,
      dispatcher: http.dispatcher,
      signal: AbortSignal.timeout(http.timeoutMs)
    })
    if (!read.includes(res.statusCode)) {
      await res.body.dump()
      return { status: res.statusCode, text: '' }
    }
    const declared = Number(res.headers['content-length'])
    if (declared > MAX_UPSTREAM_BODY_BYTES) res.body.destroy()
    const text = declared > MAX_UPSTREAM_BODY_BYTES ? undefined : await readCapped(res.body, MAX_UPSTREAM_BODY_BYTES)
    answer = { status: res.statusCode, text }
  } catch (err) {
    const name = (err as Error).name
    const reason = name === 'TimeoutError' || name === 'AbortError' ? 'timed out' : 'could not be reached'
    const code = (err as NodeJS.ErrnoException).code ?? name
    throw unavailable(`The ${service} ${reason}; try again later`, `${logName} ${reason}: ${code}`)
  }
  if (answer.text === undefined) throw oversized(service, logName)
  return { status: answer.status, text: answer.text }
}

function parseObject (service: string, text: string): Record<string, unknown> {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    // No parser message as cause: it quotes the body, which may hold a token.
    throw badResponse(`The ${service} did not answer with JSON`, `${service}: non-JSON body of ${text.length} bytes`)
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw badResponse(`The ${service} did not answer with a JSON object`, `${service}: JSON but not an object`)
  }
  return doc as Record<string, unknown>
}

function oauthError (text: string): string | undefined {
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error
    return typeof error === 'string' ? error : undefined
  } catch {
    return undefined
  }
}

/**
 * One JSON call to a token service (tokeninfo, JWKS, discovery, introspection): the object
 * of a 200, the OAuth2 error code of a 400, the bare status otherwise.
 */
export async function callJson (
  service: string,
  url: string,
  init: RequestInit,
  http: HttpOptions
): Promise<UpstreamAnswer> {
  const { status, text } = await callText(service, url, init, http, { read: [200, 400] })
  if (status === 400) return { status, doc: undefined, error: oauthError(text) }
  return { status, doc: status === 200 ? parseObject(service, text) : undefined }
}
