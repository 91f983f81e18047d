import type { Feature, Named, Spec } from './read.js'

/** The sections of docs/configuration.md, in order: title and one paragraph. */
export const FEATURES: Record<Feature, { title: string, intro: string }> = {
  server: { title: 'Server', intro: 'Where ro2key listens and what it logs.' },
  aws: {
    title: 'AWS',
    intro: 'The roles ro2key may vend and the STS region. The AWS SDK reads its own variables too ' +
      '(AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_IAM, AWS_MAX_ATTEMPTS, the default credential chain).'
  },
  tokens: {
    title: 'Token verifiers',
    intro: 'At least one verifier is required: tokeninfo, RFC 7662 introspection, or JWT access tokens ' +
      'checked against the issuer\'s JWKS. Variables of one verifier work only together.'
  },
  authorization: { title: 'Authorization', intro: 'Which caller may have which role: the policy and the scopes.' },
  attribution: {
    title: 'Role tags and session attribution',
    intro: 'Role tags may name the teams allowed a role; AssumeRole may carry the caller\'s identity.'
  },
  console: { title: 'Console sign-in', intro: 'GET /console/{role_name}: the AWS federation endpoint and login URL.' },
  caches: { title: 'Caches', intro: 'Per-instance caches of verified tokens and issued credentials.' },
  limits: { title: 'Limits, health and metrics', intro: 'Timeouts, rate limit, load shedding, metrics port, shutdown.' }
}

