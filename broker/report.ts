import type { ReportRow } from './store';

const COLUMNS = [
  'session_id',
  'number',
  'started_at',
  'ended_at',
  'duration_seconds',
  'rep',
  'customers',
  'ratings',
  'average_rating',
  'rating_comments',
  'ticket',
  'notes',
] as const;

/** One CSV field (RFC 4180): quoted when it must be; a leading =, +, - or @ is defused for spreadsheets. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * `npm run admin -- report --since D`: sessions as CSV, one a line, with how long they lasted, their
 * ratings and the rep's notes. Durations of sessions still live are empty.
 */
export function reportCsv(rows: readonly ReportRow[]): string {
  const lines = rows.map((row) => {
    const scores = row.ratings.map((r) => r.score);
    const average = scores.length ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100 : null;
    const comments = row.ratings.flatMap((r) => (r.comment ? [r.comment] : [])).join(' | ');
    return [
      row.sessionId,
      row.number,
      iso(row.createdAt),
      iso(row.endedAt),
      row.endedAt === null ? null : Math.round((row.endedAt - row.createdAt) / 1000),
      row.repEmail,
      row.customers,
      scores.length,
      average,
      comments || null,
      row.ticket,
      row.notes,
    ]
      .map(csvField)
      .join(',');
  });
  return [COLUMNS.join(','), ...lines].join('\n') + '\n';
}
