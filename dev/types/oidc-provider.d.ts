// oidc-provider ships no TypeScript types; the peer uses a small surface of it.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  export default class Provider {
    constructor (issuer: string, configuration: Record<string, unknown>)
    callback (): (req: IncomingMessage, res: ServerResponse) => void
    on (event: string, listener: (...args: any[]) => void): this
    proxy: boolean
  }
}
