import { randomBytes } from 'node:crypto'
import type { StsLike } from '../src/aws/assume-role.js'

const HOUR_MS = 3600_000

/**
 * A synthetic STS for the memory phase only: credentials shaped like real ones (key id 20
 * characters, secret 40, session token ~600), answered at once, so 10 000 principals are
 * reached in seconds instead of moto's AssumeRole rate. The hot and cold phases use moto.
 */
export function fakeSts (): StsLike {
  return {
    send: (async () => ({
      Credentials: {
        // one flat string, as STS's parsed XML gives ('ASIA' + x would be a cons string of two)
        AccessKeyId: ('ASIA' + randomBytes(8).toString('hex')).toUpperCase(),
        SecretAccessKey: randomBytes(30).toString('base64'),
        SessionToken: randomBytes(450).toString('base64'),
        Expiration: new Date(Date.now() + HOUR_MS)
      }
    })) as unknown as StsLike['send']
  }
}
