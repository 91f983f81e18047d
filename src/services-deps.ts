import type { Dispatcher } from 'undici'
import type { StsLike } from './aws/assume-role.js'
import type { TokenVerifier } from './auth/token-verifier.js'
import type { StsWith } from './iam-users/key-proof.js'
import type { Metrics } from './metrics/metrics.js'
import type { IamLike } from './policy/role-tags.js'
import type { IamWith } from './services-accounts.js'
import type { DynamoLike } from './store/dynamo-store.js'
import type { Store } from './store/store.js'

/** Outside dependencies of the services; each defaults to the real one. */
export interface ServiceDeps {
  sts?: StsLike
  /** IAM, for ROLE_TEAMS_TAG */
  iam?: IamLike
  verifier?: TokenVerifier
  /** undici dispatcher for the token service and the AWS federation endpoint */
  dispatcher?: Dispatcher
  /** seconds since the epoch */
  now?: () => number
  /** metrics registry and seam; a fresh one per app by default */
  metrics?: Metrics
  /** IAM signing with a reader role's credentials, for ROLE_TAGS_READER_ROLE (issue 17) */
  iamWith?: IamWith
  /** the grants' state store (default: DynamoDB STORE_TABLE through `dynamodb`) */
  store?: Store
  /** DynamoDB client of the default store */
  dynamodb?: DynamoLike
  /** STS signing with a given access key, for the proof of /keys/rotate (issue 15) */
  stsWith?: StsWith
  /** waits between retries (the rotate proof, AssumeRole on a new mimic role); tests pass one that moves their clock */
  sleep?: (ms: number) => Promise<void>
}
