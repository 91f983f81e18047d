import { execFile, spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { freePort } from '../dev/peers/free-port.js'

// Issue 20 item 7: `npm start` on the machine's Node (20 here) prints only ro2key's own JSON
// lines: no AWS SDK Node version warning, no Fastify or Node warning.
const ROOT = new URL('../', import.meta.url).pathname
const exec = promisify(execFile)
// npm's own banner for `npm run`-style scripts ("> ro2key@1.0.0 start", "> node dist/main.js")
const NPM_BANNER = /^> /

// A build of this checkout in its own folder (below node_modules, so its imports resolve here),
// so the test never races a `dist/` another run is writing.
mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true })
const dir = mkdtempSync(join(ROOT, 'node_modules/.cache/ro2key-start-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
for (const file of ['package.json', 'openapi.yaml']) copyFileSync(join(ROOT, file), join(dir, file))
await exec(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'),
  '--outDir', join(dir, 'dist')])

/** The environment a user's shell would give: no switch the test runner sets (npm test sets the SDK's). */
async function userEnv (): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' }
  return {
    ...env,
    ARN_PREFIX: 'arn:aws:iam::123456789012:role',
    TOKENINFO_URL: 'http://127.0.0.1:9/oauth2/tokeninfo',
    POLICY: 'teams: {}',
    HOST: '127.0.0.1',
    PORT: '0',
    METRICS_PORT: String(await freePort()),
    SHUTDOWN_DELAY_MS: '0'
  }
}

t.test('npm start: stdout and stderr carry only ro2key\'s JSON lines', async (t) => {
  const child = spawn('npm', ['start'], {
    cwd: dir, env: await userEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true
  })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  // 'close': both npm and node (which share the pipes) are gone
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()))
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
      if ((stdout.match(/Server listening at/g) ?? []).length >= 2) resolve()
    })
    child.on('exit', () => resolve())
  })
  // SIGTERM to the process group, as a terminal's Ctrl-C or a container runtime would: npm does not forward it
  try { process.kill(-(child.pid ?? 0), 'SIGTERM') } catch { /* already gone: the asserts below say why */ }
  await closed
  t.match(stdout, /"msg":"shut down cleanly"/, 'it was running, and stopped cleanly')
  t.equal(stderr, '', 'nothing on stderr (where the AWS SDK wrote its warning)')
  const lines = stdout.split('\n').filter((l) => l.trim() !== '' && !NPM_BANNER.test(l))
  const records = lines.map((line) => { try { return JSON.parse(line) as Record<string, unknown> } catch { return line } })
  t.same(records.filter((r) => typeof r === 'string'), [], 'every line is JSON')
  t.match(stdout, /Server listening at http:\/\/127\.0\.0\.1:\d+/, 'the API server started')
  const major = Number(process.versions.node.split('.')[0])
  const notices = records.filter((r) => typeof r === 'object' && /Node\.js .* runs ro2key/.test(String(r.msg)))
  t.equal(notices.length, major < 22 ? 1 : 0, 'one ro2key line recommends Node 22 LTS on an older Node')
  t.notMatch(stdout, /Warning|DeprecationWarning|FSTDEP/, 'no warning from a dependency')
})
