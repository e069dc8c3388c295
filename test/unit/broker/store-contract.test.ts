import { setTimeout as pause } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { DuplicateEmailError, openSqliteStore, type Outbox, type SessionRow, type Store } from '../../../broker/store';
import { openPostgresDatabase } from '../../../broker/store/postgresDatabase';
import { SqlStore } from '../../../broker/store/sqlStore';
import { postgresForBlock, type TestPostgres } from '../../helpers/postgres';
import { tempDirsForBlock } from '../../helpers/tempDirs';

/**
 * What every store does, on SQLite and on PostgreSQL alike: the same tests against both. "Another"
 * store is another connection (or pool) on the same data, as a second broker would have.
 */
interface Backend {
  name: string;
  /** Starts what the backend needs for the file (PostgreSQL: a cluster of its own). */
  setUp(): void;
  /** A store on fresh, empty data, and a way to open more on the same data. */
  open(): Promise<{ store: Store; another(): Promise<Store> }>;
}

const opened: Store[] = [];
const track = (store: Store) => (opened.push(store), store);
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

const sqlite: Backend = (() => {
  let makeDir: () => string;
  return {
    name: 'SQLite',
    setUp() {
      makeDir = tempDirsForBlock('rs-contract-');
    },
    async open() {
      const dir = makeDir();
      return { store: track(openSqliteStore(dir)), another: async () => track(openSqliteStore(dir)) };
    },
  };
})();

const postgres: Backend = (() => {
  let cluster: () => TestPostgres;
  const on = async (url: string) => track(SqlStore.on(await openPostgresDatabase(url, { max: 4 })));
  return {
    name: 'PostgreSQL',
    setUp() {
      cluster = postgresForBlock();
    },
    async open() {
      const url = await cluster().createDatabase();
      return { store: await on(url), another: () => on(url) };
    },
  };
})();

const rep = (id: string, email = `${id}@example.com`) => ({
  id,
  email,
  name: id,
  passwordHash: 'scrypt$x',
  isAdmin: false,
  isAgent: true,
  maxCustomers: 5,
  mode: 'single' as const,
  maxSessions: null,
  createdAt: 1,
  disabledAt: null,
});

const session = (id: string, number = '123456789', createdAt = 1): SessionRow => ({
  id,
  number,
  controllerRepId: 'r',
  status: 'live',
  createdAt,
  endedAt: null,
  linkInviteId: null,
  activeCustomerId: null,
  controlEpoch: 0,
});

const customer = (id: string, sessionId: string, name: string) => ({
  id,
  sessionId,
  role: 'customer' as const,
  name,
  repId: null,
  peerId: `peer-${id}`,
  tokenHash: `hash-${id}`,
  joinedAt: 1,
  leftAt: null,
  leftReason: null,
});

const transfer = (id: string, sessionId: string) => ({
  id,
  sessionId,
  fromRepId: 'r',
  fromParticipantId: 'p',
  queueId: null,
  queueName: null,
  message: '',
  createdAt: 1,
  status: 'pending' as const,
  decidedAt: null,
  decidedByRepId: null,
  position: null,
  waitingLongAt: null,
});

/** A store with rep r and a live session s. */
async function withSession(backend: Backend) {
  const opened = await backend.open();
  await opened.store.insertRep(rep('r'));
  await opened.store.insertSession(session('s'));
  return opened;
}

