import fp from 'fastify-plugin'
import openapiGlue from 'fastify-openapi-glue'
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

export interface RoutesOptions {
  /** openapi.yaml as loaded: its operationIds name the handlers below */
  spec: OpenApiDocument
  config: Config
  services: Services
}

/** The routes of openapi.yaml: each operationId to its handler, each security scheme to app.authenticate. */
export const routes = fp<RoutesOptions>(async function routes (app, { spec, config, services }) {
  const { credentials, federation, roleTags, sts } = services
  const serviceHandlers = {
    getKey: createGetKey(config, credentials, roleTags),
    getHealth,
    getRoles: createGetRoles(config, roleTags),
    getConsole: createGetConsole(config, sts, federation, roleTags),
    getReady: createGetReady(app.readiness),
    listGrants,
    createGrant,
    approveGrant,
    revokeGrant,
    authorizeMembership,
    revokeMembership
  }
  await app.register(openapiGlue, {
    specification: spec,
    serviceHandlers,
    securityHandlers: { oauth2: app.authenticate, bearer: app.authenticate },
    // glue warns that no body parser exists for application/problem+json: it only
    // ever appears in responses here, so that warning is noise.
    logLevel: 'error'
  })
}, {
  name: 'routes',
  dependencies: ['authentication', 'readiness', 'metrics', 'rate-limit', 'error-handler', 'grants']
})
