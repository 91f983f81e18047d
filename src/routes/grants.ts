import type { FastifyReply, FastifyRequest } from 'fastify'
import type { components } from '../api/schema.js'
import { toView } from '../grants/grant.js'
import { grantsOf } from './shared/grants-of.js'

type Grant = components['schemas']['Grant']
type GrantList = components['schemas']['GrantList']
type GrantRequest = components['schemas']['GrantRequest']
type IdRequest = FastifyRequest<{ Params: { id: string } }>

/** POST /grants */
export async function createGrant (
  request: FastifyRequest<{ Body: GrantRequest }>, reply: FastifyReply
): Promise<Grant> {
  const { grants, principal } = grantsOf(request)
  const item = await grants.request(principal, request.body)
  reply.code(201).header('cache-control', 'no-store')
  return toView(item)
}

/** GET /grants */
export async function listGrants (request: FastifyRequest, reply: FastifyReply): Promise<GrantList> {
  const { grants, principal } = grantsOf(request)
  const items = await grants.list(principal)
  reply.header('cache-control', 'no-store')
  return { grants: items.map(toView) }
}

/** POST /grants/{id}/approve */
export async function approveGrant (request: IdRequest, reply: FastifyReply): Promise<Grant> {
  const { grants, principal } = grantsOf(request)
  const item = await grants.approve(principal, request.params.id)
  reply.header('cache-control', 'no-store')
  return toView(item)
}

/** DELETE /grants/{id} */
export async function revokeGrant (request: IdRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { grants, principal } = grantsOf(request)
  await grants.revoke(principal, request.params.id)
  return reply.code(204).send()
}
