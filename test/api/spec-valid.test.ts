import { Validator } from '@seriousme/openapi-schema-validator'
import Fastify, { type RouteOptions } from 'fastify'
import openapiGlue from 'fastify-openapi-glue'
import t from 'tap'
import { loadSpec } from '../../src/api/spec.js'
import { dereference, specRoutes } from '../../src/routes/spec-routes.js'
import { securityPreHandler } from '../../src/routes/openapi-routes.js'
import { AppError } from '../../src/errors.js'

// ro2key no longer validates openapi.yaml against the OpenAPI meta-schema at every start (issue 19):
// this test does, and checks that the routes it makes are the ones fastify-openapi-glue made.

t.test('openapi.yaml is a valid OpenAPI document', async (t) => {
  const result = await new Validator().validate(structuredClone(loadSpec()) as never)
  t.same(result.errors, undefined, 'no validation errors')
  t.equal(result.valid, true)
})

t.test('the routes are the ones fastify-openapi-glue made from the same document', async (t) => {
  const spec = loadSpec()
  const glued: RouteOptions[] = []
  const app = Fastify({ exposeHeadRoutes: false })
  app.addHook('onRoute', (route) => { glued.push(route) })
  const handler = async (): Promise<string> => 'x'
  const ours = specRoutes(dereference(spec) as Record<string, unknown>)
  const serviceHandlers = Object.fromEntries(ours.map((r) => [r.operationId, handler]))
  await app.register(openapiGlue, { specification: spec, serviceHandlers, securityHandlers: { oauth2: handler, bearer: handler } })
  await app.ready()
  t.teardown(() => app.close())
  t.ok(ours.length >= 10, `${ours.length} routes`)
  t.same(ours.map((r) => `${r.method} ${r.url}`), glued.map((r) => `${String(r.method)} ${r.url}`), 'same routes, same order')
  for (const [i, route] of ours.entries()) {
    const theirs = glued[i]
    t.same(JSON.parse(JSON.stringify(route.schema)), JSON.parse(JSON.stringify(theirs?.schema)), `${route.method} ${route.url}: same schema`)
    t.same(route.config ?? {}, theirs?.config ?? {}, `${route.method} ${route.url}: same route config`)
    t.equal(route.security === undefined || route.security.length === 0, theirs?.preHandler === undefined,
      `${route.method} ${route.url}: a security handler exactly when glue had one`)
  }
})

t.test('security: the first passing alternative admits; else glue\'s error with every cause', async (t) => {
  const calls: string[] = []
  const fail = (name: string) => async () => { calls.push(name); throw new AppError('RO2KEY_TOKEN_INVALID') }
  const same = fail('same')
  const one = securityPreHandler([{ oauth2: [] }, { bearer: [] }], { oauth2: same, bearer: same })
  await t.rejects(one?.({} as never, {} as never) as Promise<void>, { name: 'Unauthorized', statusCode: 401 })
  t.same(calls, ['same'], 'two alternatives with the very same handler are tried once')
  calls.length = 0
  const two = securityPreHandler([{ a: [] }, { b: [] }], { a: fail('a'), b: async () => { calls.push('b') } })
  await two?.({} as never, {} as never)
  t.same(calls, ['a', 'b'], 'the second alternative admits after the first failed')
  t.equal(securityPreHandler([], {}), undefined, 'no requirement, no handler')
  t.throws(() => securityPreHandler([{ nope: [] }], {}), /no handler for security scheme nope/)
})
