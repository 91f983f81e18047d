// What `npm run demo -- --keep` prints for trying how_to_use.sh by hand: an env file that points
// the aws CLI at the demo's moto, so nothing goes to real AWS with the demo's credentials.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Writes DIR/demo.env (sourced by hand) and returns its path. */
export function writeDemoEnv (dir: string, env: { url: string, token: string, motoUrl: string }): string {
  const file = join(dir, 'demo.env')
  writeFileSync(file, [
    '# ro2key demo: source this file, then run how_to_use.sh by hand against the demo (moto, not AWS)',
    `export RO2KEY_URL=${env.url}`,
    `export OAUTH2_TOKEN=${env.token}   # a throwaway demo token`,
    // aws CLI v1 >= 1.29 and v2 >= 2.13 read these; --endpoint-url (below) covers older ones.
    `export AWS_ENDPOINT_URL_STS=${env.motoUrl} AWS_ENDPOINT_URL_IAM=${env.motoUrl}`,
    'export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1',
    // A profile or these switches could send the call elsewhere; how_to_use.sh sets the keys.
    'unset AWS_PROFILE AWS_IGNORE_CONFIGURED_ENDPOINT_URLS AWS_ENDPOINT_URL',
    ''
  ].join('\n'), { mode: 0o600 })
  return file
}

/** The lines to run by hand, after `source FILE`. */
export function byHandCommands (file: string, role: string): string[] {
  return [
    `source ${file}   # RO2KEY_URL, OAUTH2_TOKEN and the aws CLI pointed at moto`,
    `./how_to_use.sh ${role} -- aws --endpoint-url "$AWS_ENDPOINT_URL_STS" sts get-caller-identity`
  ]
}
