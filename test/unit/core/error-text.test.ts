import { afterEach, describe, expect, it } from 'vitest';
import { errorText } from '../../../core/broker/error-text';
import { BrokerError } from '../../../core/broker/errors';
import { setLocale, useLocale } from '../../../core/i18n';

const refused = (code: ConstructorParameters<typeof BrokerError>[1], message = 'the broker said so', retry?: number) =>
  new BrokerError(409, code, message, retry);

afterEach(() => setLocale('en'));

describe('errorText: a failure in the words of whoever reads it', () => {
  it('a wrong number reads differently for a rep assisting and a customer joining', () => {
    const error = refused(
      'not_found',
      'There is no session with this number right now. Check the number with your representative.',
    );
    expect(errorText(error, { audience: 'rep', action: 'assist-by-number' })).toBe(
      'No live session has this number. Check it with the colleague who gave it to you.',
    );
    expect(errorText(error, { audience: 'customer', action: 'join-by-number' })).toContain(
      'Check the number with your representative',
    );
  });

  it('is in the reader’s language, the broker’s English never shows for a known code', async () => {
    await useLocale('ru');
    expect(errorText(refused('session_full'), { audience: 'customer', action: 'join' })).toBe(
      'Специалист уже помогает максимальному числу клиентов. Попробуйте снова через несколько минут.',
    );
    expect(errorText(refused('unauthorized'), { audience: 'rep', action: 'sign-in' })).toBe('Неверная эл. почта или пароль.');
    expect(errorText(new BrokerError(0, 'network', 'Cannot reach the broker at x'), { audience: 'customer' })).toMatch(
      /^Не удаётся/,
    );
  });

  it('WebACD: a lost offer, a full agent and a transfer race each read as what happened', () => {
    const taken = new BrokerError(409, 'conflict', 'Bob took this session first');
    expect(errorText(taken, { audience: 'rep', action: 'take-offer' })).toBe(
      'This session is no longer offered to you: another agent took it, or the transfer was called back.',
    );
    expect(errorText(new BrokerError(409, 'single_session', 'x'), { audience: 'rep', action: 'take-offer' })).toContain(
      'as many sessions as you may take',
    );
    expect(errorText(taken, { audience: 'rep', action: 'transfer' })).toContain('being transferred already');
  });

  it('says when to try again after a rate limit, from Retry-After', () => {
    expect(errorText(refused('rate_limited', 'x', 40), { audience: 'rep' })).toBe('Too many attempts. Try again in 40 s.');
    expect(errorText(refused('rate_limited', 'x', 600), { audience: 'customer' })).toBe(
      'Too many attempts. Try again in 10 min.',
    );
    expect(errorText(refused('rate_limited'), { audience: 'customer' })).toBe('Too many attempts. Try again in a minute.');
    expect(errorText(refused('rate_limited', 'x', 30), { audience: 'customer', action: 'join-by-number' })).toBe(
      'Too many attempts to join from your network. Try again in 30 s.',
    );
    expect(errorText(refused('rate_limited', 'x', 30), { audience: 'rep', action: 'sign-in' })).toBe(
      'Too many sign-in attempts. Try again in 30 s.',
    );
  });

  it('names the broker address to a rep who cannot reach it; keeps a specific message it has no words for', () => {
    expect(errorText(new BrokerError(0, 'network', 'x'), { audience: 'rep', brokerUrl: 'http://127.0.0.1:9000' })).toBe(
      'Cannot reach the broker at http://127.0.0.1:9000. Check the address and that it is running.',
    );
    expect(errorText(refused('conflict', 'Pass control first'), { audience: 'rep' })).toBe('Pass control first');
    expect(errorText(new Error('plain'), { audience: 'rep' })).toBe('plain');
  });

  it('reads Retry-After from the answer', async () => {
    const response = new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'slow down' } }), {
      status: 429,
      headers: { 'Retry-After': '30' },
    });
    expect((await BrokerError.fromResponse(response)).retryAfterSeconds).toBe(30);
  });
});
