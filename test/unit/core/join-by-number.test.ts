import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createBrokerClient } from '../../../core/broker/client';
import { createMemoryChatStore } from '../../../core/chat/types';
import { createMemoryNetwork } from '../../../core/mesh/memory-transport';
import { createJoinModel, type JoinModel } from '../../../core/session/join-model';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { memoryWebStorage } from '../../helpers/storage';

// The join page's model needs a global WebSocket for the events socket once admitted.
globalThis.WebSocket ??= WebSocket as unknown as typeof globalThis.WebSocket;

describe('join page: joining by number', () => {
  let broker: TestBroker;
  let rep: ReturnType<typeof createBrokerClient>;
  let session: { id: string; number: string };
  let models: JoinModel[];

  beforeEach(async () => {
    broker = await startBroker();
    const account = await broker.addRep({ name: 'Rita' });
    const token = await broker.login(account.email, account.password);
    rep = createBrokerClient({ baseUrl: broker.url, getToken: () => token });
    session = (await rep.createSession()).session;
    models = [];
  });
  afterEach(async () => {
    for (const m of models) if (m.phase.value.name === 'in-session') m.phase.value.runtime.dispose();
    await broker.close();
  });

  function page(storage = memoryWebStorage()) {
    const network = createMemoryNetwork();
    const model = createJoinModel({
      brokerUrl: broker.url,
      invite: undefined,
      storage,
      chatStore: createMemoryChatStore(),
      createTransport: (self) => network.join(self.peerId),
      media: {},
    });
    models.push(model);
    return { model, storage };
  }

  const until = async (check: () => boolean) => {
    while (!check()) await new Promise((r) => setTimeout(r, 10));
  };
  const knockId = async () => {
    for (;;) {
      const knocks = (await rep.getSession(session.id)).knocks ?? [];
      if (knocks[0]) return knocks[0].waitId;
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('asks for the number, waits, and enters once admitted; a reload keeps the same place', async () => {
    const { model, storage } = page();
    await model.load();
    expect(model.phase.value.name).toBe('ask-number');
    const joining = model.joinByNumber({ number: session.number.replace(/(\d{3})/g, '$1 '), name: 'Dana' });
    await until(() => model.phase.value.name === 'waiting');
    await rep.admit(session.id, await knockId());
    await joining;
    expect(model.phase.value.name).toBe('in-session');
    const first = model.phase.value.name === 'in-session' ? model.phase.value.runtime.self.participantId : '';

    const reloaded = page(storage).model;
    await reloaded.load();
    expect(reloaded.phase.value.name === 'in-session' && reloaded.phase.value.runtime.self.participantId).toBe(first);
  });

  it('says so when declined, and when the number is wrong', async () => {
    const { model } = page();
    await model.load();
    const joining = model.joinByNumber({ number: session.number, name: 'Eve' });
    await until(() => model.phase.value.name === 'waiting');
    await rep.decline(session.id, await knockId());
    await joining;
    expect(model.phase.value.name).toBe('declined');

    const other = page().model;
    await other.load();
    await other.joinByNumber({ number: session.number === '123456789' ? '987654321' : '123456789', name: 'Fay' });
    expect(other.phase.value).toEqual({ name: 'ask-number', error: expect.stringContaining('no session with this number') });
  });

  it('cancelling stops the wait on both sides', async () => {
    const { model, storage } = page();
    await model.load();
    const joining = model.joinByNumber({ number: session.number, name: 'Gus' });
    await until(() => model.phase.value.name === 'waiting');
    await knockId();
    await model.cancelWait();
    await joining;
    expect(model.phase.value.name).toBe('ask-number');
    expect(storage.getItem('rs.wait')).toBeNull();
    expect((await rep.getSession(session.id)).knocks ?? []).toEqual([]);
  });
});
