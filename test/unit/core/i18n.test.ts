import { describe, expect, it } from 'vitest';
import { en } from '../../../core/i18n/en';
import { ru } from '../../../core/i18n/ru';
import { pickLocale, setLocale, t, useLocale } from '../../../core/i18n';

describe('i18n', () => {
  it('Russian has every English key and the same placeholders', () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(ru[key]), key).toEqual(names(en[key]));
    }
  });

  it('picks the first supported language, English otherwise', () => {
    expect(pickLocale(['ru-RU', 'en'])).toBe('ru');
    expect(pickLocale(['de-DE', 'fr'])).toBe('en');
  });

  it('fills placeholders as plain text', () => {
    setLocale('en');
    expect(t('connectedWith', { name: '<b>Ann</b>' })).toBe('You are connected with <b>Ann</b>');
  });

  it('loads another language only when asked for it, and falls back to English for one it does not have', async () => {
    setLocale('ru'); // not loaded yet: English
    expect(t('startSession')).toBe('Start session');
    await useLocale('ru');
    expect(t('startSession')).toBe('Начать сеанс');
    await useLocale('de');
    expect(t('startSession')).toBe('Start session');
  });
});
