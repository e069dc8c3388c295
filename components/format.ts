import { getLocale } from '../core/i18n';

// One formatter per language: toLocaleTimeString builds a new Intl.DateTimeFormat on every call, which
// made rendering a long chat cost milliseconds per line (issue 6, chat round trip).
const formats = new Map<string, Intl.DateTimeFormat>();

/** Dates beyond this cannot be shown (formatting them throws); such a time renders as nothing. */
const MAX_TIME = 8.64e15;
const showable = (ms: number) => Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME;

/** "14:05" in the reader's language; empty for a time no clock can show. */
export function formatTime(ms: number): string {
  if (!showable(ms)) return '';
  const locale = getLocale();
  let format = formats.get(locale);
  if (!format) formats.set(locale, (format = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' })));
  return format.format(ms);
}

/** The machine-readable time for <time dateTime>; empty when it cannot be shown. */
export function isoTime(ms: number): string {
  return showable(ms) ? new Date(ms).toISOString() : '';
}
