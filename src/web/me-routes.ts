import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config/index.js'
import { AppError } from '../errors.js'
import { createConsoleSignIn } from '../routes/shared/console-signin.js'
import { createIssueCredentials } from '../routes/shared/issue-credentials.js'
import type { Services } from '../services.js'
import { credentialsPage } from './pages/credentials.js'
import { homePage, signedOutPage } from './pages/home.js'
import type { PageSection } from './pages/sections.js'
import { currentUser, principalOf } from './session.js'
import { signedInHandler } from './signed-in.js'

interface RoleForm { role?: string, _csrf?: string }
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/
const WEB = { via: 'web' }

function roleOf (request: FastifyRequest): string {
  const role = (request.body as RoleForm | undefined)?.role
  if (typeof role !== 'string' || !ROLE_NAME.test(role)) {
    throw new AppError('RO2KEY_BAD_REQUEST', { detail: 'role must be an IAM role name' })
  }
  return role
}

/** `/` and the signed-in forms; each form goes through the API's own authorization and services. */
export function meRoutes (
  app: FastifyInstance, config: Config, services: Services, sections: PageSection[], now: () => number
): void {
  const signedIn = signedInHandler(now)
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').type('text/html; charset=utf-8')

  app.get('/', async (request, reply) => {
    const user = currentUser(request, now())
    noStore(reply)
    if (user === undefined) return signedOutPage()
    request.principal = principalOf(user)
    return await homePage({ request, reply, user, csrfToken: reply.generateCsrf() }, sections)
  })

  const { sts, federation, roleTags, credentials, roleTagsIn } = services
  const consoleSignIn = createConsoleSignIn(config, sts, federation, roleTags, services, services.now)
  app.post('/me/console', { preHandler: [signedIn, app.csrfProtection] }, async (request, reply) => {
    const input = { roleName: roleOf(request), destination: undefined, duration: undefined, audit: WEB }
    const { url } = await consoleSignIn(request, input)
    reply.header('cache-control', 'no-store')
    return reply.redirect(url, 303)
  })

  const issueCredentials = createIssueCredentials(config, credentials, roleTags, roleTagsIn, services.now)
  app.post('/me/credentials', { preHandler: [signedIn, app.csrfProtection] }, async (request, reply) => {
    const role = roleOf(request)
    const credentials = await issueCredentials(request, role, undefined, WEB)
    noStore(reply)
    const uid = request.principal?.uid ?? ''
    return credentialsPage({ uid, csrfToken: reply.generateCsrf(), role, region: config.awsRegion, credentials })
  })
}
