import { afterEach, expect, it } from 'vitest';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { call } from './support';

// Behind a reverse proxy (several brokers behind one address, docs/deploy.md) every socket is the
// proxy's: TRUST_PROXY names it, and per-address limits count the client X-Forwarded-For names.
let broker: TestBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

const knockFrom = (url: string, client: string) =>
  call(url, 'POST', '/api/join-by-number', {
    body: { number: '987654321', name: 'Kim' },
    headers: { 'x-forwarded-for': client },
  });

it('counts per-address limits by the forwarded client address when TRUST_PROXY names the proxy', async () => {
  broker = await startBroker({ env: { TRUST_PROXY: 'loopback', JOIN_BY_NUMBER_LIMIT: '1' } });
  expect((await knockFrom(broker.url, '203.0.113.5')).status).toBe(404);
  expect((await knockFrom(broker.url, '203.0.113.5')).status).toBe(429);
  expect((await knockFrom(broker.url, '198.51.100.7')).status).toBe(404);
});

it('ignores X-Forwarded-For from anyone not named by TRUST_PROXY', async () => {
  broker = await startBroker({ env: { JOIN_BY_NUMBER_LIMIT: '1' } });
  expect((await knockFrom(broker.url, '203.0.113.5')).status).toBe(404);
  expect((await knockFrom(broker.url, '198.51.100.7')).status).toBe(429);
});
