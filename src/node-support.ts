/** The Node.js major ro2key recommends (the current LTS); older ones run but are past end of life or soon. */
export const RECOMMENDED_NODE_MAJOR = 22

/** The AWS SDK's own switch for its multi-line Node version warning on stderr. */
const SDK_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'

/**
 * On a Node.js older than the recommended LTS: turns off the AWS SDK's 8-line stderr warning
 * (it must run before the first AWS client is built) and returns one line for ro2key's own
 * log instead, so the start-up output stays JSON. Returns undefined on a recommended Node.
 */
export function nodeSupportNotice (version: string, env: NodeJS.ProcessEnv): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1])
  if (!(major < RECOMMENDED_NODE_MAJOR)) return undefined
  env[SDK_WARNING_SWITCH] ??= 'true'
  return `Node.js ${version} runs ro2key, but AWS SDK releases after January 2027 need Node.js >= ` +
    `${RECOMMENDED_NODE_MAJOR}: use Node.js ${RECOMMENDED_NODE_MAJOR} LTS or newer`
}
