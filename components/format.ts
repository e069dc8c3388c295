import { getLocale } from '../core/i18n';

// One formatter per language: toLocaleTimeString builds a new Intl.DateTimeFormat on every call, which
// made rendering a long chat cost milliseconds per line (issue 6, chat round trip).
const formats = new Map<string, Intl.DateTimeFormat>();

/** "14:05" in the reader's language. */
export function formatTime(ms: number): string {
  const locale = getLocale();
  let format = formats.get(locale);
  if (!format) formats.set(locale, (format = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' })));
  return format.format(ms);
}
