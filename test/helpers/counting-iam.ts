import type { IAMClient } from '@aws-sdk/client-iam'
import type { IamLike } from '../../src/policy/role-tags.js'

/** The real IAM client, counting what it is asked to send (by command name). */
export function countingIam (iam: IAMClient): IamLike & { calls: string[] } {
  const calls: string[] = []
  const send = (async (command: { constructor: { name: string } }) => {
    calls.push(command.constructor.name)
    return await iam.send(command as never)
  }) as IamLike['send']
  return { calls, send }
}
