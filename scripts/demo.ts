// End-to-end demo on local defaults: moto (STS/IAM), a tokeninfo peer, ro2key as a real
// child process, and how_to_use.sh running the aws CLI with the vended credentials.
// Usage: npm run demo [-- --keep]   (--keep leaves everything running until Ctrl-C)
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { freePort } from '../dev/peers/free-port.js'
import { ARN_PREFIX, MOTO_ACCOUNT, startMoto } from '../dev/peers/moto.js'
import { startTokeninfo } from '../dev/peers/tokeninfo.js'
import { startFederation } from '../dev/peers/federation.js'
import { startLoginPeer } from '../dev/peers/oidc-login.js'
import { GRANT_ENV, GRANT_ROLE, demoGrant } from './demo-grant.js'
import { IAM_USER_POLICY, createIamUser, demoIamUser } from './demo-iam-user.js'
import { byHandCommands, writeDemoEnv } from './demo/by-hand.js'
import { showConsole } from './demo/console.js'
import { showTrust } from './demo/trust.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ROLE = 'S3MintReadOnly'
const UID = 'stups_mint-sync'
const keep = process.argv.includes('--keep')
// tsx compiles ro2key at start: on a loaded 2-core machine (tests in parallel) that took over 30 s
const HEALTHY_WITHIN_MS = 120_000
const cleanups: Array<() => unknown> = []
const ro2keyLog: string[] = []
const step = (msg: string): void => { process.stdout.write(`\n==> ${msg}\n`) }
// The user's own AWS settings stay out: every AWS call here goes to moto.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')))

let stopping = false
let cleaning: Promise<void> | undefined
/** Stops everything started so far, newest first; safe to call more than once. */
async function cleanup (): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      try { await fn() } catch (err) { process.stderr.write(`demo: cleanup: ${(err as Error).message}\n`) }
    }
  })()
  await cleaning
}

