// The demo's trust phase: ro2key runs as an IAM user that one role's trust policy names and
// another's does not, against a moto that enforces IAM (INITIAL_NO_AUTH_ACTION_COUNT). It runs
// on a moto of its own: the rest of the demo keeps the open moto, where every call is allowed.
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from '../../dev/peers/free-port.js'
import { ARN_PREFIX, MOTO_ACCOUNT, startStrictMoto } from '../../dev/peers/moto.js'

export interface TrustPhase {
  root: string
  dir: string
  tokeninfoUrl: string
  token: string
  uid: string
  /** the cleanups of the demo: everything started here is stopped with the rest */
  cleanups: Array<() => unknown>
  /** the demo's own: waits for /health */
  waitHealthy: (url: string, child: ChildProcess) => Promise<void>
  stopChild: (child: ChildProcess) => Promise<void>
  /** environment without the user's own AWS settings */
  cleanEnv: NodeJS.ProcessEnv
}

export const TRUSTED_ROLE = 'S3MintReadOnly'
export const UNTRUSTED_ROLE = 'BillingReports'
const OTHER_PRINCIPAL = `arn:aws:iam::${MOTO_ACCOUNT}:role/ci-runner`

/** Starts the strict moto and a second ro2key as its IAM user; asks for both roles and shows both answers. */
export async function showTrust (p: TrustPhase): Promise<void> {
  const { moto, userArn, credentials } = await startStrictMoto({ teardown: (fn) => p.cleanups.push(fn) }, {
    user: 'ro2key',
    actions: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
    setupCalls: 2
  })
  await moto.createRole(TRUSTED_ROLE, userArn)
  await moto.createRole(UNTRUSTED_ROLE, OTHER_PRINCIPAL)
  console.log(`moto enforcing IAM on ${moto.url}; ro2key runs as ${userArn} (may sts:AssumeRole on *)`)
  console.log(`role ${TRUSTED_ROLE} trusts ${userArn}`)
  console.log(`role ${UNTRUSTED_ROLE} trusts ${OTHER_PRINCIPAL} only`)
  const policyFile = join(p.dir, 'policy-trust.yaml')
  // ro2key's own policy allows both: the refusal below is AWS's (the trust policy), not ro2key's.
  writeFileSync(policyFile, `teams:\n  mint:\n    roles: [${TRUSTED_ROLE}, ${UNTRUSTED_ROLE}]\n    max_duration: 3600\n` +
    `members:\n  ${p.uid}: mint\nmembers_realm: /services\n`)
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: p.root,
    stdio: 'ignore',
    env: {
      ...p.cleanEnv,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_STS: moto.url,
      AWS_REGION: 'us-east-1',
      ARN_PREFIX,
      TOKENINFO_URL: p.tokeninfoUrl,
      POLICY_FILE: policyFile,
      HOST: '127.0.0.1',
      PORT: String(port)
    }
  })
  p.cleanups.push(() => p.stopChild(child))
  await p.waitHealthy(url, child)
  console.log(`a second ro2key, as ${userArn}, on ${url}`)
  for (const role of [TRUSTED_ROLE, UNTRUSTED_ROLE]) {
    const res = await fetch(`${url}/get_key/${role}`, { headers: { authorization: `Bearer ${p.token}` } })
    const body = await res.json() as { AccessKeyId?: string, code?: string, detail?: string }
    const expected = role === TRUSTED_ROLE ? 200 : 403
    const shown = res.status === 200 ? `AccessKeyId ${body.AccessKeyId ?? '?'}` : `${body.code ?? '?'}: ${body.detail ?? ''}`
    console.log(`GET /get_key/${role} -> ${res.status} ${shown}`)
    if (res.status !== expected) throw new Error(`GET /get_key/${role}: expected ${expected}, got ${res.status}`)
  }
  await p.stopChild(child)
}
