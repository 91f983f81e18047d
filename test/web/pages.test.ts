import t from 'tap'
import { freePort } from '../../dev/peers/free-port.js'
import { escapeHtml, html } from '../../src/web/html.js'
import { build, testConfig } from '../helpers/build.js'

const deadIssuer = `http://127.0.0.1:${await freePort()}`
const config = testConfig({
  OIDC_ISSUER: deadIssuer,
  OIDC_CLIENT_ID: 'ro2key-web',
  OIDC_CLIENT_SECRET: 'web-client-secret-never-logged',
  PUBLIC_URL: 'http://localhost:8080',
  SESSION_SECRET: 'pages-test-session-secret-32-bytes-or-more'
})

t.test('html`` escapes every value but Html', async (t) => {
  t.equal(escapeHtml('<a href="x">\'&'), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;')
  t.equal(html`<p>${'<script>'}</p>${html`<b>ok</b>`}${['<', html`<i>`]}`.value, '<p>&lt;script&gt;</p><b>ok</b>&lt;<i>')
})

t.test('signed out: the sign-in page with a strict CSP; the API routes keep their own headers', async (t) => {
  const { app } = await build(t, config)
  const home = await app.inject({ url: '/' })
  t.equal(home.statusCode, 200)
  t.match(home.headers['content-type'], /^text\/html/)
  t.match(home.body, /data-testid="sign-in"/)
  t.match(home.headers['content-security-policy'], /default-src 'none'.*script-src 'self'/)
  t.equal(home.headers['x-frame-options'], 'SAMEORIGIN')
  const health = await app.inject({ url: '/health' })
  t.equal(health.headers['content-security-policy'], undefined, 'no page CSP on the API')
  t.equal((await app.inject({ url: '/openapi.json' })).statusCode, 200, '/openapi.json stays')
})

t.test('an unreachable identity provider: a 503 page with Retry-After, no secret', async (t) => {
  const { app, logs } = await build(t, config)
  const res = await app.inject({ url: '/auth/login' })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '5')
  t.match(res.body, /RO2KEY_UPSTREAM_UNAVAILABLE/)
  t.notMatch(res.body + logs.text, /web-client-secret-never-logged|pages-test-session-secret/)
})

t.test('bad step-up parameters and forms without a session', async (t) => {
  const { app } = await build(t, config)
  t.equal((await app.inject({ url: '/auth/login?max_age=-1' })).statusCode, 400)
  t.equal((await app.inject({ url: '/auth/login?acr_values=%3Cx%3E' })).statusCode, 400)
  const form = await app.inject({
    method: 'POST',
    url: '/me/console',
    payload: 'role=S3MintReadOnly',
    headers: { 'content-type': 'application/x-www-form-urlencoded' }
  })
  t.equal(form.statusCode, 401)
  t.match(form.body, /RO2KEY_SIGN_IN_REQUIRED/)
})
