import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'

// Issue 20 item 11: `npm test` and `npm run demo` first name what is missing and how to install it.
const ROOT = new URL('../', import.meta.url).pathname
const SCRIPT = join(ROOT, 'scripts/check-prerequisites.sh')
const exec = promisify(execFile)

/** The real location of a command on this machine's PATH, or undefined. */
function which (command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try { readFileSync(join(dir, command)); return join(dir, command) } catch {}
  }
  return undefined
}

/** A PATH of one folder holding this machine's `commands` (those it has), and nothing else. */
function pathWith (t: { teardown (fn: () => unknown): void }, commands: string[]): string {
  const bin = mkdtempSync(join(tmpdir(), 'ro2key-path-'))
  t.teardown(() => rmSync(bin, { recursive: true, force: true }))
  for (const command of commands) {
    const found = command === 'node' ? process.execPath : which(command)
    if (found !== undefined) symlinkSync(found, join(bin, command))
  }
  return bin
}

async function run (cmd: string, args: string[], path: string): Promise<{ code: number, stdout: string, stderr: string }> {
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd: ROOT, env: { PATH: path, HOME: tmpdir() } })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number, stdout: string, stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

const BASICS = ['bash', 'dirname', 'node', 'env', 'sh']
const TOOLS = ['aws', 'cfn-lint', 'curl', 'jq', 'chromium', 'haproxy', 'promtool']

t.test('a PATH without moto_server: exit 1, moto_server named with the venv commands', async (t) => {
  const path = pathWith(t, [...BASICS, ...TOOLS])
  const { code, stderr } = await run(SCRIPT, ['test'], path)
  t.equal(code, 1)
  t.match(stderr, /^missing: moto_server \(the STS\/IAM emulator/m)
  t.match(stderr, /python3 -m venv ~\/\.venvs\/ro2key/)
  t.match(stderr, /~\/\.venvs\/ro2key\/bin\/pip install "moto\[server\]" awscli cfn-lint/)
  t.match(stderr, /export PATH="\$HOME\/\.venvs\/ro2key\/bin:\$PATH"/)
  t.match(stderr, /prerequisite\(s\) missing for npm test; .*docs\/prerequisites\.md/)
  for (const tool of TOOLS) {
    if (which(tool) !== undefined) t.notMatch(stderr, new RegExp(`^missing: ${tool} `, 'm'), `${tool} is there, so not named`)
  }
})

t.test('a bare PATH: every tool is named with its install command, once', async (t) => {
  const { code, stderr } = await run(SCRIPT, ['test'], pathWith(t, BASICS))
  t.equal(code, 1)
  for (const tool of ['moto_server', 'aws', 'cfn-lint']) t.match(stderr, new RegExp(`^missing: ${tool} `, 'm'))
  t.match(stderr, /^missing: curl .*\n {2}install: sudo apt-get install curl$/m)
  t.match(stderr, /^missing: jq .*\n {2}install: sudo apt-get install jq$/m)
  t.equal(stderr.match(/pip install/g)?.length, 1, 'one pip line for the three Python tools')
  const demo = await run(SCRIPT, ['demo'], pathWith(t, BASICS))
  t.equal(demo.code, 1)
  t.notMatch(demo.stderr, /^missing: (cfn-lint|jq)/m, 'the demo needs neither cfn-lint nor jq')
  t.match(demo.stderr, /missing for npm run demo/)
})

t.test('everything there: exit 0, silent', { skip: which('moto_server') === undefined && 'moto_server is not here' }, async (t) => {
  t.same(await run(SCRIPT, ['demo'], process.env.PATH ?? ''), { code: 0, stdout: '', stderr: '' })
})

t.test('npm runs the check before anything else', async (t) => {
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts
  t.equal(scripts.pretest, 'scripts/check-prerequisites.sh test', 'npm test: before eslint')
  t.equal(scripts.predemo, 'scripts/check-prerequisites.sh demo')
  // `npm run demo` itself, with a PATH lacking moto_server: the check stops it before the demo starts
  const { code, stdout, stderr } = await run('npm', ['run', 'demo'], pathWith(t, [...BASICS, 'npm', ...TOOLS]))
  t.equal(code, 1)
  t.match(stderr, /^missing: moto_server/m)
  t.notMatch(stdout, /==> starting moto_server/, 'the demo never started')
})
