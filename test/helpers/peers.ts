import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam'
import { STSClient, type STSClientConfig } from '@aws-sdk/client-sts'
import type { FastifyInstance } from 'fastify'
import type { Deps } from '../../src/app.js'
import type { Config } from '../../src/config/index.js'
import { startMoto, type Moto } from '../../dev/peers/moto.js'
import { startOidc, type OidcPeer } from '../../dev/peers/oidc.js'
import { startTokeninfo, type TokenInfoEntry, type TokeninfoPeer } from '../../dev/peers/tokeninfo.js'
import { build, testConfig, type LogCapture } from './build.js'

interface Teardown { teardown (fn: () => unknown): void }

export interface PeerOptions {
  /** roles to create in moto (trusting the account root) */
  roles?: string[]
  /** tokens the tokeninfo peer knows */
  tokens?: Record<string, TokenInfoEntry>
  /** also start an oidc-provider peer */
  oidc?: boolean
}

export interface Peers<O extends PeerOptions> {
  moto: Moto
  tokeninfo: TokeninfoPeer
  oidc: O['oidc'] extends true ? OidcPeer : undefined
  /** ro2key's own STS and IAM clients, pointed at moto: passed to every `build` as deps */
  sts: STSClient
  iam: IAMClient
  /** DynamoDB at moto: the grants' store (used when the config has STORE_TABLE) */
  dynamodb: DynamoDBClient
  /** An STS client at moto (or `config.endpoint`), e.g. with the credentials a test was given; destroyed in teardown. */
  stsClient: (t: Teardown, config?: STSClientConfig) => STSClient
  /** An IAM client at moto (or `config.endpoint`); destroyed in teardown. */
  iamClient: (t: Teardown, config?: IAMClientConfig) => IAMClient
  /** test/helpers/build.ts `build` with the peers' STS and IAM clients as deps (`deps` wins). */
  build: (t: Teardown, config?: Config, deps?: Deps) => Promise<{ app: FastifyInstance, logs: LogCapture }>
}

/**
 * Starts moto and the tokeninfo peer (and oidc-provider when asked), creates `roles` and
 * `tokens`, and stops them all when `t` ends. The app reaches moto through clients given as
 * deps, never through `process.env`.
 */
export async function withPeers<O extends PeerOptions> (t: Teardown, opts: O = {} as O): Promise<Peers<O>> {
  const moto = await startMoto()
  const tokeninfo = await startTokeninfo()
  const oidc = opts.oidc === true ? await startOidc() : undefined
  const clients: Array<{ destroy: () => void }> = []
  t.teardown(async () => {
    for (const client of clients) client.destroy()
    await oidc?.stop()
    await tokeninfo.stop()
    await moto.stop()
  })
  const aws = moto.clientConfig
  const track = <C extends { destroy: () => void }>(on: Teardown | undefined, client: C): C => {
    if (on) on.teardown(() => client.destroy())
    else clients.push(client)
    return client
  }
  const sts = track(undefined, new STSClient(aws))
  const iam = track(undefined, new IAMClient(aws))
  const dynamodb = track(undefined, moto.dynamodbClient())
  for (const role of opts.roles ?? []) await moto.createRole(role)
  for (const [token, entry] of Object.entries(opts.tokens ?? {})) tokeninfo.add(token, entry)
  return {
    moto,
    tokeninfo,
    oidc: oidc as Peers<O>['oidc'],
    sts,
    iam,
    dynamodb,
    stsClient: (on, config = {}) => track(on, new STSClient({ ...aws, ...config })),
    iamClient: (on, config = {}) => track(on, new IAMClient({ ...aws, ...config })),
    build: async (on, config = testConfig(), deps = {}) => await build(on, config, { sts, iam, dynamodb, ...deps })
  }
}
