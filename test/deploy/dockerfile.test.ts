import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, posix } from 'node:path'
import t from 'tap'
import { assignments, last, lintDockerfile, parseDockerfile, type Instruction, type Stage } from '../helpers/dockerfile.js'
import { freePort } from '../../dev/peers/free-port.js'

// The runtime-stage rebuild compiles and installs: minutes on a machine shared by many jobs.
t.setTimeout(300_000)

const ROOT = new URL('../../', import.meta.url).pathname
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')

/** Runs a command to its end; rejects with its output when it fails. */
async function run (cmd: string, args: string[], cwd: string): Promise<void> {
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { out += d.toString() })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out}`)
}

/** COPY semantics: several sources or a trailing slash copy into the directory. */
function copy (ins: Instruction, fromDir: string, fromWorkdir: string, toDir: string): void {
  const parts = ins.args.split(/\s+/)
  const dest = parts.pop() as string
  for (const src of parts) {
    const source = join(fromDir, posix.relative(fromWorkdir, posix.resolve(fromWorkdir, src)))
    const into = parts.length > 1 || dest.endsWith('/')
    cpSync(source, join(toDir, dest, into ? basename(src) : ''), { recursive: true })
  }
}

/** An earlier stage's directory, usable once its replay is done. */
interface Built { dir: string, done: Promise<void> }

/** Replays a stage's COPY and RUN lines into dir; `npm ci` is handed to onNpmCi. */
async function replay (stage: Stage, dir: string, from: Record<string, Built>, onNpmCi: (ins: Instruction) => Promise<void>): Promise<void> {
  for (const ins of stage.instructions) {
    if (ins.keyword === 'COPY') {
      const other = ins.flags.from ? from[ins.flags.from] : undefined
      if (ins.flags.from && !other) throw new Error(`COPY --from=${ins.flags.from}: unknown stage`)
      await other?.done
      copy(ins, other ? other.dir : ROOT, other ? '/app' : '/', dir)
    } else if (ins.keyword === 'RUN') {
      if (/^npm ci\b/.test(ins.args)) await onNpmCi(ins)
      else if (/^npm run [\w:-]+$/.test(ins.args)) await run('npm', ins.args.split(/\s+/).slice(1), dir)
      else throw new Error(`RUN ${ins.args}: this test does not know how to replay it; teach it`)
    } else if (ins.keyword === 'WORKDIR' && ins.args !== '/app') {
      throw new Error(`WORKDIR ${ins.args}: this test assumes /app`)
    }
  }
}

t.test('the Dockerfile passes its lint', async (t) => {
  const df = parseDockerfile(DOCKERFILE)
  t.same(lintDockerfile(df), [])
  t.same(df.stages.map((s) => s.name), ['build', 'runtime'])
  t.match(df.stages[1]?.from, /^node:22-/, 'Node 22: the AWS SDK announces the end of Node 20')
})

t.test('the lint catches what it is for', async (t) => {
  const good = DOCKERFILE
  const rows: Array<{ name: string, text: string, problem: RegExp }> = [
    { name: 'no USER', text: good.replace(/^USER .*$/m, ''), problem: /no USER/ },
    { name: 'USER root', text: good.replace(/^USER .*$/m, 'USER root'), problem: /is root/ },
    { name: 'USER 0:0', text: good.replace(/^USER .*$/m, 'USER 0:0'), problem: /is root/ },
    { name: 'no CMD', text: good.replace(/^CMD .*$/m, ''), problem: /no CMD/ },
    { name: 'shell-form CMD', text: good.replace(/^CMD .*$/m, 'CMD node dist/main.js'), problem: /shell form/ },
    { name: 'no HEALTHCHECK', text: good.replace(/^HEALTHCHECK[^\n]*\n[^\n]*\n/m, ''), problem: /no HEALTHCHECK/ },
    { name: 'curl healthcheck', text: good.replace(/^HEALTHCHECK[^\n]*\n[^\n]*\n/m, 'HEALTHCHECK CMD curl -f http://localhost:8080/health\n'), problem: /curl or wget/ },
    { name: 'secret ENV', text: good + '\nENV INTROSPECTION_CLIENT_SECRET=s3cr3t\n', problem: /ENV INTROSPECTION_CLIENT_SECRET: secrets/ },
    { name: 'secret ARG', text: good.replace('ARG NODE_IMAGE', 'ARG NPM_TOKEN\nARG NODE_IMAGE'), problem: /ARG NPM_TOKEN/ },
    { name: 'key-shaped value', text: good + '\nENV HELPER=AKIAIOSFODNN7EXAMPLE\n', problem: /looks like a key/ },
    { name: 'dev deps at runtime', text: good.replace(/npm ci --omit=dev/, 'npm ci'), problem: /installs dev dependencies/ },
    { name: 'single stage', text: good.replace(/FROM \$\{NODE_IMAGE\} AS build[\s\S]*?(?=FROM)/, ''), problem: /not multi-stage/ },
    { name: 'latest tag', text: good.replace('node:22-alpine', 'node:latest'), problem: /version tag/ },
    { name: 'no NODE_ENV', text: good.replace('NODE_ENV=production', 'NODE_ENV=development'), problem: /NODE_ENV=production/ },
    { name: 'no EXPOSE', text: good.replace(/^EXPOSE .*$/m, ''), problem: /EXPOSE 8080/ }
  ]
  for (const row of rows) {
    t.not(row.text, good, `${row.name}: the mutation applies`)
    t.match(lintDockerfile(parseDockerfile(row.text)).join('\n'), row.problem, row.name)
  }
})

t.test('.dockerignore keeps local state and secrets out and every COPY source in', async (t) => {
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
  for (const entry of ['node_modules', 'dist', '.git', '.env', '.env.*']) t.ok(ignored.includes(entry), `${entry} is ignored`)
  const sources = parseDockerfile(DOCKERFILE).stages.flatMap((s) => s.instructions)
    .filter((i) => i.keyword === 'COPY' && !i.flags.from)
    .flatMap((i) => i.args.split(/\s+/).slice(0, -1))
  t.ok(sources.length >= 4)
  for (const src of sources) {
    t.notOk(ignored.some((pattern) => src === pattern || src.startsWith(pattern + '/')), `${src} is in the build context`)
    t.ok(existsSync(join(ROOT, src)), `${src} exists`)
  }
})

t.test('the runtime stage, rebuilt without Docker, serves /health with the Dockerfile\'s own CMD', async (t) => {
  const df = parseDockerfile(DOCKERFILE)
  const [build, runtime] = df.stages as [Stage, Stage]
  const work = mkdtempSync(join(tmpdir(), 'ro2key-image-'))
  t.teardown(() => rmSync(work, { recursive: true, force: true }))
  const buildDir = join(work, 'build')
  const appDir = join(work, 'app')
  mkdirSync(buildDir)
  mkdirSync(appDir)

  const started = Date.now()
  let buildMs = 0
  let installMs = 0
  const built = replay(build, buildDir, {}, async (ins) => {
    t.notMatch(ins.args, /--omit=dev/, 'the build stage installs dev dependencies')
    // The full install is the one `npm ci` already made in this checkout.
    symlinkSync(join(ROOT, 'node_modules'), join(buildDir, 'node_modules'), 'dir')
  }).then(() => { buildMs = Date.now() - started })
  // As with BuildKit, the runtime stage's install runs while the build stage compiles.
  await replay(runtime, appDir, { build: { dir: buildDir, done: built } }, async (ins) => {
    const argv = ins.args.split(/\s+/)
    t.match(argv, ['npm', 'ci', '--omit=dev'], 'a production install')
    // From the npm cache the checkout's own `npm ci` filled: no network needed.
    await run('npm', [...argv.slice(1), '--prefer-offline'], appDir)
    installMs = Date.now() - started
  })
  await built
  t.comment(`build stage ${buildMs} ms, production install ${installMs} ms, both ${Date.now() - started} ms`)

  t.ok(existsSync(join(appDir, 'dist/main.js')), 'the built app is there')
  t.ok(existsSync(join(appDir, 'node_modules/fastify')), 'production dependencies are there')
  for (const dev of ['typescript', 'tap', 'tsx', 'openapi-typescript']) t.notOk(existsSync(join(appDir, 'node_modules', dev)), `${dev} (dev) is not`)
  t.notOk(existsSync(join(appDir, 'src')), 'no sources in the runtime image')

  const cmd = last(runtime, 'CMD')?.exec ?? []
  t.equal(cmd[0], 'node')
  const env = Object.fromEntries(runtime.instructions.filter((i) => i.keyword === 'ENV').flatMap(assignments))
  const port = await freePort()
  const child: ChildProcess = spawn(process.execPath, cmd.slice(1), {
    cwd: appDir,
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
      ARN_PREFIX: 'arn:aws:iam::123456789012:role/robots',
      TOKENINFO_URL: 'http://127.0.0.1:9/oauth2/tokeninfo',
      POLICY: 'teams: { mint: { roles: [S3MintReadOnly] } }',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  t.teardown(() => { child.kill('SIGKILL') })
  let out = ''
  child.stderr?.on('data', (d: Buffer) => { out += d.toString() })
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('Server listening')) resolve()
    })
    void exited.then((code) => reject(new Error(`exited ${code} before listening:\n${out}`)))
  })
  const base = `http://127.0.0.1:${port}`
  const health = await fetch(`${base}/health`)
  t.equal(health.status, 200)
  t.same(await health.json(), { status: 'ok' })
  const spec = await fetch(`${base}/openapi.json`)
  t.equal(spec.status, 200, 'openapi.yaml was copied where the app reads it')
  t.match(await spec.json(), { openapi: /^3\./ })

  const probe = last(runtime, 'HEALTHCHECK')?.args.replace(/^CMD\s+/, '') ?? '[]'
  const check = JSON.parse(probe) as string[]
  const healthcheck = async (): Promise<number | null> => {
    const c = spawn(process.execPath, check.slice(1), { env: { PORT: String(port) }, stdio: 'ignore' })
    return await new Promise((resolve) => c.on('exit', resolve))
  }
  t.equal(await healthcheck(), 0, 'HEALTHCHECK passes while the app serves')
  child.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM to the CMD process: clean exit')
  t.equal(await healthcheck(), 1, 'HEALTHCHECK fails when nothing serves')
})
