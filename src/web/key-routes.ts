import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../errors.js'
import { principalOf } from '../iam-users/caller.js'
import type { Keys } from '../iam-users/keys.js'
import type { NewKeyBody } from '../iam-users/secret-envelope.js'
import type { Services } from '../services.js'
import { newKeyPage } from './pages/new-key.js'
import { signedInHandler } from './signed-in.js'

interface KeyForm { pgp_key?: string, delete_old?: string, Status?: string }
interface KeyRoute { Params: { id: string }, Body: KeyForm | undefined }
type KeyRequest = FastifyRequest<KeyRoute>

const KEY_ID = /^[A-Z0-9]{16,128}$/
/** an armored OpenPGP public key is well over the global 1 KiB */
const KEY_FORM_LIMIT_BYTES = 64 * 1024

function keyIdOf (request: KeyRequest): string {
  if (!KEY_ID.test(request.params.id)) throw new AppError('RO2KEY_BAD_REQUEST', { detail: 'not an access key id' })
  return request.params.id
}

function bodyOf (form: KeyForm | undefined): NewKeyBody {
  const pgp = form?.pgp_key?.trim()
  return pgp ? { pgp_key: pgp } : {}
}

/** The key forms of the web page: the same self-service as /keys, for the signed-in person. */
export function keyRoutes (app: FastifyInstance, services: Services, now: () => number): void {
  const signedIn = signedInHandler(now)
  const keys = (): Keys => {
    const found = services.iamUsers?.keys
    if (found === undefined) throw new AppError('RO2KEY_NO_IAM_USER', { detail: 'this ro2key serves no IAM users' })
    return found
  }
  const shown = (request: FastifyRequest, reply: FastifyReply, key: Parameters<typeof newKeyPage>[0]['key']) =>
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8')
      .send(newKeyPage({ uid: principalOf(request).uid, csrfToken: reply.generateCsrf(), key }))
  const back = (reply: FastifyReply) => reply.header('cache-control', 'no-store').redirect('/', 303)
  const opts = { preHandler: [signedIn, app.csrfProtection] }

  app.post<KeyRoute>('/me/keys', { ...opts, bodyLimit: KEY_FORM_LIMIT_BYTES }, async (request, reply) =>
    shown(request, reply, await keys().create(principalOf(request), bodyOf(request.body), request.log)))
  app.post<KeyRoute>('/me/keys/rotate', { ...opts, bodyLimit: KEY_FORM_LIMIT_BYTES }, async (request, reply) => {
    const deleteOld = request.body?.delete_old === 'true'
    const key = await keys().rotate(principalOf(request), bodyOf(request.body), deleteOld, request.log)
    return shown(request, reply, key)
  })
  app.post<KeyRoute>('/me/keys/:id/status', opts, async (request, reply) => {
    const status = request.body?.Status
    if (status !== 'Active' && status !== 'Inactive') {
      throw new AppError('RO2KEY_BAD_REQUEST', { detail: 'Status must be Active or Inactive' })
    }
    await keys().setStatus(principalOf(request), keyIdOf(request), status, request.log)
    return back(reply)
  })
  app.post<KeyRoute>('/me/keys/:id/delete', opts, async (request, reply) => {
    await keys().remove(principalOf(request), keyIdOf(request), request.log)
    return back(reply)
  })
}
