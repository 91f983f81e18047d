import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { AppError, problemType } from '../errors.js'

/** Requests with a body are refused: every route is a GET. */
export const BODY_LIMIT_BYTES = 1024

/** Refuses a body on GET before any work is done (no route of ro2key reads one). */
export function installNoBodyOnGet (app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return
    const length = request.headers['content-length']
    if ((length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined) {
      throw new AppError('RO2KEY_BAD_REQUEST', { detail: `${request.method} requests take no body` })
    }
  })
}

function clientErrorFor (code: string | undefined): AppError {
  if (code === 'HPE_HEADER_OVERFLOW') return new AppError('RO2KEY_HEADERS_TOO_LARGE', { detail: 'The request headers are too large' })
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new AppError('RO2KEY_REQUEST_TIMEOUT', { detail: 'The request was not received in time' })
  return new AppError('RO2KEY_BAD_REQUEST', { detail: 'Malformed HTTP request' })
}

/** Node's HTTP parser errors (headers too large, slow request, garbage) as problem+json, then close. */
export function clientErrorHandler (err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
    return
  }
  const appError = clientErrorFor(err.code)
  const { code, statusCode: status, title, detail } = appError
  const body = JSON.stringify({ type: problemType(code), title, status, code, detail })
  socket.end(`HTTP/1.1 ${appError.statusCode} ${STATUS_CODES[appError.statusCode] ?? ''}\r\n` +
    'Connection: close\r\nContent-Type: application/problem+json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
}
