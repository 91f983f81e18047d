import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { StoreConfig } from '../config/store.js'
import type { GrantsService } from './create.js'
import type { Grants } from './grants.js'
import { createSweepRunner, type SweepRunner, type SweepTask } from './sweep-runner.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** time-boxed grants; undefined without STORE_TABLE */
    grants: Grants | undefined
    sweeper: SweepRunner | undefined
  }
}

export interface GrantsPluginOptions {
  service: GrantsService | undefined
  config: StoreConfig | undefined
  /** other sweeps run with the grants' (the mimic roles) */
  tasks?: SweepTask[]
}

/**
 * Decorates app.grants and app.sweeper; with STORE_CREATE creates the table before the app is ready
 * (boot fails when it cannot), else boots without reaching DynamoDB; sweeps every SWEEP_INTERVAL.
 */
export const grantsPlugin = fp<GrantsPluginOptions>(async function grantsPlugin (app: FastifyInstance, opts) {
  const { service, config } = opts
  const sweeper = service && config
    ? createSweepRunner(service.grants, app.metrics.registry, app.log, opts.tasks)
    : undefined
  app.decorate('grants', service?.grants)
  app.decorate('sweeper', sweeper)
  if (service === undefined || config === undefined || sweeper === undefined) return
  if (config.create && service.dynamodb !== undefined) {
    // client-dynamodb is loaded only with STORE_TABLE (issue 19)
    const { ensureTable } = await import('../store/table.js')
    const outcome = await ensureTable(service.dynamodb as DynamoDBClient, config.table)
    app.log.info({ table: config.table, outcome }, 'grant store table')
  }
  app.addHook('onReady', async () => { sweeper.start(config.sweepInterval) })
  app.addHook('onClose', async () => { await sweeper.stop() })
}, { name: 'grants', dependencies: ['metrics'] })
