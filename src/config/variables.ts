import type { BoolSpec, EnumSpec, Feature, IntSpec, Named, Spec, TextSpec, UrlSpec } from './read.js'

type Extra = { defaultText?: string, secret?: true }
const int = <D extends number | undefined>(feature: Feature, meaning: string,
  o: { default: D, min: number, max: number } & Extra): IntSpec & { default: D } =>
    ({ type: 'int', feature, meaning, ...o })
const url = (feature: Feature, meaning: string, o: Extra = {}): UrlSpec => ({ type: 'url', feature, meaning, ...o })
const bool = (feature: Feature, meaning: string): BoolSpec => ({ type: 'bool', feature, meaning })
const oneOf = (feature: Feature, meaning: string, values: string[], dflt: string): EnumSpec =>
  ({ type: 'enum', feature, meaning, values, default: dflt })
const text = <D extends string | undefined = undefined>(feature: Feature, meaning: string,
  o: { default?: D, format?: string } & Extra = {}): TextSpec & { default: D } =>
    ({ type: 'string', feature, meaning, ...o }) as TextSpec & { default: D }
const list = (feature: Feature, meaning: string, o: Extra = {}): TextSpec => ({ type: 'list', feature, meaning, ...o })

const PARTITION_REGION = 'the partition\'s first region'

/**
 * THE table of every environment variable ro2key reads: name, type, default, range or values, section
 * (sections.ts) and one line of meaning. loadConfig, docs/configuration.md, --help and the deploy tests read it.
 */
