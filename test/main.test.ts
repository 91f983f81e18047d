import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { freePort } from '../dev/peers/free-port.js'
import { startTokeninfo } from '../dev/peers/tokeninfo.js'

/** Runs src/main.ts as the real process, with only the given env. */
async function run (env: Record<string, string>): Promise<{ code: number | null, stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { code, stderr }
}

t.test('unconfigured: exits non-zero and names every missing variable, never serves', async (t) => {
  const { code, stderr } = await run({})
  t.equal(code, 2)
  t.match(stderr, /ARN_PREFIX is not set/)
  t.match(stderr, /TOKENINFO_URL is not set/)
  t.match(stderr, /POLICY_FILE is not set/)
})

t.test('an unusable policy file is named', async (t) => {
  const { code, stderr } = await run({ ARN_PREFIX: 'arn:aws:iam::123456789012:role', TOKENINFO_URL: 'http://127.0.0.1:9/', POLICY_FILE: '/nonexistent/p.yaml' })
  t.equal(code, 2)
  t.match(stderr, /POLICY_FILE: \/nonexistent\/p\.yaml: cannot be read/)
})

t.test('configured: listens, and stops cleanly on SIGTERM', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', ARN_PREFIX: 'arn:aws:iam::123456789012:role', TOKENINFO_URL: 'http://127.0.0.1:9/', POLICY: 'teams: {}', PORT: '0', HOST: '127.0.0.1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  const listening = new Promise<string>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m?.[1]) resolve(m[1])
    })
  })
  const base = await listening
  const health = await fetch(`${base}/health`)
  t.equal(health.status, 200)
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  child.kill('SIGTERM')
  t.equal(await exited, 0)
  t.match(out, /"msg":"shutting down"/)
})

/** GET over a fresh connection: the status, or the connection error's code. */
async function probe (url: string): Promise<number | string> {
  return await new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0) })
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'))
    req.end()
  })
}

t.test('graceful shutdown: /ready 503 while draining, in-flight request finishes, new connections refused, exit 0 within 10 s', async (t) => {
  const tokeninfo = await startTokeninfo()
  t.teardown(() => tokeninfo.stop())
  tokeninfo.add('tok-slow', { uid: 'robot-slow' })
  tokeninfo.mode = 'slow'
  tokeninfo.delayMs = 3500
  const metricsPort = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      ARN_PREFIX: 'arn:aws:iam::123456789012:role',
      TOKENINFO_URL: tokeninfo.url,
      TOKENINFO_TIMEOUT_MS: '10000',
      POLICY: 'teams: {}',
      PORT: '0',
      HOST: '127.0.0.1',
      METRICS_PORT: String(metricsPort),
      SHUTDOWN_DELAY_MS: '2000',
      MAX_EVENT_LOOP_DELAY_MS: '0', // tsx compiling on a busy machine is not overload
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let out = ''
  const base = await new Promise<string>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = new RegExp(`Server listening at (http://127\\.0\\.0\\.1:(?!${metricsPort}\\b)\\d+)`).exec(out)
      if (m?.[1] && out.includes(`:${metricsPort}`)) resolve(m[1])
    })
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  t.equal(await probe(`${base}/ready`), 200, 'ready once listening')
  t.equal(await probe(`http://127.0.0.1:${metricsPort}/metrics`), 200, 'metrics on METRICS_PORT')
  t.equal(await probe(`${base}/metrics`), 404, 'and not on the API port')

  const inFlight = fetch(`${base}/get_key/S3MintReadOnly`, { headers: { authorization: 'Bearer tok-slow' } })
  for (let i = 0; i < 250 && tokeninfo.calls === 0; i++) await sleep(20)
  t.equal(tokeninfo.calls, 1, 'the request is in flight')
  const signalled = Date.now()
  child.kill('SIGTERM')
  await sleep(100)
  child.kill('SIGINT') // a second signal must not close twice
  t.equal(await probe(`${base}/ready`), 503, 'not ready while draining')
  t.equal(await probe(`${base}/health`), 200, 'still alive while draining')
  let refused: number | string = 0
  while (typeof refused === 'number' && Date.now() - signalled < 9000) {
    await sleep(100)
    refused = await probe(`${base}/health`)
  }
  t.equal(refused, 'ECONNREFUSED', `new connections refused ${Date.now() - signalled} ms after SIGTERM`)
  const res = await inFlight
  t.equal(res.status, 403, 'the in-flight request finished with its real answer')
  t.match(await res.json(), { code: 'RO2KEY_ROLE_NOT_ALLOWED' })
  t.equal(await exited, 0, 'clean exit')
  const took = Date.now() - signalled
  t.ok(took < 10_000, `exited ${took} ms after SIGTERM`)
  t.equal(out.match(/"msg":"shutting down"/g)?.length, 1, 'closed once')
  t.match(out, /"msg":"already shutting down"/)
})
