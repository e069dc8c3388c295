import { en, type Catalog, type MessageKey } from './en';
import { ru } from './ru';

export type { MessageKey } from './en';

const catalogs: Record<string, Catalog> = { en, ru };

/** Picks the first supported language from the browser's preference list; English otherwise. */
export function pickLocale(preferred: readonly string[]): string {
  for (const tag of preferred) {
    const lang = tag.toLowerCase().split('-')[0] ?? '';
    if (lang in catalogs) return lang;
  }
  return 'en';
}

let current: Catalog = en;
let currentLocale = 'en';

export function setLocale(locale: string): void {
  currentLocale = locale in catalogs ? locale : 'en';
  current = catalogs[currentLocale] ?? en;
}

export function getLocale(): string {
  return currentLocale;
}

/** Translates `key`, filling `{name}` placeholders from `params`. Output is plain text, never HTML. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const template = current[key] ?? en[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

if (typeof navigator !== 'undefined') setLocale(pickLocale(navigator.languages ?? [navigator.language]));
