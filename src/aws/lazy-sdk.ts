// AWS SDK clients ro2key needs only for some features (IAM: ROLE_TEAMS_TAG, ROLE_TAGS_READER_ROLE,
// group grants; DynamoDB: STORE_TABLE) are loaded on first use, not at start-up: each costs
// ~5 MB of RSS and 30-40 ms of module loading (issue 19). Import their *types* statically
// (`import type`), their values (clients, commands) through these loaders.
import type * as IamSdk from '@aws-sdk/client-iam'

type Module<T> = () => Promise<T>

function once<T> (load: () => Promise<T>): Module<T> {
  let loaded: Promise<T> | undefined
  return () => (loaded ??= load())
}

/** @aws-sdk/client-iam, loaded once on first call: `const { GetRoleCommand } = await iamSdk()` */
export const iamSdk: Module<typeof IamSdk> = once(async () => await import('@aws-sdk/client-iam'))

interface Client {
  send: (...args: never[]) => Promise<unknown>
  destroy: () => void
}

/** A client made on first use; `send` has the client's own signature. */
export interface LazyClient<C extends Client> {
  /** the client, made (and its SDK module loaded) on the first call */
  get: () => Promise<C>
  send: C['send']
  /** destroys the client if it was made */
  destroy: () => void
}

/** Wraps `make` so that nothing is loaded or built until the first `get()` or `send()`. */
export function lazyClient<C extends Client> (make: () => Promise<C>): LazyClient<C> {
  let made: Promise<C> | undefined
  const get = (): Promise<C> => (made ??= make())
  const send = (async (...args: never[]) => await (await get()).send(...args)) as C['send']
  return {
    get,
    send,
    destroy () { void made?.then((client) => client.destroy(), () => {}) }
  }
}

/** A lazy IAMClient with these options (region, request handler, credentials). */
export function lazyIamClient (options: IamSdk.IAMClientConfig): LazyClient<IamSdk.IAMClient> {
  return lazyClient(async () => new (await iamSdk()).IAMClient(options))
}
