import { getLocale } from '../core/i18n';

/** "14:05" in the reader's language. */
export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(getLocale(), { hour: '2-digit', minute: '2-digit' });
}