async function run (cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  try {
    return (await promisify(execFile)(cmd, args, { cwd: ROOT, env, timeout: 60_000 })).stdout
  } catch (err) {
    const e = err as Error & { stderr?: string, code?: number | string }
    throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} … failed (exit ${e.code ?? '?'}):\n${e.stderr || e.message}`)
  }
}

async function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 12_000)
  await exited
  clearTimeout(timer)
}

async function waitHealthy (url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + HEALTHY_WITHIN_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`ro2key exited with ${child.exitCode} before it was healthy`)
    try { if ((await fetch(`${url}/health`)).ok) return } catch {}
    await sleep(150)
  }
  throw new Error(`ro2key did not answer ${url}/health within ${HEALTHY_WITHIN_MS / 1000} s`)
}

async function main (): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
  step('starting moto_server (STS/IAM emulator)')
  const moto = await startMoto()
  cleanups.push(() => moto.stop())
  const awsEnv = { ...cleanEnv, ...moto.env, AWS_DEFAULT_REGION: 'us-east-1' }
  console.log(`moto on ${moto.url}`)

  step(`starting the tokeninfo peer with a token for uid ${UID}`)
  const tokeninfo = await startTokeninfo()
  cleanups.push(() => tokeninfo.stop())
  const token = `demo-${randomUUID()}`
  tokeninfo.add(token, { uid: UID, expiresIn: 86400 })
  console.log(`tokeninfo on ${tokeninfo.url}`)

  step('writing the policy file: team mint may use S3MintReadOnly; stups_mint-sync is in mint')
  const dir = mkdtempSync(join(tmpdir(), 'ro2key-demo-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  const policyFile = join(dir, 'policy.yaml')
  writeFileSync(policyFile, `teams:\n  mint:\n    roles: [${ROLE}]\n    max_duration: 3600\n` +
    `    eligible: { roles: [${GRANT_ROLE}], max_grant: 1800 }\n${IAM_USER_POLICY.team}members:\n  ${UID}: mint\n` +
    `${IAM_USER_POLICY.member}members_realm: /services\n${IAM_USER_POLICY.section}`)
  console.log(policyFile)

  step(`creating role ${ROLE} in moto with the aws CLI`)
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] })
  const created = await run('aws', ['iam', 'create-role', '--role-name', ROLE, '--assume-role-policy-document', trust, '--endpoint-url', moto.url, '--output', 'json'], awsEnv)
  console.log(JSON.parse(created).Role.Arn)
  await run('aws', ['iam', 'create-role', '--role-name', GRANT_ROLE, '--assume-role-policy-document', trust, '--endpoint-url', moto.url, '--output', 'json'], awsEnv)
  await createIamUser(moto.iam)

  step('starting ro2key (src/main.ts) as a child process')
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  // the web page for people: oidc-provider's login page as the company IdP, a console federation stand-in
  const idp = await startLoginPeer({ redirectUri: `${url}/auth/callback` })
  cleanups.push(() => idp.stop())
  const federation = await startFederation({ stsUrl: moto.url })
  cleanups.push(() => federation.stop())
  const webEnv = {
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: idp.clientId,
    OIDC_CLIENT_SECRET: idp.clientSecret,
    PUBLIC_URL: url,
    SESSION_SECRET: randomUUID() + randomUUID(),
    FEDERATION_URL: federation.url
  }
  const ro2key = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...awsEnv,
      ARN_PREFIX,
      TOKENINFO_URL: tokeninfo.url,
      POLICY_FILE: policyFile,
      HOST: '127.0.0.1',
      PORT: String(port),
      ...webEnv,
      ...GRANT_ENV
    }
  })
  cleanups.push(() => stopChild(ro2key))
  for (const stream of [ro2key.stdout, ro2key.stderr]) {
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      ro2keyLog.push(chunk)
      if (keep) process.stdout.write(`[ro2key] ${chunk}`)
    })
  }
  await waitHealthy(url, ro2key)
  console.log(`ro2key healthy on ${url}`)

  step(`./how_to_use.sh ${ROLE} -- aws sts get-caller-identity`)
  const env = { ...cleanEnv, RO2KEY_URL: url, OAUTH2_TOKEN: token, AWS_ENDPOINT_URL_STS: moto.url, AWS_DEFAULT_REGION: 'us-east-1' }
  const who = await run('./how_to_use.sh', [ROLE, '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], env)
  process.stdout.write(who)
  const arn = String(JSON.parse(who).Arn)
  if (!arn.endsWith(`:assumed-role/${ROLE}/${UID}`)) throw new Error(`unexpected identity ${arn}`)
  console.log(`\nThe robot ${UID} is now ${arn}`)
  await demoGrant((args) => run('./how_to_use.sh', args, env), step)
  const iamUserLines = await demoIamUser(url, tokeninfo, federation, step)

  step(`GET /console/${ROLE}: an AWS console login URL, opened at the federation endpoint`)
  await showConsole(url, token, ROLE, federation)

  step('ro2key as an identity the role trusts: one role trusts it, one does not (moto enforcing IAM)')
  await showTrust({ root: ROOT, dir, tokeninfoUrl: tokeninfo.url, token, uid: UID, cleanups, waitHealthy, stopChild, cleanEnv })

  step(keep ? 'try it by hand (another terminal)' : 'by hand (run  npm run demo -- --keep  to try these while it runs)')
  const howTo = [
    `export RO2KEY_URL=${url} OAUTH2_TOKEN=${token}   # a throwaway demo token`,
    `curl -H "Authorization: Bearer $OAUTH2_TOKEN" "$RO2KEY_URL/get_key/${ROLE}?duration=900"`,
    `c=$(./how_to_use.sh ${ROLE}) && eval "$c"   # export lines, only when ro2key said yes`,
    ...byHandCommands(writeDemoEnv(dir, { url, token, motoUrl: moto.url }), ROLE)
  ]
  console.log([...howTo, ...iamUserLines].join('\n'))
  console.log(`# the web page: open ${url}/ and sign in as alice (team mint; any password) at the IdP ${idp.issuer}`)
  console.log(`# on it, Time-boxed access: request ${GRANT_ROLE} (no approval in this demo), use it, revoke it`)
  if (keep) {
    ro2key.once('exit', (code) => {
      if (stopping) return
      process.stderr.write(`demo: ro2key exited (${code})\n`)
      void cleanup().then(() => process.exit(1))
    })
    step(`running: ro2key ${url}, tokeninfo, moto ${moto.url}; Ctrl-C stops everything`)
    return
  }
  step('stopping everything')
  await cleanup()
  console.log('demo passed')
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => { stopping = true; void cleanup().then(() => process.exit(code)) })
}
main().catch(async (err: unknown) => {
  if (stopping) return // interrupted: the signal handler cleans up and exits
  process.stderr.write(`\ndemo FAILED: ${(err as Error).message}\n`)
  if (ro2keyLog.length > 0 && !keep) process.stderr.write(`--- ro2key output ---\n${ro2keyLog.join('').slice(-4000)}\n`)
  await cleanup()
  process.exit(1)
})
