import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import type { FastifyBaseLogger } from 'fastify'
import type { StsLike } from '../aws/assume-role.js'

/** A key to prove, as the SDK takes credentials. */
export interface KeyCredentials { accessKeyId: string, secretAccessKey: string }

/** STS signing with these credentials, at the configured STS endpoint (test seam: a client at moto). */
export type StsWith = (credentials: KeyCredentials) => StsLike & { destroy?: () => void }

export interface KeyProofDeps {
  stsWith: StsWith
  /** seconds since the epoch */
  now: () => number
  /** waits between attempts; tests pass one that moves their clock */
  sleep: (ms: number) => Promise<void>
}

/** How long a new key may take to work: IAM is eventually consistent (aws-vault waits about as long). */
export const PROOF_WINDOW_SECONDS = 60
const FIRST_WAIT_MS = 1000
const MAX_WAIT_MS = 8000

/**
 * sts:GetCallerIdentity with the new key until it answers as `userArn`, backing off, for up to
 * PROOF_WINDOW_SECONDS. True when the key works; false when the window ran out.
 */
export async function proveKey (
  deps: KeyProofDeps, key: KeyCredentials, userArn: string, log: FastifyBaseLogger
): Promise<boolean> {
  const sts = deps.stsWith(key)
  const deadline = deps.now() + PROOF_WINDOW_SECONDS
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const { Arn } = await sts.send(new GetCallerIdentityCommand({}))
        if (Arn === userArn) return true
        log.warn({ accessKeyId: key.accessKeyId, attempt }, 'new access key answers as another identity')
      } catch (err) {
        const error = (err as Error).name
        log.info({ accessKeyId: key.accessKeyId, attempt, error }, 'new access key not working yet')
      }
      const wait = Math.min(FIRST_WAIT_MS * 2 ** attempt, MAX_WAIT_MS)
      const left = deadline - deps.now()
      if (left <= 0) return false
      await deps.sleep(Math.min(wait, left * 1000))
    }
  } finally {
    sts.destroy?.()
  }
}
