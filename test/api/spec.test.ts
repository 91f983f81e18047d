import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { build, testConfig } from '../helpers/build.js'

t.test('generated types are not stale', async (t) => {
  const out = join(mkdtempSync(join(tmpdir(), 'ro2key-gen-')), 'schema.d.ts')
  execFileSync('npx', ['openapi-typescript', 'openapi.yaml', '-o', out], { stdio: 'ignore' })
  t.equal(readFileSync(out, 'utf8'), readFileSync('src/api/schema.d.ts', 'utf8'), 'run `npm run generate` after changing openapi.yaml')
})

t.test('the contract is served at /openapi.json and the old /swagger.json, UI at /ui', async (t) => {
  const { app } = await build(t, testConfig({ AUTH_URL: 'https://auth.example.com/oauth2/access_token' }))
  for (const url of ['/openapi.json', '/swagger.json']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200, url)
    const doc = res.json()
    t.equal(doc.openapi, '3.0.3')
    t.ok(doc.paths['/get_key/{role_name}'].get, `${url} has get_key`)
    t.equal(doc.components.securitySchemes.oauth2.flows.clientCredentials.tokenUrl, 'https://auth.example.com/oauth2/access_token', 'AUTH_URL shown as token URL')
  }
  const ui = await app.inject({ url: '/ui/' })
  t.equal(ui.statusCode, 200)
  t.match(ui.body, /swagger/i)
  // Swagger UI is set up on its first request (issue 19); its assets and document come through ro2key
  const css = await app.inject({ url: '/ui/static/index.css' })
  t.equal(css.statusCode, 200, 'a static asset')
  t.match(css.headers['content-type'], /text\/css/)
  const json = await app.inject({ url: '/ui/json' })
  t.equal(json.json().components.securitySchemes.oauth2.flows.clientCredentials.tokenUrl,
    'https://auth.example.com/oauth2/access_token', 'the UI shows the served document')
  const missing = await app.inject({ url: '/ui/static/nope.js' })
  t.equal(missing.statusCode, 404, 'a missing asset is 404')
  t.match(missing.headers['content-type'], /application\/problem\+json/, 'as problem+json')
})

t.test('health', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ url: '/health' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
})

t.test('Fastify\'s own errors become problem+json too', async (t) => {
  const { app } = await build(t)
  const post = await app.inject({ method: 'POST', url: '/get_key/S3MintReadOnly' })
  t.equal(post.statusCode, 404)
  t.match(post.json(), { code: 'RO2KEY_NOT_FOUND', detail: 'POST /get_key/S3MintReadOnly is not a route of this service' })
  const longParam = await app.inject({ url: '/get_key/' + 'a'.repeat(300) })
  t.equal(longParam.statusCode, 414, 'over-long path parameter never reaches a handler')
  t.match(longParam.headers['content-type'], /problem\+json/)
  const every = [post, longParam]
  for (const res of every) t.match(res.json(), { type: /^urn:ro2key:problem:/, title: String, status: Number, request_id: String })
})
