import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A loopback pass-through to moto that counts the AWS query API actions it forwards (`Action=…`). */
export interface CountingProxy {
  url: string
  /** action -> calls forwarded so far, e.g. calls.RemoveUserFromGroup */
  calls: Record<string, number>
  stop (): Promise<void>
}

/** Forwards every request to `target` unchanged (SigV4 signs the host moto sees, the proxy's; moto does not check). */
export async function startCountingProxy (target: string): Promise<CountingProxy> {
  const upstream = new URL(target)
  const calls: Record<string, number> = {}
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const action = new URLSearchParams(body.toString('utf8')).get('Action') ??
        new URL(req.url ?? '/', target).searchParams.get('Action')
      if (action) calls[action] = (calls[action] ?? 0) + 1
      const out = request({
        host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers
      }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      out.on('error', () => { res.writeHead(502); res.end() })
      out.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    async stop () {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}
