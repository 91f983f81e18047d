import fp from 'fastify-plugin'
import { AppError } from '../errors.js'
import { routeOptions } from './openapi-routes.js'
import { dereference, specRoutes } from './spec-routes.js'
import type { OpenApiDocument } from '../api/spec.js'
import type { Config } from '../config/index.js'
import type { Services } from '../services.js'
import { createGetConsole } from './console.js'
import { createGetKey } from './get-key.js'
import { getHealth } from './health.js'
import { createGetReady } from './ready.js'
import { createGetRoles } from './roles.js'
import { approveGrant, createGrant, listGrants, revokeGrant } from './grants.js'
import { authorizeMembership, revokeMembership } from './membership.js'
import { createKeyHandlers } from './keys.js'
import { applyBodyLimits } from './shared/body-limit.js'
import { createMimicSession } from './shared/mimic-session.js'
import { createGetMyConsole } from './my-console.js'
import { createMyCredentials } from './my-credentials.js'
import { createAssumeRoleAsUser } from './assume-role-as-user.js'
import { shareRoutesWithWebForms } from './shared/token-constraint.js'

export interface RoutesOptions {
  /** openapi.yaml as loaded: its operationIds name the handlers below */
  spec: OpenApiDocument
  config: Config
  services: Services
}

/** The routes of openapi.yaml: each operationId to its handler, each security scheme to app.authenticate. */
export const routes = fp<RoutesOptions>(async function routes (app, { spec, config, services }) {
  const { credentials, federation, roleTags, sts, roleTagsIn } = services
  const mimicSession = createMimicSession(config, services.mimic, sts, federation)
  const serviceHandlers = {
    getKey: createGetKey(config, credentials, roleTags, roleTagsIn, services.now),
    getHealth,
    getRoles: createGetRoles(config, roleTags, roleTagsIn, services.now),
    getConsole: createGetConsole(config, sts, federation, roleTags, undefined, services.now),
    getReady: createGetReady(app.readiness),
    getKeyInAccount: createGetKey(config, credentials, roleTags, roleTagsIn, services.now),
    getConsoleInAccount: createGetConsole(config, sts, federation, roleTags, services, services.now),
    listGrants,
    createGrant,
    approveGrant,
    revokeGrant,
    authorizeMembership,
    revokeMembership,
    ...createKeyHandlers(services),
    getMyConsole: createGetMyConsole(mimicSession),
    createMyCredentials: createMyCredentials(mimicSession),
    assumeRoleAsUser: createAssumeRoleAsUser(mimicSession)
  }
  // glue warns at every boot when no parser exists for a content type of the spec; problem+json
  // only ever appears in responses here (request bodies are refused), so a parser that refuses.
  if (!app.hasContentTypeParser('application/problem+json')) {
    app.addContentTypeParser('application/problem+json', (_request, _payload, done) => {
      done(new AppError('RO2KEY_BAD_REQUEST', { detail: 'requests take no body' }), undefined)
    })
  }
  applyBodyLimits(app)
  if (config.web !== undefined) shareRoutesWithWebForms(app)
  // the routes in a child context, as fastify-openapi-glue registered them (issue 19: glue's boot-time
  // validation of the document is gone; test/api/spec-valid.test.ts checks it)
  const security = { oauth2: app.authenticate, bearer: app.authenticate }
  const options = routeOptions(specRoutes(dereference(spec)), serviceHandlers, security)
  await app.register(async (child) => { for (const route of options) child.route(route) })
}, {
  name: 'routes',
  dependencies: ['authentication', 'readiness', 'metrics', 'rate-limit', 'error-handler', 'grants']
})
