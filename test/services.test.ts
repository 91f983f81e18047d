import pino from 'pino'
import t from 'tap'
import { Agent } from 'undici'
import { createServices } from '../src/services.js'
import { testConfig } from './helpers/build.js'

const logger = pino({ level: 'silent' })

t.test('createServices: one close() for the clients it made, none for the injected ones', async (t) => {
  const made = await createServices(testConfig({ ROLE_TEAMS_TAG: 'ro2key-teams' }), { logger })
  t.ok(made.roleTags, 'role tags when ROLE_TEAMS_TAG is set')
  await made.close()

  const dispatcher = new Agent()
  t.teardown(() => dispatcher.close())
  let stsDestroyed = false
  const sts = { send: async () => { throw new Error('unused') }, destroy: () => { stsDestroyed = true } }
  const injected = await createServices(testConfig(), { logger, sts, dispatcher })
  t.equal(injected.roleTags, undefined, 'no role tags without ROLE_TEAMS_TAG')
  await injected.close()
  t.notOk(stsDestroyed, 'an injected STS client is left to its owner')
  t.notOk(dispatcher.closed, 'an injected dispatcher is left to its owner')
})
