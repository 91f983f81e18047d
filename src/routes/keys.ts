import type { FastifyReply, FastifyRequest } from 'fastify'
import type { components, operations } from '../api/schema.js'
import { AppError } from '../errors.js'
import { principalOf } from '../iam-users/caller.js'
import type { Keys } from '../iam-users/keys.js'
import type { Services } from '../services.js'

type AccessKey = components['schemas']['AccessKey']
type AccessKeyList = components['schemas']['AccessKeyList']
type NewAccessKey = components['schemas']['NewAccessKey']
type NewKeyRequest = components['schemas']['NewKeyRequest']
type KeyStatusRequest = components['schemas']['KeyStatusRequest']
type KeyParams = operations['updateKey']['parameters']['path']
type RotateQuery = NonNullable<operations['rotateKey']['parameters']['query']>

/** The key self-service, or 404 when the policy has no iam_users (no IAM user can be the caller's). */
function keysOf (services: Services): Keys {
  const keys = services.iamUsers?.keys
  if (keys === undefined) {
    throw new AppError('RO2KEY_NO_IAM_USER', { detail: 'this ro2key serves no IAM users (no iam_users in the policy)' })
  }
  return keys
}

/** The handlers of /keys (issue 15): each acts on the caller's own IAM user; every answer is no-store. */
export function createKeyHandlers (services: Services) {
  return {
    /** GET /keys */
    async listKeys (request: FastifyRequest, reply: FastifyReply): Promise<AccessKeyList> {
      const listed = await keysOf(services).list(principalOf(request))
      reply.header('cache-control', 'no-store')
      return listed
    },
    /** POST /keys */
    async createKey (request: FastifyRequest<{ Body?: NewKeyRequest }>, reply: FastifyReply): Promise<NewAccessKey> {
      const key = await keysOf(services).create(principalOf(request), request.body, request.log)
      reply.code(201).header('cache-control', 'no-store')
      return key
    },
    /** POST /keys/rotate */
    async rotateKey (
      request: FastifyRequest<{ Body?: NewKeyRequest, Querystring: RotateQuery }>, reply: FastifyReply
    ): Promise<NewAccessKey> {
      const deleteOld = request.query.delete_old === true
      const key = await keysOf(services).rotate(principalOf(request), request.body, deleteOld, request.log)
      reply.code(201).header('cache-control', 'no-store')
      return key
    },
    /** PATCH /keys/{access_key_id} */
    async updateKey (
      request: FastifyRequest<{ Params: KeyParams, Body: KeyStatusRequest }>, reply: FastifyReply
    ): Promise<AccessKey> {
      const { access_key_id: id } = request.params
      const key = await keysOf(services).setStatus(principalOf(request), id, request.body.Status, request.log)
      reply.header('cache-control', 'no-store')
      return key
    },
    /** DELETE /keys/{access_key_id} */
    async deleteKey (request: FastifyRequest<{ Params: KeyParams }>, reply: FastifyReply): Promise<FastifyReply> {
      await keysOf(services).remove(principalOf(request), request.params.access_key_id, request.log)
      return reply.code(204).header('cache-control', 'no-store').send()
    }
  }
}
