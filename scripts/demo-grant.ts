// The demo's time-boxed grant (docs/grants.md): an eligible role, requested and used with how_to_use.sh --grant.

export const GRANT_ROLE = 'S3MintAdmin'
/** ro2key's grant store: a table in moto's DynamoDB (AWS_ENDPOINT_URL_DYNAMODB comes with moto.env) */
export const GRANT_ENV = { STORE_TABLE: 'ro2key-demo', STORE_CREATE: 'true' }

/** Runs `how_to_use.sh --grant` and prints the grant and the identity it gave. */
export async function demoGrant (howToUse: (args: string[]) => Promise<string>, step: (msg: string) => void): Promise<void> {
  const args = ['--grant', GRANT_ROLE, '--duration', '1200', '--reason', 'demo', '--',
    'aws', 'sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text']
  step(`./how_to_use.sh ${args.join(' ')}`)
  const arn = (await howToUse(args)).trim()
  if (!arn.includes(`:assumed-role/${GRANT_ROLE}/`)) throw new Error(`unexpected identity ${arn}`)
  console.log(`grant: 20 minutes of ${GRANT_ROLE}, now ${arn}`)
}
