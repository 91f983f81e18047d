import { CreateRoleCommand, type IAMClient, type Tag } from '@aws-sdk/client-iam'
import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts'

/** Two extra moto accounts besides 123456789012 (moto acts in the account of the assumed role). */
export const PROD = '111111111111'
export const DEV = '222222222222'
export interface Creds { accessKeyId: string, secretAccessKey: string, sessionToken: string }

/** Credentials that act in `account`: moto does not check that the role exists. */
export async function credentialsIn (sts: STSClient, account: string): Promise<Creds> {
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/setup`, RoleSessionName: 'setup' }))
  const c = out.Credentials
  return { accessKeyId: c?.AccessKeyId ?? '', secretAccessKey: c?.SecretAccessKey ?? '', sessionToken: c?.SessionToken ?? '' }
}

/** Creates a role (trusting 123456789012, where ro2key runs) with an optional path and tags. */
export async function createRoleIn (iam: IAMClient, name: string, opts: { path?: string, tags?: Tag[] } = {}): Promise<string> {
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }] }
  const out = await iam.send(new CreateRoleCommand({ RoleName: name, Path: opts.path, Tags: opts.tags, AssumeRolePolicyDocument: JSON.stringify(trust) }))
  return out.Role?.Arn ?? ''
}

/** The account and ARN that credentials from ro2key act as (STS GetCallerIdentity). */
export async function callerOf (sts: STSClient): Promise<{ account: string, arn: string }> {
  const out = await sts.send(new GetCallerIdentityCommand({}))
  return { account: out.Account ?? '', arn: out.Arn ?? '' }
}
