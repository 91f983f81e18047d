import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AppError, type ErrorCode, toProblem } from './errors.js'

interface SecurityErrorShape { name: string, errors?: unknown[] }

function fromValidation (err: FastifyError): AppError {
  const where = err.validationContext ?? 'request'
  const what = err.message.replace(/^(params|querystring|headers)\/?/, '')
  return new AppError('RO2KEY_BAD_REQUEST', { detail: `${where}: ${what}`.trim() })
}

/** The AppError a thrown value stands for: ours, unwrapped from openapi-glue, or mapped from Fastify. */
export function toAppError (err: FastifyError & SecurityErrorShape): AppError {
  if (err instanceof AppError) return err
  const inner = err.errors?.find((e) => e instanceof AppError)
  if (inner instanceof AppError) return inner
  if (err.validation) return fromValidation(err)
  const status = err.statusCode ?? 500
  if (status >= 400 && status < 500) {
    const code: ErrorCode = status === 404
      ? 'RO2KEY_NOT_FOUND'
      : status === 405 ? 'RO2KEY_METHOD_NOT_ALLOWED' : 'RO2KEY_BAD_REQUEST'
    const mapped = new AppError(code, { detail: err.message, cause: err })
    // keep Fastify's own 4xx status (413, 415, 431...) rather than flattening to 400
    return Object.assign(mapped, { statusCode: status })
  }
  return new AppError('RO2KEY_INTERNAL', { cause: err })
}

/** The request path without the query string (which may hold a token). */
function pathOf (request: FastifyRequest): string {
  return request.url.split('?')[0] ?? ''
}

/** Writes an AppError as RFC 9457 problem+json. */
export function sendProblem (request: FastifyRequest, reply: FastifyReply, err: AppError): FastifyReply {
  const problem = toProblem(err, pathOf(request), request.id)
  // the metrics plugin decorates the root instance; an app built without it counts nothing
  request.server.metrics?.problem(err.code, err.statusCode)
  return reply.code(err.statusCode).headers(err.headers).type('application/problem+json').send(problem)
}

function logError (request: FastifyRequest, err: AppError, raw: Error): void {
  const cause = err.cause instanceof Error ? err.cause.message : undefined
  if (err.statusCode >= 500) {
    const stack = err.code === 'RO2KEY_INTERNAL' ? (raw.stack ?? String(raw)) : undefined
    request.log.error({ code: err.code, status: err.statusCode, cause, stack }, err.title)
  } else {
    request.log.info({ code: err.code, status: err.statusCode, cause }, err.title)
  }
}

/** One error handler and one not-found handler: every error leaves as RFC 9457 problem+json. */
export const errorHandler = fp(async function errorHandler (app: FastifyInstance) {
  app.setErrorHandler((raw: FastifyError & SecurityErrorShape, request, reply) => {
    const err = toAppError(raw)
    logError(request, err, raw)
    return sendProblem(request, reply, err)
  })
  app.setNotFoundHandler((request, reply) => {
    request.log.info({ code: 'RO2KEY_NOT_FOUND' }, 'no such route')
    const detail = `${request.method} ${pathOf(request)} is not a route of this service`
    return sendProblem(request, reply, new AppError('RO2KEY_NOT_FOUND', { detail }))
  })
}, { name: 'error-handler' })

/** Fastify's errors raised before routing (bad URL, over-long parameter): problem+json as well. */
export function frameworkErrors (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const appError = toAppError(err)
  request.log.info({ code: appError.code, status: appError.statusCode, cause: err.code }, appError.title)
  sendProblem(request, reply, appError)
}

function clientErrorFor (code: string | undefined): AppError {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new AppError('RO2KEY_HEADERS_TOO_LARGE', { detail: 'The request headers are too large' })
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new AppError('RO2KEY_REQUEST_TIMEOUT', { detail: 'The request was not received in time' })
  }
  return new AppError('RO2KEY_BAD_REQUEST', { detail: 'Malformed HTTP request' })
}

/** Node's HTTP parser errors (headers too large, slow request, garbage) as problem+json, then close. */
export function clientErrorHandler (err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
    return
  }
  const appError = clientErrorFor(err.code)
  // No request was parsed: no instance and no request id.
  const { type, title, status, code, detail } = toProblem(appError, '', '')
  const body = JSON.stringify({ type, title, status, code, detail })
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
    'Connection: close\r\nContent-Type: application/problem+json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
}