const TABLE = {
  HOST: text('server', 'Listen address.', { default: '0.0.0.0' }),
  PORT: int('server', 'Listen port.', { default: 8080, min: 0, max: 65535 }),
  PUBLIC_URL: url('server', 'ro2key\'s own external base URL: console login URLs name it; web redirect URI is ' +
    'PUBLIC_URL/auth/callback.',
  { defaultText: 'the request\'s Host, when it is a plain host name' }),
  LOG_LEVEL: oneOf('server', 'pino log level.', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),

  ARN_PREFIX: text('aws', 'Required. Roles ro2key may vend; the partition (aws, aws-cn, aws-us-gov) picks the region.',
    { format: 'arn:aws:iam::123456789012:role[/path], no trailing slash' }),
  AWS_REGION: text('aws', 'STS region (regional endpoint).',
    { defaultText: `AWS_DEFAULT_REGION, else ${PARTITION_REGION}` }),
  AWS_DEFAULT_REGION: text('aws', 'STS region when AWS_REGION is unset.', { defaultText: PARTITION_REGION }),

  TOKENINFO_URL: url('tokens', 'Zalando/Google-style tokeninfo endpoint: GET TOKENINFO_URL?access_token=TOKEN.'),
  TOKENINFO_TIMEOUT_MS: int('tokens', 'Timeout of each token-service call (tokeninfo, introspection, discovery, JWKS).',
    { default: 3000, min: 100, max: 60000 }),
  INTROSPECTION_URL: url('tokens', 'RFC 7662 introspection endpoint; with INTROSPECTION_CLIENT_ID and _SECRET.'),
  INTROSPECTION_CLIENT_ID: text('tokens', 'ro2key\'s client id at the introspection endpoint.'),
  INTROSPECTION_CLIENT_SECRET: text('tokens', 'Its client secret (HTTP Basic).', { secret: true }),
  INTROSPECTION_AUDIENCE: text('tokens', 'Recommended: an introspected token\'s aud must name it, else 401.'),
  JWT_ISSUER: url('tokens', 'Issuer of JWT access tokens (RFC 9068); with JWT_AUDIENCE.'),
  JWT_AUDIENCE: text('tokens', 'Audience the JWT access tokens must carry.'),
  JWKS_URL: url('tokens', 'The issuer\'s key set.', { defaultText: 'found by OIDC discovery' }),
  UID_CLAIM: text('tokens', 'Claim naming the caller (introspection and JWT); when set there is no fallback.',
    { defaultText: 'sub, then client_id (introspection: sub, username, client_id)' }),

  TEAM_CLAIM: text('authorization', 'Tokeninfo field, introspection member or JWT claim holding the caller\'s team(s).',
    { default: 'team' }),
  POLICY_FILE: text('authorization', 'Required (or POLICY, ROLE_TEAMS_TAG): YAML or JSON file mapping teams to roles.'),
  POLICY: text('authorization', 'The policy document inline (YAML or JSON); POLICY_FILE wins when both are set.'),
  OAUTH2_SCOPE: list('authorization', 'Required scopes, space or comma separated; any one suffices.',
    { defaultText: 'no scope check' }),
  AUTH_URL: url('authorization', 'Token URL shown in the OpenAPI document (documentation only).'),

  ROLE_TEAMS_TAG: text('attribution', 'IAM tag key on vended roles listing the teams that may use them.',
    { format: 'an IAM tag key, not starting with aws:', defaultText: 'tags not read' }),
  ROLE_TAGS_TTL: int('attribution', 'Seconds a role\'s tags (and the tagged-role listing) are cached.',
    { default: 60, min: 0, max: 3600 }),
  SOURCE_IDENTITY: bool('attribution', 'AssumeRole sets SourceIdentity to the caller\'s uid.'),
  SESSION_TAGS: bool('attribution', 'AssumeRole sends the session tags ro2key:uid, ro2key:team, ro2key:realm.'),
  TRANSITIVE_TAGS: bool('attribution', 'Those session tags are transitive (needs SESSION_TAGS).'),
  ROLE_TAGS_READER_ROLE: text('attribution', 'Role (same name in each policy account) assumed to read role tags there.',
    { format: 'a role name, optionally path/name', defaultText: 'tags read in the ARN_PREFIX account only' }),

  FEDERATION_URL: url('console', 'The AWS console federation endpoint.',
    { defaultText: 'the ARN_PREFIX partition\'s' }),
  CONSOLE_ISSUER: url('console', 'Issuer of login URLs; set it behind a TLS-terminating proxy.',
    { defaultText: 'the request\'s own base URL' }),
  FEDERATION_TIMEOUT_MS: int('console', 'Timeout of one getSigninToken call.', { default: 5000, min: 100, max: 60000 }),
  CONSOLE_SESSION_DURATION: oneOf('console', 'When getSigninToken gets SessionDuration (refused for role chaining).',
    ['auto', 'always', 'never'], 'auto'),

  TOKEN_CACHE_TTL: int('caches', 'Seconds a verified token is reused (never past its expiry); 0 = off.',
    { default: 60, min: 0, max: 3600 }),
  TOKEN_CACHE_MAX_ENTRIES: int('caches', 'Bound of the token cache.', { default: 10000, min: 1, max: 1000000 }),
  CREDENTIAL_CACHE_MAX_AGE: int('caches', 'Seconds an issued credential is served again for the same AssumeRole input.',
    { default: 300, min: 0, max: 3600 }),
  CREDENTIAL_CACHE_MAX_ENTRIES: int('caches', 'Bound of the credential cache.',
    { default: 10000, min: 1, max: 1000000 }),

  STS_TIMEOUT_MS: int('limits', 'Budget of one STS or IAM call, the SDK\'s retries included.',
    { default: 5000, min: 100, max: 60000 }),
  RATE_LIMIT_PER_MINUTE: int('limits', 'Requests per caller (uid, or client IP before authentication); 0 = off.',
    { default: 600, min: 0, max: 1000000 }),
  TRUST_PROXY: text('limits', 'The load balancer\'s addresses, so the client IP comes from X-Forwarded-For.',
    { format: 'true, or comma-separated addresses/CIDRs', defaultText: 'off' }),
  MAX_EVENT_LOOP_DELAY_MS: int('limits', 'Answer 503 above this event-loop delay; 0 = off.',
    { default: 1000, min: 0, max: 60000 }),
  REQUEST_TIMEOUT_MS: int('limits', 'Time a client has to send the whole request (408 after).',
    { default: 10000, min: 1000, max: 120000 }),
  METRICS_PORT: int('limits', 'Serve /metrics on this port only.',
    { default: undefined, min: 1, max: 65535, defaultText: 'on the API port' }),
  SHUTDOWN_DELAY_MS: int('limits', 'On SIGTERM, /ready answers 503 this long before the listener closes.',
    { default: 0, min: 0, max: 5000 }),

  OIDC_ISSUER: url('web', 'OpenID Connect issuer (discovery) people sign in with; turns the web page on.',
    { defaultText: 'web page off' }),
  OIDC_CLIENT_ID: text('web', 'ro2key\'s client id at OIDC_ISSUER (authorization code flow with PKCE).'),
  OIDC_CLIENT_SECRET: text('web', 'Its client secret (client_secret_basic).', { secret: true }),
  SESSION_SECRET: text('web', 'Key of the encrypted session cookie: 32 or more random bytes (openssl rand -base64 32).',
    { secret: true }),
  UI_SESSION_TTL: int('web', 'Seconds a web session lasts after sign-in.', { default: 28800, min: 300, max: 604800 }),

  STORE_TABLE: text('grants', 'DynamoDB table of grants (required when the policy has an eligible section).',
    { defaultText: 'stateless: no grants' }),
  STORE_CREATE: bool('grants', 'Create STORE_TABLE at boot when missing (demo, tests); boot fails if it cannot.'),
  SWEEP_INTERVAL: int('grants', 'Seconds between sweeps that end expired grants on this replica; 0 = off.',
    { default: 60, min: 0, max: 86400 })
} satisfies Record<string, Spec>

type Table = typeof TABLE
export type VariableName = keyof Table

/** Every variable by name, each row carrying its name. */
export const VARIABLES = Object.fromEntries(Object.entries(TABLE).map(([name, spec]) => [name, { ...spec, name }])) as
  { [K in VariableName]: Table[K] & { name: K } }

/** The rows in table order. */
export const VARIABLE_LIST: Array<Named<Spec>> = Object.values(VARIABLES)