/** THE table of every environment variable ro2key reads: loader, docs, --help and deploy tests read it. */
const TABLE = {
  HOST: { type: 'string', default: '0.0.0.0', feature: 'server', meaning: 'Listen address.' },
  PORT: { type: 'int', default: 8080, min: 0, max: 65535, feature: 'server', meaning: 'Listen port.' },
  LOG_LEVEL: {
    type: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info',
    feature: 'server', meaning: 'pino log level.'
  },
  ARN_PREFIX: {
    type: 'string', format: 'arn:aws:iam::123456789012:role[/path], no trailing slash', feature: 'aws',
    meaning: 'Required. Roles ro2key may vend; its partition (aws, aws-cn, aws-us-gov) picks the default region.'
  },
  AWS_REGION: {
    type: 'string', defaultText: 'AWS_DEFAULT_REGION, else the partition\'s first region', feature: 'aws',
    meaning: 'STS region (regional endpoint).'
  },
  AWS_DEFAULT_REGION: { type: 'string', defaultText: 'the partition\'s first region', feature: 'aws', meaning: 'Same, when AWS_REGION is unset.' },
  TOKENINFO_URL: {
    type: 'url', feature: 'tokens',
    meaning: 'Zalando/Google-style tokeninfo endpoint: GET TOKENINFO_URL?access_token=<token>.'
  },
  TOKENINFO_TIMEOUT_MS: {
    type: 'int', default: 3000, min: 100, max: 60000, feature: 'tokens',
    meaning: 'Timeout of every call to a token service (tokeninfo, introspection, discovery, JWKS).'
  },
  INTROSPECTION_URL: { type: 'url', feature: 'tokens', meaning: 'RFC 7662 introspection endpoint (with client id and secret).' },
  INTROSPECTION_CLIENT_ID: { type: 'string', feature: 'tokens', meaning: 'ro2key\'s client id at the introspection endpoint.' },
  INTROSPECTION_CLIENT_SECRET: {
    type: 'string', secret: true, feature: 'tokens', meaning: 'Its client secret (HTTP Basic); never logged or echoed.'
  },
  INTROSPECTION_AUDIENCE: {
    type: 'string', feature: 'tokens', meaning: 'Recommended: an introspected token\'s aud must name it, else 401.'
  },
  JWT_ISSUER: { type: 'url', feature: 'tokens', meaning: 'Issuer of JWT access tokens (RFC 9068), with JWT_AUDIENCE.' },
  JWT_AUDIENCE: { type: 'string', feature: 'tokens', meaning: 'Audience the JWT access tokens must carry.' },
  JWKS_URL: { type: 'url', defaultText: 'found by OIDC discovery', feature: 'tokens', meaning: 'The issuer\'s key set.' },
  UID_CLAIM: {
    type: 'string', defaultText: 'sub, then client_id (introspection: sub, username, client_id)', feature: 'tokens',
    meaning: 'Claim naming the caller (introspection and JWT); when set there is no fallback.'
  },
  TEAM_CLAIM: {
    type: 'string', default: 'team', feature: 'authorization',
    meaning: 'Tokeninfo field, introspection member or JWT claim holding the caller\'s team(s).'
  },
  POLICY_FILE: {
    type: 'string', feature: 'authorization',
    meaning: 'Required (or POLICY, or ROLE_TEAMS_TAG). YAML or JSON file mapping teams to roles.'
  },
  POLICY: { type: 'string', feature: 'authorization', meaning: 'The policy inline (YAML/JSON); POLICY_FILE wins.' },
  OAUTH2_SCOPE: {
    type: 'list', defaultText: 'no scope check', feature: 'authorization',
    meaning: 'Required scopes, space or comma separated; any one suffices.'
  },
  AUTH_URL: { type: 'url', feature: 'authorization', meaning: 'Token URL shown in the OpenAPI document (documentation only).' },
  ROLE_TEAMS_TAG: {
    type: 'string', format: 'an IAM tag key, not starting with aws:', defaultText: 'tags not read', feature: 'attribution',
    meaning: 'IAM tag key on vended roles listing the teams that may use them.'
  },
  ROLE_TAGS_TTL: {
    type: 'int', default: 60, min: 0, max: 3600, feature: 'attribution',
    meaning: 'Seconds a role\'s tags (and the tagged-role listing) are cached.'
  },
  SOURCE_IDENTITY: { type: 'bool', feature: 'attribution', meaning: 'AssumeRole sets SourceIdentity to the caller\'s uid.' },
  SESSION_TAGS: { type: 'bool', feature: 'attribution', meaning: 'AssumeRole sends the ro2key:uid, ro2key:team, ro2key:realm tags.' },
  TRANSITIVE_TAGS: { type: 'bool', feature: 'attribution', meaning: 'Those session tags are transitive (needs SESSION_TAGS).' },
  FEDERATION_URL: {
    type: 'url', defaultText: 'the ARN_PREFIX partition\'s', feature: 'console', meaning: 'The AWS console federation endpoint.'
  },
  CONSOLE_ISSUER: {
    type: 'url', defaultText: 'the request\'s own base URL', feature: 'console',
    meaning: 'Issuer of login URLs; set it behind a TLS-terminating proxy.'
  },
  FEDERATION_TIMEOUT_MS: {
    type: 'int', default: 5000, min: 100, max: 60000, feature: 'console', meaning: 'Timeout of one getSigninToken call.'
  },
  CONSOLE_SESSION_DURATION: {
    type: 'enum', values: ['auto', 'always', 'never'], default: 'auto', feature: 'console',
    meaning: 'When getSigninToken gets SessionDuration (AWS refuses it for role-chained credentials).'
  },
  TOKEN_CACHE_TTL: {
    type: 'int', default: 60, min: 0, max: 3600, feature: 'caches',
    meaning: 'Seconds a verified token is reused (never past its expiry); 0 = off.'
  },
  TOKEN_CACHE_MAX_ENTRIES: {
    type: 'int', default: 10000, min: 1, max: 1000000, feature: 'caches', meaning: 'Bound of the token cache.'
  },
  CREDENTIAL_CACHE_MAX_AGE: {
    type: 'int', default: 300, min: 0, max: 3600, feature: 'caches',
    meaning: 'Seconds an issued credential may be served again for the same AssumeRole input; 0 = off.'
  },
  CREDENTIAL_CACHE_MAX_ENTRIES: {
    type: 'int', default: 10000, min: 1, max: 1000000, feature: 'caches', meaning: 'Bound of the credential cache.'
  },
  STS_TIMEOUT_MS: {
    type: 'int', default: 5000, min: 100, max: 60000, feature: 'limits',
    meaning: 'Budget of one STS or IAM call, the SDK\'s retries included.'
  },
  RATE_LIMIT_PER_MINUTE: {
    type: 'int', default: 600, min: 0, max: 1000000, feature: 'limits',
    meaning: 'Requests per caller (uid, or client IP before authentication); 0 = off.'
  },
  TRUST_PROXY: {
    type: 'string', format: 'true, or comma-separated addresses/CIDRs', defaultText: 'off', feature: 'limits',
    meaning: 'The load balancer\'s addresses, so the client IP comes from X-Forwarded-For.'
  },
  MAX_EVENT_LOOP_DELAY_MS: {
    type: 'int', default: 1000, min: 0, max: 60000, feature: 'limits', meaning: 'Answer 503 above this event-loop delay; 0 = off.'
  },
  REQUEST_TIMEOUT_MS: {
    type: 'int', default: 10000, min: 1000, max: 120000, feature: 'limits',
    meaning: 'Time a client has to send the whole request (408 after).'
  },
  METRICS_PORT: {
    type: 'int', default: undefined, min: 1, max: 65535, defaultText: 'on the API port', feature: 'limits',
    meaning: 'Serve /metrics on this port only.'
  },
  SHUTDOWN_DELAY_MS: {
    type: 'int', default: 0, min: 0, max: 5000, feature: 'limits',
    meaning: 'On SIGTERM, /ready answers 503 this long before the listener closes.'
  }
} as const satisfies Record<string, Spec>

type Table = typeof TABLE
export type VariableName = keyof Table

/** Every variable by name, each row carrying its name. */
export const VARIABLES = Object.fromEntries(Object.entries(TABLE).map(([name, spec]) => [name, { ...spec, name }])) as
  { [K in VariableName]: Table[K] & { name: K } }

/** The rows in table order. */
export const VARIABLE_LIST: Array<Named<Spec>> = Object.values(VARIABLES)
