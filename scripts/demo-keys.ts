// The demo's IAM-user self-service (docs/self-service.md): the robot's own IAM user and its access keys via /keys.

/** The policy lines that let team mint manage its members' own IAM users (user name = uid). */
export const KEYS_POLICY = 'iam_users: { teams: [mint] }\n'

type Run = (cmd: string, args: string[], env: NodeJS.ProcessEnv) => Promise<string>

/** Creates the IAM users the demo's people and robot own, with the aws CLI. */
export async function createDemoUsers (run: Run, awsEnv: NodeJS.ProcessEnv, motoUrl: string, users: string[]): Promise<void> {
  for (const user of users) {
    await run('aws', ['iam', 'create-user', '--user-name', user, '--endpoint-url', motoUrl, '--output', 'json'], awsEnv)
  }
}

/** POST /keys, POST /keys/rotate?delete_old=true (proven by ro2key with GetCallerIdentity), the aws CLI with the key, DELETE. */
export async function demoKeys (
  opts: { url: string, token: string, uid: string, motoUrl: string, run: Run, env: NodeJS.ProcessEnv },
  step: (msg: string) => void
): Promise<void> {
  const { url, token, uid } = opts
  const call = async (method: string, path: string): Promise<any> => {
    const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${token}` } })
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
    return res.status === 204 ? undefined : await res.json()
  }
  step(`POST /keys, then POST /keys/rotate?delete_old=true: ${uid}'s own IAM user's access key`)
  const first = await call('POST', '/keys')
  const rotated = await call('POST', '/keys/rotate?delete_old=true')
  console.log(`created ${first.AccessKeyId}; rotated to ${rotated.AccessKeyId}:`, JSON.stringify(rotated.Replaced))
  const keyEnv = {
    ...opts.env, AWS_ACCESS_KEY_ID: rotated.AccessKeyId, AWS_SECRET_ACCESS_KEY: rotated.SecretAccessKey, AWS_SESSION_TOKEN: ''
  }
  const arn = (await opts.run('aws', ['sts', 'get-caller-identity', '--endpoint-url', opts.motoUrl, '--query', 'Arn',
    '--output', 'text'], keyEnv)).trim()
  if (!arn.endsWith(`:user/${uid}`)) throw new Error(`unexpected identity ${arn}`)
  console.log(`the new key is ${arn}`)
  const listed = await call('GET', '/keys')
  console.log('GET /keys:', JSON.stringify(listed))
  await call('DELETE', `/keys/${rotated.AccessKeyId as string}`)
}
