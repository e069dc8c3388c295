import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../../broker/admin';
import { csvField } from '../../../broker/report';
import type { Self } from '../../../core/protocol';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { call, expectError, joinByLink, startSessionAs } from './support';

// After the end (issue 17): the controller's notes and ticket, customers' ratings, and the CSV report.
let broker: TestBroker;
let token: string;
let repEmail: string;
const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(broker.url, method, path, options);

beforeAll(async () => {
  broker = await startBroker();
  const rep = await broker.addRep({ name: 'Rita Rep' });
  repEmail = rep.email;
  token = await broker.login(rep.email, rep.password);
});
afterAll(() => broker.close());

async function report(since: string): Promise<{ code: number; lines: string[]; err: string }> {
  const lines: string[] = [];
  let err = '';
  const code = await runAdmin(['report', '--since', since], {
    env: { ...process.env, DATA_DIR: broker.dataDir },
    stdin: Readable.from(['']),
    out: (line) => lines.push(line),
    err: (line) => (err += line),
  });
  return { code, lines, err };
}

/** A session with two customers: `self` of each, and its id. */
async function sessionWithCustomers() {
  const { session } = await startSessionAs(broker.url, token);
  const ann: Self = await joinByLink(broker.url, session.joinUrl!, 'Ann');
  const bob: Self = await joinByLink(broker.url, session.joinUrl!, 'Bob');
  return { session, ann, bob };
}

describe('notes and ratings', () => {
  it('only once the session has ended; only its controller writes notes, only its customers rate', async () => {
    const { session, ann, bob } = await sessionWithCustomers();
    const notes = { notes: 'Reinstalled the printer driver.', ticket: 'HD-4711' };
    expectError(await api('POST', `/api/sessions/${session.id}/summary`, { token, body: notes }), 409, 'conflict');
    expectError(
      await api('POST', `/api/sessions/${session.id}/rating`, { token: ann.peerToken, body: { score: 5 } }),
      409,
      'conflict',
    );
    expect((await api('POST', `/api/sessions/${session.id}/end`, { token })).status).toBe(200);

    expect((await api('POST', `/api/sessions/${session.id}/summary`, { token, body: notes })).status).toBe(200);
    expect(
      (await api('POST', `/api/sessions/${session.id}/summary`, { token, body: { ...notes, notes: 'Fixed.' } })).status,
    ).toBe(200);
    expect(
      (
        await api('POST', `/api/sessions/${session.id}/rating`, {
          token: ann.peerToken,
          body: { score: 4, comment: 'Quick, thanks' },
        })
      ).status,
    ).toBe(200);
    expect((await api('POST', `/api/sessions/${session.id}/rating`, { token: bob.peerToken, body: { score: 2 } })).status).toBe(
      200,
    );

    // A customer may not write notes (rep route), a rep may not rate, a stranger rep learns nothing.
    expectError(
      await api('POST', `/api/sessions/${session.id}/summary`, { token: ann.peerToken, body: notes }),
      401,
      'unauthorized',
    );
    expectError(await api('POST', `/api/sessions/${session.id}/rating`, { token, body: { score: 5 } }), 403, 'forbidden');
    const other = await broker.addRep({ name: 'Other' });
    const otherToken = await broker.login(other.email, other.password);
    expectError(await api('POST', `/api/sessions/${session.id}/summary`, { token: otherToken, body: notes }), 403, 'forbidden');
    // A customer of another session cannot rate this one.
    const elsewhere = await sessionWithCustomers();
    expectError(
      await api('POST', `/api/sessions/${session.id}/rating`, { token: elsewhere.ann.peerToken, body: { score: 1 } }),
      403,
      'forbidden',
    );

    const { code, lines, err } = await report('2000-01-01');
    expect({ code, err }).toEqual({ code: 0, err: '' });
    // An id may start with '-' (base64url, 1 in 64): the report defuses it for spreadsheets as '-….
    const line = lines.find((l) => l.startsWith(`${csvField(session.id)},`))!;
    expect(line).toContain(`,${session.number},`);
    // Two customers, two ratings averaging 3, the comment quoted (it has a comma), the ticket, the newest notes.
    expect(line).toContain(`,${repEmail},2,2,3,"Quick, thanks",HD-4711,Fixed.`);
    expect(line).toMatch(/^[^,]+,\d{9},[^,]+Z,[^,]+Z,\d+,/);
  });

  it('refuses malformed and oversized bodies', async () => {
    const { session, ann } = await sessionWithCustomers();
    await api('POST', `/api/sessions/${session.id}/end`, { token });
    const rate = (body: unknown) => api('POST', `/api/sessions/${session.id}/rating`, { token: ann.peerToken, body });
    for (const body of [
      { score: 0 },
      { score: 6 },
      { score: 4.5 },
      { score: '5' },
      {},
      { score: 5, comment: 'x'.repeat(1001) },
    ]) {
      expectError(await rate(body), 400, 'bad_request');
    }
    const summary = (body: unknown) => api('POST', `/api/sessions/${session.id}/summary`, { token, body });
    expectError(await summary({ notes: 'x'.repeat(4001) }), 400, 'bad_request');
    expectError(await summary({ notes: 'ok', ticket: 'x'.repeat(101) }), 400, 'bad_request');
    expectError(await summary({ ticket: 'T-1' }), 400, 'bad_request');
  });
});

describe('npm run admin -- report', () => {
  it('prints CSV with a header, durations of ended sessions, and nothing older than --since', async () => {
    const { lines } = await report('2000-01-01');
    expect(lines[0]).toBe(
      'session_id,number,started_at,ended_at,duration_seconds,rep,customers,ratings,average_rating,rating_comments,ticket,notes',
    );
    expect((await report('2999-01-01')).lines).toHaveLength(1);
    const bad = await report('someday');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('report needs --since');
  });

  it('quotes what must be quoted and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, "b"\nc')).toBe('"a, ""b""\nc"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(null)).toBe('');
    expect(csvField(-3)).toBe('-3');
  });
});
