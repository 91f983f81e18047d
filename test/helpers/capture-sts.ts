import type { STSClient } from '@aws-sdk/client-sts'

/** Keeps every request body the STS client sends (AssumeRole's form fields), to check what reached STS. */
export function captureBodies (sts: STSClient): URLSearchParams[] {
  const sent: URLSearchParams[] = []
  sts.middlewareStack.add((next) => async (args) => {
    const body = (args.request as { body?: unknown }).body
    if (typeof body === 'string') sent.push(new URLSearchParams(body))
    return await next(args)
  }, { step: 'finalizeRequest', name: 'captureAssumeRole' })
  return sent
}
