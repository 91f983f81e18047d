import type { Feature } from './read.js'

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
  limits: {
    title: 'Limits, health and metrics', intro: 'Timeouts, rate limit, load shedding, metrics port, shutdown.'
  },
  web: {
    title: 'Web page for people',
    intro: 'OpenID Connect sign-in and the server-rendered page (docs/web.md); off unless OIDC_ISSUER is set.'
  },
  grants: {
    title: 'Grants and the state store',
    intro: 'Time-boxed roles and groups (docs/grants.md) keep their state in one DynamoDB table; the SDK reads ' +
      'AWS_ENDPOINT_URL_DYNAMODB. Without STORE_TABLE ro2key is stateless.'
  }
}
