/** One registry of every error ro2key answers with: a stable code, an HTTP status and a title. */
export const ERRORS = {
  RO2KEY_BAD_REQUEST: { status: 400, title: 'Bad request' },
  RO2KEY_DURATION_ABOVE_CAP: { status: 400, title: 'Duration above the team cap' },
  RO2KEY_AWS_REJECTED_PARAMETERS: { status: 400, title: 'AWS rejected the request parameters' },
  RO2KEY_DESTINATION_NOT_ALLOWED: { status: 400, title: 'Console destination not allowed' },
  RO2KEY_TOKEN_MISSING: { status: 401, title: 'Bearer token required' },
  RO2KEY_TOKEN_INVALID: { status: 401, title: 'Token not valid' },
  RO2KEY_INSUFFICIENT_SCOPE: { status: 403, title: 'Insufficient scope' },
  RO2KEY_ROLE_NOT_ALLOWED: { status: 403, title: 'Role not allowed' },
  RO2KEY_AWS_ACCESS_DENIED: { status: 403, title: 'AWS refused to assume the role' },
  RO2KEY_NOT_FOUND: { status: 404, title: 'Not found' },
  RO2KEY_UNKNOWN_ACCOUNT: { status: 404, title: 'Account not served' },
  RO2KEY_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  RO2KEY_INTERNAL: { status: 500, title: 'Internal error' },
  RO2KEY_UPSTREAM_BAD_RESPONSE: { status: 502, title: 'Upstream answered badly' },
  RO2KEY_UPSTREAM_UNAVAILABLE: { status: 503, title: 'Upstream unavailable' },
  // reliability and limits (issue 8)
  RO2KEY_REQUEST_TIMEOUT: { status: 408, title: 'Request not received in time' },
  RO2KEY_RATE_LIMITED: { status: 429, title: 'Too many requests' },
  RO2KEY_HEADERS_TOO_LARGE: { status: 431, title: 'Request headers too large' },
  RO2KEY_OVERLOADED: { status: 503, title: 'Overloaded' },
  RO2KEY_NOT_READY: { status: 503, title: 'Not ready' },
  // authentication strength (issue 16)
  RO2KEY_STEP_UP_REQUIRED: { status: 401, title: 'Stronger authentication required' },
  // the web page for people (issue 18)
  RO2KEY_SIGN_IN_REQUIRED: { status: 401, title: 'Sign-in required' },
  RO2KEY_SIGN_IN_FAILED: { status: 400, title: 'Sign-in failed' },
  RO2KEY_CSRF_TOKEN_INVALID: { status: 403, title: 'Form token missing or not valid' },
  // time-boxed grants (issue 14)
  RO2KEY_GRANT_NOT_ELIGIBLE: { status: 403, title: 'Not eligible for this grant' },
  RO2KEY_GRANT_ENDING: { status: 403, title: 'Grant ends too soon' },
  RO2KEY_GRANT_FORBIDDEN: { status: 403, title: 'Not allowed to act on this grant' },
  RO2KEY_GRANT_CONFLICT: { status: 409, title: 'Grant not in a state for this' },
  RO2KEY_STORE_UNAVAILABLE: { status: 503, title: 'State store unavailable' },
} as const satisfies Record<string, { status: number; title: string }>

export type ErrorCode = keyof typeof ERRORS

/** Seconds a client should wait before retrying after an upstream failure. */
export const RETRY_AFTER_SECONDS = 5

export interface AppErrorOptions {
  detail?: string
  cause?: unknown
  /** Extra response headers, e.g. WWW-Authenticate. */
  headers?: Record<string, string>
}

/** An error with a registry code; the error handler turns it into problem+json. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number
  readonly title: string
  readonly detail: string | undefined
  readonly headers: Record<string, string>

  constructor (code: ErrorCode, options: AppErrorOptions = {}) {
    const { status, title }: { status: number, title: string } = ERRORS[code]
    super(options.detail ?? title, { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.statusCode = status
    this.title = title
    this.detail = options.detail
    this.headers = { ...options.headers }
    if (status >= 502) {
      this.headers['retry-after'] ??= String(RETRY_AFTER_SECONDS)
    }
  }
}

export interface Problem {
  type: string
  title: string
  status: number
  code: ErrorCode
  detail?: string
  instance?: string
  request_id?: string
}

/** The problem type URI for a code, e.g. urn:ro2key:problem:role-not-allowed. */
export function problemType (code: ErrorCode): string {
  return 'urn:ro2key:problem:' + code.replace(/^RO2KEY_/, '').toLowerCase().replaceAll('_', '-')
}

/** RFC 9457 body for an AppError; 5xx details are fixed text, never internal messages. */
export function toProblem (err: AppError, instance: string, requestId: string): Problem {
  const problem: Problem = {
    type: problemType(err.code),
    title: err.title,
    status: err.statusCode,
    code: err.code,
    instance,
    request_id: requestId
  }
  if (err.detail !== undefined) problem.detail = err.detail
  return problem
}
