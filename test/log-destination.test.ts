import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { groupCommitDestination, logWritten } from '../src/log-destination.js'
import { loggerOptions } from '../src/log.js'
import { testConfig } from './helpers/build.js'
import { startTokeninfo } from '../dev/peers/tokeninfo.js'

const turn = async (): Promise<void> => await new Promise((resolve) => setImmediate(resolve))

/** A sink that keeps each write(2)-to-be as one entry. */
function sink () {
  const writes: string[] = []
  return { writes, write (data: string) { writes.push(data) } }
}

t.test('lines of one event-loop turn go out in one write', async (t) => {
  const s = sink()
  const log = pino(loggerOptions('info'), groupCommitDestination({ sink: s }))
  log.info('one'); log.info('two'); log.info('three')
  t.equal(s.writes.length, 0, 'nothing written yet')
  await turn()
  t.equal(s.writes.length, 1, 'one write')
  t.equal(s.writes[0]?.split('\n').filter(Boolean).length, 3)
})

t.test('error and fatal lines are written at once, with what was pending', async (t) => {
  const s = sink()
  const log = pino(loggerOptions('info'), groupCommitDestination({ sink: s }))
  log.info('before')
  log.error('boom')
  t.equal(s.writes.length, 1)
  t.match(s.writes[0], /"before"[\s\S]*"boom"/)
  log.fatal('worse')
  t.equal(s.writes.length, 2)
})

t.test('a full buffer is written at once', async (t) => {
  const s = sink()
  const log = pino(loggerOptions('info'), groupCommitDestination({ sink: s, maxBufferedBytes: 200 }))
  for (let i = 0; i < 5; i++) log.info({ filler: 'x'.repeat(50) }, 'line')
  t.ok(s.writes.length >= 1, 'written before the turn ended')
})

t.test('logWritten resolves after the lines are in the sink', async (t) => {
  const s = sink()
  const log = pino(loggerOptions('info'), groupCommitDestination({ sink: s }))
  t.equal(logWritten(log), undefined, 'nothing pending, nothing to wait for')
  log.child({ reqId: 'r1' }).info({ audit: { event: 'issued' } }, 'credentials issued')
  const written = logWritten(log.child({ reqId: 'r1' }))
  t.ok(written, 'a child logger finds the destination')
  t.equal(s.writes.length, 0)
  await written
  t.equal(s.writes.length, 1)
  t.match(s.writes[0], /"audit":\{"event":"issued"\}/)
  t.equal(logWritten(pino(loggerOptions('info'), sink())), undefined, 'other destinations: no wait')
})

t.test('pending lines are written when the process exits, also after an uncaught exception', async (t) => {
  const module = fileURLToPath(new URL('../src/log-destination.ts', import.meta.url))
  for (const ending of ['process.exit(3)', 'throw new Error("crash")']) {
    const code = `import pino from 'pino'; const { groupCommitDestination } = await import(${JSON.stringify(module)});
      const log = pino(groupCommitDestination()); log.info({ audit: { event: 'issued' } }, 'last words'); ${ending}`
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)) })
    t.not(child.status, 0, `${ending}: the process failed`)
    t.match(child.stdout, /"audit":\{"event":"issued"\}.*"last words"/, `${ending}: the line reached stdout`)
  }
})

t.test('in the app, no response is sent before its audit line is written', async (t) => {
  const tokeninfo = await startTokeninfo()
  t.teardown(() => tokeninfo.stop())
  tokeninfo.add('tok-mint', { uid: 'stups_mint-sync', team: 'mint' })
  const events: string[] = []
  const logSink = { write (data: string) { for (const line of data.split('\n').filter(Boolean)) events.push(line.includes('"audit":') ? 'audit written' : 'log written') } }
  const vended = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session', expiration: new Date(Date.now() + 3600_000) }
  const app = await buildApp(testConfig({ TOKENINFO_URL: tokeninfo.url }), {
    logger: pino(loggerOptions('info'), groupCommitDestination({ sink: logSink })),
    // STS answering at once keeps the whole request inside one event-loop turn: the hard case.
    sts: { send: async () => ({ Credentials: { AccessKeyId: vended.accessKeyId, SecretAccessKey: vended.secretAccessKey, SessionToken: vended.sessionToken, Expiration: vended.expiration } }) } as never
  })
  app.addHook('onRequest', (_request, reply, done) => {
    const writeHead = reply.raw.writeHead
    reply.raw.writeHead = function (this: typeof reply.raw, ...args: Parameters<typeof writeHead>) {
      events.push('response sent')
      return writeHead.apply(this, args)
    } as typeof writeHead
    done()
  })
  t.teardown(() => app.close())
  const res = await app.inject({ url: '/get_key/S3MintReadOnly', headers: { authorization: 'Bearer tok-mint' } })
  t.equal(res.statusCode, 200)
  const audit = events.indexOf('audit written')
  t.ok(audit >= 0, 'the audit line was written')
  t.ok(audit < events.indexOf('response sent'), `audit line before the response (${events.join(', ')})`)
})
