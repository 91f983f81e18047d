import t from 'tap'
import { consoleDestination, consoleHome, PARTITION_CONSOLE, type Partition } from '../../src/aws/partitions.js'

t.test('console home per partition', async (t) => {
  t.equal(consoleHome('aws'), 'https://console.aws.amazon.com/')
  t.equal(consoleHome('aws-cn'), 'https://console.amazonaws.cn/')
  t.equal(consoleHome('aws-us-gov'), 'https://console.amazonaws-us-gov.com/')
  t.equal(PARTITION_CONSOLE.aws.federationUrl, 'https://signin.aws.amazon.com/federation')
  t.equal(PARTITION_CONSOLE['aws-cn'].federationUrl, 'https://signin.amazonaws.cn/federation')
  t.equal(PARTITION_CONSOLE['aws-us-gov'].federationUrl, 'https://signin.amazonaws-us-gov.com/federation')
})

const allowed: Array<{ desc: string, partition: Partition, raw: string | undefined, want: string }> = [
  { desc: 'none: console home', partition: 'aws', raw: undefined, want: 'https://console.aws.amazon.com/' },
  { desc: 'empty: console home', partition: 'aws-cn', raw: '', want: 'https://console.amazonaws.cn/' },
  { desc: 'console page', partition: 'aws', raw: 'https://console.aws.amazon.com/s3/home?region=eu-central-1', want: 'https://console.aws.amazon.com/s3/home?region=eu-central-1' },
  { desc: 'regional subdomain', partition: 'aws', raw: 'https://eu-central-1.console.aws.amazon.com/ec2/home#Instances:', want: 'https://eu-central-1.console.aws.amazon.com/ec2/home#Instances:' },
  { desc: 'upper-case host is normalised', partition: 'aws', raw: 'HTTPS://Console.AWS.Amazon.com/iam', want: 'https://console.aws.amazon.com/iam' },
  { desc: 'aws-cn console', partition: 'aws-cn', raw: 'https://console.amazonaws.cn/s3/', want: 'https://console.amazonaws.cn/s3/' },
  { desc: 'aws-us-gov regional console', partition: 'aws-us-gov', raw: 'https://us-gov-west-1.console.amazonaws-us-gov.com/ec2/', want: 'https://us-gov-west-1.console.amazonaws-us-gov.com/ec2/' }
]
for (const row of allowed) {
  t.test(`allowed: ${row.desc}`, async (t) => {
    t.same(consoleDestination(row.raw, row.partition), { ok: true, url: row.want })
  })
}

const refused: Array<{ desc: string, partition: Partition, raw: string }> = [
  { desc: 'plain http elsewhere', partition: 'aws', raw: 'http://evil.example.com/' },
  { desc: 'http to the console', partition: 'aws', raw: 'http://console.aws.amazon.com/' },
  { desc: 'scheme-relative', partition: 'aws', raw: '//evil.example.com/' },
  { desc: 'path only', partition: 'aws', raw: '/s3/home' },
  { desc: 'bare host', partition: 'aws', raw: 'console.aws.amazon.com' },
  { desc: 'javascript:', partition: 'aws', raw: 'javascript:alert(1)//console.aws.amazon.com' },
  { desc: 'suffix trick', partition: 'aws', raw: 'https://console.aws.amazon.com.evil.com/' },
  { desc: 'prefix trick', partition: 'aws', raw: 'https://evilconsole.aws.amazon.com/' },
  { desc: 'userinfo trick', partition: 'aws', raw: 'https://console.aws.amazon.com@evil.com/' },
  { desc: 'userinfo with password', partition: 'aws', raw: 'https://console.aws.amazon.com:x@evil.com/' },
  { desc: 'userinfo on the console host', partition: 'aws', raw: 'https://user@console.aws.amazon.com/' },
  { desc: 'backslash trick', partition: 'aws', raw: 'https://evil.com\\@console.aws.amazon.com/' },
  { desc: 'backslashes as slashes', partition: 'aws', raw: 'https:\\\\console.aws.amazon.com/' },
  { desc: 'fragment trick', partition: 'aws', raw: 'https://evil.com#@console.aws.amazon.com/' },
  { desc: 'percent-encoded dot in host', partition: 'aws', raw: 'https://console.aws.amazon.com%2eevil.com/' },
  { desc: 'whitespace inside', partition: 'aws', raw: 'https://console.aws.amazon.com /' },
  { desc: 'leading space', partition: 'aws', raw: ' https://console.aws.amazon.com/' },
  { desc: 'tab in host', partition: 'aws', raw: 'https://console.aws.amazon.com\t.evil.com/' },
  { desc: 'explicit port', partition: 'aws', raw: 'https://console.aws.amazon.com:8443/' },
  { desc: 'trailing dot host', partition: 'aws', raw: 'https://console.aws.amazon.com./' },
  { desc: 'other partition: aws-cn console from aws', partition: 'aws', raw: 'https://console.amazonaws.cn/' },
  { desc: 'other partition: aws console from aws-us-gov', partition: 'aws-us-gov', raw: 'https://console.aws.amazon.com/' },
  { desc: 'other partition: gov console from aws-cn', partition: 'aws-cn', raw: 'https://console.amazonaws-us-gov.com/' },
  { desc: 'sign-in host is not a console page', partition: 'aws', raw: 'https://signin.aws.amazon.com/federation' },
  { desc: 'not parseable', partition: 'aws', raw: 'https://[console.aws.amazon.com]/' },
  { desc: 'too long', partition: 'aws', raw: 'https://console.aws.amazon.com/' + 'a'.repeat(2048) }
]
for (const row of refused) {
  t.test(`refused: ${row.desc}`, async (t) => {
    // The 400 RO2KEY_DESTINATION_NOT_ALLOWED answer is the console route's (test/handlers/console.test.ts).
    const checked = consoleDestination(row.raw, row.partition)
    t.equal(checked.ok, false, 'refused')
    t.notOk('url' in checked, 'no URL to sign in to')
    const detail = checked.ok ? '' : checked.detail
    t.match(detail, /^destination /, 'says what is wrong with the destination')
    t.match(detail, PARTITION_CONSOLE[row.partition].consoleHost, 'names the allowed host')
    t.match(detail, /: give an https URL on /, 'says what to give instead')
  })
}
