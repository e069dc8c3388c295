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

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/** "12.5 MB" in the reader's language (decimal units, as file managers show them). */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return new Intl.NumberFormat(getLocale(), {
    style: 'unit',
    unit: UNITS[unit],
    unitDisplay: 'short',
    maximumFractionDigits: unit === 0 || value >= 100 ? 0 : 1,
  }).format(value);
}

/** "2 min 5 s" / "40 s": a short duration in the reader's language. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const number = (value: number, unit: 'hour' | 'minute' | 'second') =>
    new Intl.NumberFormat(getLocale(), { style: 'unit', unit, unitDisplay: 'narrow' }).format(value);
  if (s < 60) return number(s, 'second');
  if (s < 3600) return `${number(Math.floor(s / 60), 'minute')} ${number(s % 60, 'second')}`;
  return `${number(Math.floor(s / 3600), 'hour')} ${number(Math.floor((s % 3600) / 60), 'minute')}`;
}
