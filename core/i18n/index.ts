import { en, type Catalog, type MessageKey } from './en';

export type { MessageKey } from './en';

/**
 * English is built in; other languages are fetched when a reader needs them, so the customer's join page
 * does not carry a catalog most of its readers never see.
 */
const loaders: Record<string, () => Promise<Catalog>> = {
  ru: () => import('./ru').then((m) => m.ru),
};
const catalogs: Record<string, Catalog> = { en };

/** Every language there is a catalog for. */
export const LOCALES: readonly string[] = ['en', ...Object.keys(loaders)];

/** Picks the first supported language from the browser's preference list; English otherwise. */
export function pickLocale(preferred: readonly string[]): string {
  for (const tag of preferred) {
    const lang = tag.toLowerCase().split('-')[0] ?? '';
    if (LOCALES.includes(lang)) return lang;
  }
  return 'en';
}

let current: Catalog = en;
let currentLocale = 'en';

/** Switches to a language whose catalog is here (see `useLocale`); English otherwise. */
export function setLocale(locale: string): void {
  const catalog = catalogs[locale];
  currentLocale = catalog ? locale : 'en';
  current = catalog ?? en;
}

/** Loads a language's catalog (once) and switches to it; English if it is not ours or cannot be loaded. */
export async function useLocale(locale: string): Promise<void> {
  const load = loaders[locale];
  if (!catalogs[locale] && load) {
    try {
      catalogs[locale] = await load();
    } catch {
      // Offline or a failed chunk: English beats nothing.
    }
  }
  setLocale(locale);
}

/** The reader's language, loaded: pages await this before they render. */
export function loadPreferredLocale(): Promise<void> {
  const preferred = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  return useLocale(pickLocale(preferred));
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
