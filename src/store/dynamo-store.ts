import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import {
  DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand, type QueryCommandInput
} from '@aws-sdk/lib-dynamodb'
import {
  RETENTION_SECONDS, StoreUnavailableError, type Expected, type QueryOptions, type Store, type StoreItem
} from './store.js'

/** The DynamoDB client seam (`deps.dynamodb`): anything that sends DynamoDB commands. */
export type DynamoLike = Pick<DynamoDBClient, 'send' | 'config' | 'middlewareStack'>

const CONDITION_FAILED = 'ConditionalCheckFailedException'

function summary (err: unknown, op: string): StoreUnavailableError {
  const e = err as { name?: string, $metadata?: { httpStatusCode?: number } }
  const status = e.$metadata?.httpStatusCode ?? 'no response'
  return new StoreUnavailableError(`DynamoDB ${op}: ${e.name ?? 'Error'} (${status})`, { cause: err })
}

async function guarded<T> (op: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    throw summary(err, op)
  }
}

/** `#status IN (:s0, …)` plus equality of each expected field, with its names and values. */
function condition (expected: Expected, values: Record<string, unknown>, names: Record<string, string>): string {
  names['#status'] = 'status'
  const statuses = expected.status.map((s, i) => { values[`:s${i}`] = s; return `:s${i}` })
  const parts = [`#status IN (${statuses.join(', ')})`]
  Object.entries(expected.fields ?? {}).forEach(([field, value], i) => {
    names[`#e${i}`] = field
    values[`:e${i}`] = value
    parts.push(`#e${i} = :e${i}`)
  })
  if (expected.liveAt !== undefined) {
    names['#live'] = 'expires_at'
    values[':live'] = expected.liveAt
    parts.push('#live > :live')
  }
  return parts.join(' AND ')
}

/** The Store over one DynamoDB table with keys pk/sk and the TTL attribute `ttl`. */
export function createDynamoStore (client: DynamoLike, table: string): Store {
  const doc = DynamoDBDocumentClient.from(client as DynamoDBClient, {
    marshallOptions: { removeUndefinedValues: true }
  })
  const ttlOf = (expiresAt: number): number => Math.ceil(expiresAt) + RETENTION_SECONDS
  return {
    async putIfAbsent (item) {
      const Item = { ...item, ttl: ttlOf(item.expires_at) }
      try {
        await doc.send(new PutCommand({ TableName: table, Item, ConditionExpression: 'attribute_not_exists(pk)' }))
        return true
      } catch (err) {
        if ((err as Error).name === CONDITION_FAILED) return false
        throw summary(err, 'PutItem')
      }
    },
    async transition<T extends StoreItem> (key: { pk: string, sk: string }, expected: Expected, changes: Partial<T>) {
      const names: Record<string, string> = {}
      const values: Record<string, unknown> = {}
      const cond = condition(expected, values, names)
      const set = Object.entries(changes).filter(([, v]) => v !== undefined)
      if (changes.expires_at !== undefined) set.push(['ttl', ttlOf(changes.expires_at)])
      const assignments = set.map(([field, value], i) => {
        names[`#c${i}`] = field
        values[`:c${i}`] = value
        return `#c${i} = :c${i}`
      })
      try {
        const out = await doc.send(new UpdateCommand({
          TableName: table,
          Key: { pk: key.pk, sk: key.sk },
          UpdateExpression: `SET ${assignments.join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND ${cond}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW'
        }))
        return out.Attributes as T
      } catch (err) {
        if ((err as Error).name === CONDITION_FAILED) return undefined
        throw summary(err, 'UpdateItem')
      }
    },
    async get<T extends StoreItem> (key: { pk: string, sk: string }, now: number) {
      const out = await guarded('GetItem', () => doc.send(new GetCommand({
        TableName: table, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true
      })))
      const item = out.Item as T | undefined
      return item !== undefined && item.expires_at > now ? item : undefined
    },
    async query<T extends StoreItem> (pk: string, options: QueryOptions) {
      const values: Record<string, unknown> = { ':pk': pk, ':now': options.now }
      const names: Record<string, string> = { '#expires': 'expires_at' }
      const filters = [options.expired === true ? '#expires <= :now' : '#expires > :now']
      if (options.status !== undefined) filters.push(condition({ status: options.status }, values, names))
      const input: QueryCommandInput = {
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: filters.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ConsistentRead: true
      }
      const items: T[] = []
      do {
        const out = await guarded('Query', () => doc.send(new QueryCommand(input)))
        items.push(...(out.Items ?? []) as T[])
        input.ExclusiveStartKey = out.LastEvaluatedKey
      } while (input.ExclusiveStartKey !== undefined)
      return items
    }
  }
}
