import type { FastifyReply, FastifyRequest } from 'fastify'
import type { components, operations } from '../api/schema.js'
import { credentialsBody } from './shared/issue-credentials.js'
import type { MimicSession } from './shared/mimic-session.js'

type Query = NonNullable<operations['createMyCredentials']['parameters']['query']>
type Credentials = components['schemas']['Credentials']
export type MyCredentialsRequest = FastifyRequest<{ Querystring: Query }>

/** POST /me/credentials: the /get_key body for the role that mimics the caller's own IAM user. */
export function createMyCredentials (session: MimicSession, via = 'me-credentials') {
  return async function createMyCredentials (request: MyCredentialsRequest, reply: FastifyReply): Promise<Credentials> {
    const { recreate, duration } = request.query
    const vended = await session.credentials(request, { recreate, duration, via })
    reply.header('cache-control', 'no-store')
    return credentialsBody(vended)
  }
}
