import type { Logger } from './log';
import type { AuditEntry, Store } from './store';

/**
 * What an operator sees after the start banner (issue 17): one line per sign-in, session start and end,
 * and other audited action, taken from the audit log as it is written. The audit log never holds
 * tokens, passwords or message content, so neither do these lines.
 */
export function describeAudit(entry: AuditEntry): { level: 'info' | 'warn'; line: string } {
  const who = entry.actor;
  const detail = (entry.detail ?? {}) as Record<string, unknown>;
  const session = entry.sessionId ? ` session ${entry.sessionId}` : '';
  switch (entry.action) {
    case 'login':
      return { level: 'info', line: `Sign-in: ${who}` };
    case 'logout':
      return { level: 'info', line: `Sign-out: ${who}` };
    case 'login-failed':
      return { level: 'warn', line: `Sign-in failed (wrong email or password): ${who}` };
    case 'login-refused':
      return { level: 'warn', line: `Sign-in refused (${String(detail.limit)}): ${who}` };
    case 'session-create':
      return { level: 'info', line: `Session started:${session} number ${String(detail.number)} by ${who}` };
    case 'end':
      return { level: 'info', line: `Session ended:${session} by ${who}` };
    default: {
      const extra = Object.entries(detail)
        .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
        .join(' ');
      return { level: 'info', line: `${entry.action}:${session} by ${who}${extra ? ` (${extra})` : ''}` };
    }
  }
}

/** Every audit entry, once committed, also told to the log. */
export function loggingAudit(store: Store, log: Logger): Store {
  store.onCommitted(({ audit }) => {
    for (const entry of audit) {
      const { level, line } = describeAudit(entry);
      log[level](line);
    }
  });
  return store;
}
