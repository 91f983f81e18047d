import { spawn, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Moto } from '../../dev/peers/moto.js'
import type { TokeninfoPeer } from '../../dev/peers/tokeninfo.js'
import type { Env } from '../../src/config/index.js'
import { testConfig } from './build.js'
import { withPeers } from './peers.js'

// how_to_use.sh against the real app listening on loopback, moto behind it, and the real
// aws CLI (v1; it honours AWS_ENDPOINT_URL_STS but wants AWS_DEFAULT_REGION, not AWS_REGION).

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const SCRIPT = join(ROOT, 'how_to_use.sh')
export const which = (cmd: string): string => spawnSync('bash', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim()
export const EXIT = { usage: 2, auth: 3, refused: 4, unavailable: 5, stepUp: 6 }
export const ASSUMED = /:assumed-role\/S3MintReadOnly\/stups_mint-sync$/

export interface Result { code: number | null, stdout: string, stderr: string }
export type ScriptEnv = Record<string, string | undefined>

export interface ScriptBench {
  moto: Moto
  tokeninfo: TokeninfoPeer
  /** a token tokeninfo knows, for stups_mint-sync (team mint) */
  TOKEN: string
  RO2KEY_URL: string
  /** a temporary directory, removed in teardown */
  scratch: string
  /** runs the script (or `command`) with the bench's environment plus `env` (undefined unsets) */
  run (args: string[], env?: ScriptEnv, command?: string, stdin?: string): Promise<Result>
  /** a PATH directory with only the named programs (symlinks to the real ones) */
  binDir (programs: Record<string, string>): string
  /** a PATH directory whose curl and jq log every argument to `log`, then run the real one */
  spyDir (log: string): string
}

interface Teardown { teardown (fn: () => unknown): void }

/** moto, tokeninfo and the real app (config `configEnv` on top) on loopback, and a runner for how_to_use.sh against them. */
export async function scriptBench (t: Teardown, configEnv: Env = {}): Promise<ScriptBench> {
  const TOKEN = `tok-mint-${randomUUID()}`
  const { moto, tokeninfo, build } = await withPeers(t, { roles: ['S3MintReadOnly'], tokens: { [TOKEN]: { uid: 'stups_mint-sync', scope: ['uid', 'ro2key'] } } })
  const { app } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, ...configEnv }))
  const RO2KEY_URL = await app.listen({ host: '127.0.0.1', port: 0 })

  const scratch = mkdtempSync(join(tmpdir(), 'how-to-use-'))
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }))

  // No AWS or ro2key settings leak in from this process: the script's credentials must do.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|OAUTH2_|RO2KEY_|CLIENT_|AUTH_URL|CREDENTIALS_DIR)/.test(k)))
  const baseEnv: ScriptEnv = {
    ...inherited,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_STS: moto.url,
    RO2KEY_URL,
    OAUTH2_TOKEN: TOKEN,
    RO2KEY_RETRIES: '0'
  }

  async function run (args: string[], env: ScriptEnv = {}, command = SCRIPT, stdin = ''): Promise<Result> {
    const merged = Object.fromEntries(Object.entries({ ...baseEnv, ...env }).filter(([, v]) => v !== undefined)) as Record<string, string>
    const child = spawn(command, args, { cwd: ROOT, env: merged, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c })
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c })
    child.stdin.on('error', () => {}).end(stdin) // EPIPE when the script exits before reading
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (c) => resolve(c))
    })
    return { code, stdout, stderr }
  }

  function binDir (programs: Record<string, string>): string {
    const dir = mkdtempSync(join(scratch, 'bin-'))
    for (const [name, target] of Object.entries(programs)) symlinkSync(target, join(dir, name))
    return dir
  }

  function spyDir (log: string): string {
    const dir = mkdtempSync(join(scratch, 'spy-'))
    for (const name of ['curl', 'jq']) {
      const real = which(name)
      writeFileSync(join(dir, name), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "${name}: $a"; done >> "${log}"\nexec "${real}" "$@"\n`)
      chmodSync(join(dir, name), 0o755)
    }
    return dir
  }

  return { moto, tokeninfo, TOKEN, RO2KEY_URL, scratch, run, binDir, spyDir }
}
