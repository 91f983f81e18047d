import type { Partition } from '../aws/partitions.js'
import { problem, readRaw, readString, type Env } from './read.js'
import { VARIABLES as V } from './variables.js'

const ARN_PREFIX = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role(\/[\w+=,.@-]+)*$/
/** The region STS is called in when neither AWS_REGION nor AWS_DEFAULT_REGION is set. */
const DEFAULT_REGION: Record<Partition, string> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-north-1',
  'aws-us-gov': 'us-gov-west-1'
}

/** ARN_PREFIX and the partition it names (aws when it names none). */
export function readArnPrefix (env: Env, problems: string[]): { arnPrefix: string, partition: Partition } {
  const arnPrefix = env.ARN_PREFIX ?? ''
  const match = ARN_PREFIX.exec(arnPrefix)
  if (readRaw(env, V.ARN_PREFIX) === undefined) {
    problems.push(problem('ARN_PREFIX is not set: give the role ARN prefix, e.g. arn:aws:iam::123456789012:role',
      'ARN_PREFIX'))
  } else if (!match) {
    problems.push(problem('ARN_PREFIX must look like arn:aws:iam::123456789012:role (optionally /path, ' +
      `no trailing slash), got "${arnPrefix}"`, 'ARN_PREFIX'))
  }
  return { arnPrefix, partition: (match?.[1] ?? 'aws') as Partition }
}

/** The STS region: AWS_REGION, AWS_DEFAULT_REGION, else the partition's first region. */
export function readRegion (env: Env, partition: Partition): string {
  return readString(env, V.AWS_REGION) ?? readString(env, V.AWS_DEFAULT_REGION) ?? DEFAULT_REGION[partition]
}
