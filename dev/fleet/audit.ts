import type { LogLine } from './replica.js'

/** Audit lines of one event across the fleet's logs, optionally for one grant. */
export function auditLines (logs: LogLine[], event: string, grant?: string): LogLine[] {
  return logs.filter((l) => l.line.audit?.event === event && (grant === undefined || l.line.audit?.grant === grant))
}

export interface AuditMatch {
  /** responses whose request id has no `issued` line */
  missing: string[]
  /** responses whose request id has more than one `issued` line */
  duplicated: string[]
  /** `issued` lines (of the given uids) whose request id no response carried: answers the client never got */
  unanswered: number
}

/** Matches the X-Request-Id of every 2xx response against the replicas' `issued` audit lines. */
export function matchAudit (logs: LogLine[], requestIds: string[], uids: string[]): AuditMatch {
  const issued = new Map<string, number>()
  for (const l of auditLines(logs, 'issued')) {
    if (!uids.includes(l.line.audit.uid)) continue
    issued.set(l.line.reqId, (issued.get(l.line.reqId) ?? 0) + 1)
  }
  const answered = new Set(requestIds)
  return {
    missing: requestIds.filter((id) => !issued.has(id)),
    duplicated: requestIds.filter((id) => (issued.get(id) ?? 0) > 1),
    unanswered: [...issued.keys()].filter((id) => !answered.has(id)).length
  }
}
