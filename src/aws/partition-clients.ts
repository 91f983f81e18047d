import type { Partition } from './partitions.js'

/** The region STS is called in for a partition other than ARN_PREFIX's (its first region). */
export const PARTITION_REGION: Record<Partition, string> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-north-1',
  'aws-us-gov': 'us-gov-west-1'
}

/** The region of a partition's STS and IAM clients: the configured one at home, else the partition's first. */
export function regionFor (partition: Partition, home: { partition: Partition, region: string }): string {
  return partition === home.partition ? home.region : PARTITION_REGION[partition]
}

/**
 * One client per partition: ARN_PREFIX's partition gets `home` (the configured region and
 * endpoints), any other one is made once by `make` with that partition's own region, so a
 * GovCloud account among commercial ones gets GovCloud endpoints.
 */
export function perPartition<C> (homePartition: Partition, home: C, make: (p: Partition) => C): (p: Partition) => C {
  const made = new Map<Partition, C>([[homePartition, home]])
  return (partition) => {
    let client = made.get(partition)
    if (client === undefined) {
      client = make(partition)
      made.set(partition, client)
    }
    return client
  }
}

/** The partition of a role ARN (arn:PARTITION:iam::…). */
export function partitionOfArn (arn: string): Partition {
  return (arn.split(':')[1] ?? 'aws') as Partition
}
