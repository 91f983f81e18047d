import { spawn } from 'node:child_process'
import t from 'tap'

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
