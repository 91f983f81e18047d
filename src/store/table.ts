import {
  CreateTableCommand, DescribeTableCommand, UpdateTimeToLiveCommand, waitUntilTableExists, type DynamoDBClient
} from '@aws-sdk/client-dynamodb'
import { StoreUnavailableError } from './store.js'

/** The table's key schema and TTL attribute; deploy/cloudformation.yaml creates the same. */
export const TABLE_SCHEMA = { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'ttl' } as const

const WAIT_SECONDS = 30

/** Creates the table (on demand, TTL on `ttl`) when it is missing: STORE_CREATE=true, for demos and tests. */
export async function ensureTable (client: DynamoDBClient, table: string): Promise<'exists' | 'created'> {
  try {
    try {
      await client.send(new DescribeTableCommand({ TableName: table }))
      return 'exists'
    } catch (err) {
      if ((err as Error).name !== 'ResourceNotFoundException') throw err
    }
    await client.send(new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_SCHEMA.sortKey, AttributeType: 'S' }
      ],
      KeySchema: [
        { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' }
      ]
    }))
    await waitUntilTableExists({ client, maxWaitTime: WAIT_SECONDS }, { TableName: table })
    await client.send(new UpdateTimeToLiveCommand({
      TableName: table,
      TimeToLiveSpecification: { Enabled: true, AttributeName: TABLE_SCHEMA.ttlAttribute }
    }))
    return 'created'
  } catch (err) {
    throw new StoreUnavailableError(`cannot create DynamoDB table ${table}: ${(err as Error).name}`, { cause: err })
  }
}
