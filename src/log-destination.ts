import pino, { type Logger } from 'pino'

/** Where the lines finally go: a synchronous write of whole lines. */
export interface LineSink { write (data: string): unknown }

export interface GroupCommitDestination extends LineSink {
  /** resolves once every line written so far has reached the sink; undefined when nothing waits */
  written (): Promise<void> | undefined
  flushSync (): void
  flush (cb?: () => void): void
}

export interface GroupCommitOptions {
  /** written to synchronously (EAGAIN retried); default: stdout, fd 1 */
  sink?: LineSink
  /** buffered bytes that force a write at once */
  maxBufferedBytes?: number
}

const DEFAULT_MAX_BUFFERED = 64 * 1024
/** error (50) and fatal (60) are written at once: pino puts the level first. */
const ERROR_PREFIX = /^\{"level":[56]\d,/

/** Every destination's flush, run once when the process exits (also after an uncaught exception). */
const atExit = new Set<() => void>()
let exitHooked = false
function flushAtExit (flush: () => void): void {
  atExit.add(flush)
  if (exitHooked) return
  exitHooked = true
  process.on('exit', () => { for (const f of atExit) f() })
}

/**
 * A pino destination with group commit: lines wait at most one event-loop turn, then all of
 * them go out in one synchronous write(2). Paired with logWritten() in an onSend hook, no
 * response leaves before the lines logged for it are written, so the audit line of credentials
 * a client received survives any crash, while N concurrent requests share one write instead
 * of three writes each. Error lines are written at once.
 */
export function groupCommitDestination (opts: GroupCommitOptions = {}): GroupCommitDestination {
  const sink = opts.sink ?? pino.destination({ dest: 1, sync: true })
  const max = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED
  let pending = ''
  let scheduled = false
  let waiting: Promise<void> | undefined
  let release: (() => void) | undefined

  function flushSync (): void {
    scheduled = false
    const data = pending
    const done = release
    pending = ''
    waiting = release = undefined
    // Waiting responses go on even if the write throws: a broken stdout must not hang them.
    try {
      if (data !== '') sink.write(data)
    } finally {
      done?.()
    }
  }
  flushAtExit(flushSync)

  return {
    write (line: string) {
      pending += line
      if (pending.length >= max || ERROR_PREFIX.test(line)) flushSync()
      else if (!scheduled) {
        scheduled = true
        setImmediate(flushSync)
      }
      return true
    },
    written () {
      if (pending === '') return undefined
      waiting ??= new Promise((resolve) => { release = resolve })
      return waiting
    },
    flushSync,
    flush (cb) { flushSync(); cb?.() }
  }
}

/**
 * Resolves once the logger's lines so far are written; undefined when its destination has
 * nothing pending (or does not batch).
 */
export function logWritten (log: Pick<Logger, 'level'>): Promise<void> | undefined {
  const stream = (log as unknown as Record<symbol, Partial<GroupCommitDestination> | undefined>)[pino.symbols.streamSym]
  return typeof stream?.written === 'function' ? stream.written() : undefined
}