describe.each([sqlite, postgres])('store contract on $name', (backend) => {
  backend.setUp();

  it('keeps emails unique and changes reps', async () => {
    const { store } = await backend.open();
    expect(await store.hasAdmin()).toBe(false);
    await store.insertRep({ ...rep('a'), isAdmin: true });
    await expect(store.insertRep(rep('b', 'a@example.com'))).rejects.toThrow(DuplicateEmailError);
    await store.updateRep('a', { name: 'Ann', maxSessions: 2 });
    expect(await store.findRepByEmail('a@example.com')).toMatchObject({ id: 'a', name: 'Ann', maxSessions: 2, isAdmin: true });
    expect(await store.hasAdmin()).toBe(true);
  });

  it('rolls a failed transaction back and publishes nothing of it', async () => {
    const { store } = await withSession(backend);
    const heard: Outbox[] = [];
    store.onCommitted((outbox) => heard.push(outbox));
    await expect(
      store.transaction(async (tx) => {
        await tx.insertRep(rep('c'));
        await tx.appendEvent({ sessionId: 's', type: 't', payload: {}, at: 1 });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.findRepById('c')).toBeUndefined();
    expect(await store.lastSeq('s')).toBe(0);
    expect(heard).toEqual([]);
  });

  it('publishes a transaction’s events and audit entries once, after it commits, in order', async () => {
    const { store } = await withSession(backend);
    const heard: Outbox[] = [];
    store.onCommitted((outbox) => heard.push(outbox));
    const audit = { at: 5, actor: 'rep:r', action: 'test', sessionId: 's', detail: { n: 1 } };
    await store.transaction(async (tx) => {
      await tx.appendEvent({ sessionId: 's', type: 'a', payload: { n: 1 }, at: 3 });
      // A nested transaction joins the outer one.
      await tx.transaction(async (inner) => inner.appendEvent({ sessionId: 's', type: 'b', payload: {}, at: 4 }));
      await tx.audit(audit);
      expect(heard).toEqual([]);
    });
    expect(heard).toEqual([
      {
        events: [
          { sessionId: 's', seq: 1, type: 'a', payload: { n: 1 }, at: 3 },
          { sessionId: 's', seq: 2, type: 'b', payload: {}, at: 4 },
        ],
        audit: [audit],
      },
    ]);
    expect(await store.listAudit('s')).toEqual([{ id: expect.any(Number), ...audit }]);
  });

  it('refuses the store itself inside one of its transactions: the handle is the way in', async () => {
    const { store } = await withSession(backend);
    await expect(store.transaction(() => store.findSession('s'))).rejects.toThrow(/use the transaction handle/);
    // And the store works again afterwards.
    expect(await store.findSession('s')).toMatchObject({ id: 's' });
  });

  it('numbers events per session from 1 and never reuses a live session number', async () => {
    const { store } = await withSession(backend);
    await expect(store.insertSession(session('s2'))).rejects.toThrow();
    await store.endSession('s', 2);
    await store.insertSession(session('s2')); // free again once s ended
    expect(await store.appendEvent({ sessionId: 's', type: 't', payload: {}, at: 1 })).toBe(1);
    expect(await store.appendEvent({ sessionId: 's', type: 'u', payload: { a: 1 }, at: 2 })).toBe(2);
    expect(await store.appendEvent({ sessionId: 's2', type: 't', payload: {}, at: 3 })).toBe(1);
    expect(await store.eventsAfter('s', 1)).toEqual([{ sessionId: 's', seq: 2, type: 'u', payload: { a: 1 }, at: 2 }]);
    expect((await store.eventsOfType('s', 't')).map((e) => e.seq)).toEqual([1]);
    expect(await store.lastSeq('s')).toBe(2);
    await expect(store.appendEvent({ sessionId: 'nope', type: 't', payload: {}, at: 1 })).rejects.toThrow();
  });

  it('numbers events gap-free and in commit order with several connections writing at once', async () => {
    const { store, another } = await withSession(backend);
    const writers = [store, await another(), await another()];
    const rounds = 15;
    await Promise.all(
      writers.map(async (writer, w) => {
        for (let i = 0; i < rounds; i++) {
          await writer.transaction(async (tx) => {
            await tx.appendEvent({ sessionId: 's', type: 'first', payload: { w, i }, at: 1 });
            await pause(1); // others get their turn to try meanwhile
            await tx.appendEvent({ sessionId: 's', type: 'second', payload: { w, i }, at: 1 });
          });
        }
      }),
    );
    const events = await store.eventsAfter('s', 0);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: writers.length * rounds * 2 }, (_, i) => i + 1));
    // A transaction's two events are neighbours: nobody else's number fell between them.
    for (let i = 0; i < events.length; i += 2) {
      expect([events[i]!.type, events[i + 1]!.type]).toEqual(['first', 'second']);
      expect(events[i + 1]!.payload).toEqual(events[i]!.payload);
    }
    expect(await store.lastSeq('s')).toBe(events.length);
  });

  it('decides a race with one conditional write: of two accepts at once on two connections, one wins', async () => {
    const { store, another } = await withSession(backend);
    await store.insertRep(rep('a'));
    await store.insertRep(rep('b'));
    await store.acd.insertTransfer(transfer('t', 's'), ['a', 'b']);
    const accept = (writer: Store, repId: string) =>
      writer.transaction(async (tx) => {
        // Read, wait, write: on PostgreSQL both may read it pending (SQLite runs one writer at a time);
        // the conditional write decides.
        await tx.acd.findTransfer('t');
        await pause(5);
        return tx.acd.decideTransfer('t', 'accepted', 2, repId);
      });
    const results = await Promise.all([accept(store, 'a'), accept(await another(), 'b')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const decided = await store.acd.findTransfer('t');
    expect(decided).toMatchObject({ status: 'accepted', decidedByRepId: results[0] ? 'a' : 'b' });
  });

  it('sessions, participants, invites and waits: the queries the session rules ask', async () => {
    const { store } = await withSession(backend);
    const repEntry = (id: string, sessionId: string, role: 'controller' | 'assistant', joinedAt: number) => ({
      ...customer(id, sessionId, 'Rita'),
      role,
      repId: 'r',
      joinedAt,
    });
    await store.insertSession(session('s2', '987654321', 2));
    await store.insertParticipant(repEntry('c', 's', 'controller', 1));
    await store.insertParticipant(repEntry('a', 's2', 'assistant', 2));
    await store.insertParticipant(customer('k', 's', 'Kim'));
    expect((await store.listLiveSessionsOfRep('r')).map((x) => x.id)).toEqual(['s2', 's']);
    expect((await store.listLiveSessionsControlledBy('r')).map((x) => x.id)).toEqual(['s']);
    expect((await store.listSessionIdsOfRep('r')).sort()).toEqual(['s', 's2']);
    expect(await store.countCurrentCustomers('s')).toBe(1);
    expect((await store.listPresentParticipants()).map((p) => p.id).sort()).toEqual(['a', 'c', 'k']);
    expect(await store.findParticipantByPeerId('peer-k')).toMatchObject({ id: 'k', role: 'customer' });
    expect(await store.findParticipantByTokenHash('hash-k')).toMatchObject({ id: 'k' });

    // Control passes to the assistant entry of another rep in s2's place: the epoch counts.
    await store.insertParticipant(repEntry('b', 's', 'assistant', 3));
    expect(await store.passControl('s', 'c', 'b')).toBe(1);
    expect((await store.findParticipant('b'))?.role).toBe('controller');
    expect((await store.findSession('s'))?.controlEpoch).toBe(1);
    await store.setActiveCustomer('s', 'k');
    expect((await store.findSession('s'))?.activeCustomerId).toBe('k');
    expect(await store.markParticipantLeft('k', 5, 'removed')).toBe(true);
    expect(await store.markParticipantLeft('k', 6, 'left')).toBe(false);
    expect(await store.findParticipant('k')).toMatchObject({ leftAt: 5, leftReason: 'removed' });
    expect((await store.findRepParticipants('s', 'r')).map((p) => p.id)).toEqual(['b', 'c']);

    const invite = (id: string, channel: 'link' | 'server', createdAt: number, expiresAt: number) => ({
      id,
      sessionId: 's',
      role: 'customer' as const,
      tokenHash: `invite-${id}`,
      createdByRepId: 'r',
      channel,
      email: null,
      createdAt,
      expiresAt,
      revokedAt: null,
    });
    await store.insertInvite(invite('link', 'link', 1, 2));
    await store.insertInvite(invite('mail', 'server', 1, 100));
    await store.insertInvite(invite('old', 'server', 1, 3));
    expect((await store.listInvites('s')).map((i) => i.id)).toEqual(['old', 'mail', 'link']);
    // The session's own link is revoked whatever its stored expiry; an invite that ran out is not.
    expect((await store.revokeInvites('s', 10)).sort()).toEqual(['link', 'mail']);
    expect((await store.findInviteByTokenHash('invite-mail'))?.revokedAt).toBe(10);

    const wait = (id: string, expiresAt: number) => ({
      id,
      sessionId: 's',
      name: id,
      tokenHash: `wait-${id}`,
      clientAddress: null,
      createdAt: 1,
      expiresAt,
      status: 'waiting' as const,
      decidedAt: null,
      participantId: null,
    });
    await store.insertWait(wait('w1', 50));
    await store.insertWait(wait('w2', 20));
    expect((await store.listWaitingWaits('s', 30)).map((w) => w.id)).toEqual(['w1']);
    expect((await store.listOverdueWaits(30)).map((w) => w.id)).toEqual(['w2']);
    expect(await store.decideWait('w1', 'admitted', 31, 'b')).toBe(true);
    expect(await store.decideWait('w1', 'declined', 32)).toBe(false);
    expect(await store.findWaitByTokenHash('wait-w1')).toMatchObject({ status: 'admitted', participantId: 'b' });

    await store.endSession('s', 40);
    expect(await store.findLiveSessionByNumber('123456789')).toBeUndefined();
    expect(await store.countCurrentCustomers('s')).toBe(0);
    expect((await store.findParticipant('b'))?.leftReason).toBe('ended');
  });

  it('WebACD: queue names unique whatever their case, agents in order, one pending transfer a session, offers closed once', async () => {
    const { store } = await withSession(backend);
    for (const id of ['a', 'b']) await store.insertRep(rep(id));
    await store.acd.insertQueue({ id: 'q', name: 'Billing', routing: 'round-robin', createdAt: 1, cursorRepId: null });
    await expect(
      store.acd.insertQueue({ id: 'q2', name: 'BILLING', routing: 'everybody', createdAt: 1, cursorRepId: null }),
    ).rejects.toThrow();
    expect((await store.acd.findQueueByName('billing'))?.id).toBe('q');
    await store.acd.setQueueAgents('q', ['b', 'a']);
    expect(await store.acd.queueAgentIds('q')).toEqual(['b', 'a']);
    expect(await store.acd.queueIdsOfAgent('a')).toEqual(['q']);

    await store.acd.insertTransfer(transfer('t1', 's'), ['a', 'b']);
    await expect(store.acd.insertTransfer(transfer('t2', 's'), [])).rejects.toThrow();
    expect((await store.acd.findPendingTransferOfSession('s'))?.id).toBe('t1');
    expect((await store.acd.transferTargets('t1')).sort()).toEqual(['a', 'b']);
    for (const repId of ['a', 'b']) {
      await store.acd.insertOffer({
        transferId: 't1',
        repId,
        kind: 'agent',
        offeredAt: 2,
        expiresAt: null,
        status: 'open',
        closedAt: null,
      });
    }
    await expect(
      store.acd.insertOffer({
        transferId: 't1',
        repId: 'a',
        kind: 'agent',
        offeredAt: 3,
        expiresAt: null,
        status: 'open',
        closedAt: null,
      }),
    ).rejects.toThrow();
    expect(await store.acd.closeOffer('t1', 'a', 'declined', 3)).toBe(true);
    expect(await store.acd.closeOffer('t1', 'a', 'declined', 3)).toBe(false);
    expect(await store.acd.closeOpenOffers('t1', 'withdrawn', 4)).toEqual(['b']);
    expect((await store.acd.listOpenOffersOfRep('b')).length).toBe(0);
    await store.acd.setAgentState('a', 'away', 5);
    expect(await store.acd.agentState('a')).toEqual({ state: 'away', since: 5 });
  });

  it('reports sessions with customers counted by name, notes and ratings; renews tokens up to their expiry', async () => {
    const { store } = await withSession(backend);
    await store.insertParticipant(customer('c1', 's', 'Carl'));
    await store.insertParticipant(customer('c2', 's', ' carl '));
    await store.insertParticipant(customer('c3', 's', 'Dora'));
    await store.saveSummary({ sessionId: 's', repId: 'r', notes: 'fixed', ticket: 'T-1', savedAt: 3 });
    await store.saveRating({ sessionId: 's', participantId: 'c1', score: 4, comment: null, ratedAt: 4 });
    await store.saveRating({ sessionId: 's', participantId: 'c1', score: 5, comment: 'great', ratedAt: 5 });
    expect(await store.listReport(0)).toEqual([
      {
        sessionId: 's',
        number: '123456789',
        createdAt: 1,
        endedAt: null,
        repEmail: 'r@example.com',
        customers: 2,
        notes: 'fixed',
        ticket: 'T-1',
        ratings: [{ score: 5, comment: 'great' }],
      },
    ]);

    await store.insertRepToken({ tokenHash: 'h', repId: 'r', createdAt: 10, expiresAt: 100 });
    expect(await store.renewRepToken('h', 20, 50)).toBe(true); // never shortened
    expect((await store.findRepToken('h'))?.token).toMatchObject({ lastUsedAt: 20, expiresAt: 100 });
    expect(await store.renewRepToken('h', 30, 200)).toBe(true);
    expect((await store.findRepToken('h'))?.token.expiresAt).toBe(200);
    expect(await store.revokeRepTokensOfRep('r', 40)).toBe(1);
    expect(await store.renewRepToken('h', 50, 300)).toBe(false);
  });

  it('brings a schema up to date once, however many brokers open it at once', async () => {
    const { store, another } = await backend.open();
    const more = await Promise.all([another(), another()]);
    await more[0]!.insertRep(rep('x'));
    expect(await store.findRepById('x')).toMatchObject({ id: 'x' });
  });
});
