import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { buildApp, type Deps } from '../../src/app.js'
import { loadConfig, type Config, type Env } from '../../src/config/index.js'
import { loggerOptions } from '../../src/log.js'
import { buildPolicy } from '../../src/policy/policy-file.js'
import { ARN_PREFIX } from '../../dev/peers/moto.js'
import { TEST_POLICY_DOCUMENT } from '../../dev/test-policy.js'

interface Teardown { teardown (fn: () => unknown): void }

/** A log sink that keeps every line, to grep for secrets and audit lines. */
export class LogCapture extends Writable {
  readonly lines: string[] = []
  override _write (chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean))
    done()
  }

  get text (): string { return this.lines.join('\n') }
  records (): Array<Record<string, any>> { return this.lines.map((l) => JSON.parse(l)) }
  audits (): Array<Record<string, any>> { return this.records().filter((r) => r.audit).map((r) => ({ ...r.audit, reqId: r.reqId })) }
}

export const TEST_POLICY = buildPolicy(TEST_POLICY_DOCUMENT, 'test policy')

/** Config as data; env-shaped overrides go through the real loader for realism. */
export function testConfig (env: Env = {}): Config {
  const config = loadConfig({
    ARN_PREFIX,
    TOKENINFO_URL: 'http://127.0.0.1:9/oauth2/tokeninfo',
    POLICY: 'teams: {}',
    LOG_LEVEL: 'info',
    // Load shedding off by default: test runners on a busy machine stall the event loop
    // (ts compilation); test/plugins/load-shedding.test.ts turns it on.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    ...env
  })
  return { ...config, policy: env.POLICY || env.POLICY_FILE ? config.policy : TEST_POLICY }
}

/** The real app with captured logs, closed when the test ends. */
export async function build (t: Teardown, config: Config = testConfig(), deps: Deps = {}): Promise<{ app: FastifyInstance, logs: LogCapture }> {
  const logs = new LogCapture()
  const app = await buildApp(config, { logger: pino(loggerOptions(config.logLevel), logs), ...deps })
  t.teardown(() => app.close())
  await app.ready()
  return { app, logs }
}
