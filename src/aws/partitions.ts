/** The AWS partitions ro2key vends roles in (the second field of an ARN). */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov'

/** Per partition: the console federation endpoint and the console's host name. */
export const PARTITION_CONSOLE: Record<Partition, { federationUrl: string, consoleHost: string }> = {
  aws: {
    federationUrl: 'https://signin.aws.amazon.com/federation',
    consoleHost: 'console.aws.amazon.com'
  },
  'aws-cn': {
    federationUrl: 'https://signin.amazonaws.cn/federation',
    consoleHost: 'console.amazonaws.cn'
  },
  'aws-us-gov': {
    federationUrl: 'https://signin.amazonaws-us-gov.com/federation',
    consoleHost: 'console.amazonaws-us-gov.com'
  }
}

export const MAX_DESTINATION_LENGTH = 2048

/** A checked console Destination: the URL to use, or why the caller's URL was refused. */
export type DestinationCheck = { ok: true, url: string } | { ok: false, detail: string }

/** The partition's console home page, the default Destination. */
export function consoleHome (partition: Partition): string {
  return `https://${PARTITION_CONSOLE[partition].consoleHost}/`
}

function refuse (partition: Partition, why: string): DestinationCheck {
  const host = PARTITION_CONSOLE[partition].consoleHost
  return { ok: false, detail: `destination ${why}: give an https URL on ${host} or one of its subdomains` }
}

/**
 * The Destination for the login URL: the console home, or the caller's URL when it is on
 * this partition's console hosts. Anything else is refused, so ro2key is no open redirect;
 * the caller turns a refusal into its answer (the console route: a 400).
 */
export function consoleDestination (raw: string | undefined, partition: Partition): DestinationCheck {
  if (raw === undefined || raw === '') return { ok: true, url: consoleHome(partition) }
  if (raw.length > MAX_DESTINATION_LENGTH) return refuse(partition, 'is too long')
  // Before the URL parser: it would quietly drop whitespace and read backslashes as slashes.
  // eslint-disable-next-line no-control-regex
  if (!/^https:\/\/[^\\\s\u0000-\u001f\u007f]+$/i.test(raw)) return refuse(partition, 'must be an absolute https URL')
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return refuse(partition, 'is not a URL')
  }
  const host = PARTITION_CONSOLE[partition].consoleHost
  if (url.username !== '' || url.password !== '') return refuse(partition, 'must not carry user information')
  if (url.port !== '') return refuse(partition, 'must not name a port')
  if (url.hostname !== host && !url.hostname.endsWith('.' + host)) {
    return refuse(partition, 'is not an AWS console page of this partition')
  }
  return { ok: true, url: url.href }
}
