import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createMemoryChatStore } from '../../../core/chat/types';
import { createSettings } from '../../../core/extension/settings';
import { createMemoryNetwork } from '../../../core/mesh/memory-transport';
import { createRepModel, type RepModel } from '../../../core/session/rep-model';
import { createSerialQueue } from '../../../core/serial';
import { SupportDb } from '../../../core/storage/db';
import { startBroker, type TestBroker, type TestRep } from '../../helpers/broker';
import { memoryExtensionStorage } from '../../helpers/storage';

let broker: TestBroker;
let rep: TestRep;
let transports: string[];
let models: RepModel[] = [];

beforeEach(async () => {
  broker = await startBroker();
  rep = await broker.addRep({ name: 'Rita' });
  transports = [];
});
afterEach(async () => {
  models.forEach((m) => m.runtime.value?.dispose());
  models = [];
  await broker.close();
});

function panel(
  storage = memoryExtensionStorage(),
  db = new SupportDb(`db-${Math.random()}`, { indexedDB: new IDBFactory(), IDBKeyRange }),
) {
  const network = createMemoryNetwork();
  const model = createRepModel({
    settings: createSettings(storage),
    db,
    chatStore: createMemoryChatStore(),
    createTransport: (_url, self) => (transports.push(self.peerId), network.join(self.peerId)),
    media: {},
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    reconnectPolicy: () => 20,
  });
  models.push(model);
  return { model, storage, db };
}

/** Polls a condition the model reaches on its own (timers, sockets). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

describe('serial queue', () => {
  it('runs tasks one at a time, in order, past failures', async () => {
    const run = createSerialQueue();
    const log: string[] = [];
    const task =
      (name: string, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
      };
    await Promise.allSettled([run(task('a')), run(task('b', true)), run(task('c'))]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});

describe('rep model', () => {
  it('signs in and starts one session, even with its own sign-in echoing back from storage meanwhile', async () => {
    const { model } = panel();
    await model.load();
    expect(model.phase.value).toBe('signed-out');
    const signingIn = model.signIn(broker.url, rep.email, rep.password);
    const starting = model.startSession(); // clicked the moment the button appears
    await Promise.all([signingIn, starting]);
    await new Promise((r) => setTimeout(r, 20)); // let the storage echo run
    expect(model.error.value).toBeUndefined();
    expect(model.phase.value).toBe('in-session');
    expect(transports).toHaveLength(1); // exactly one runtime ever joined the mesh
  });

  it('a reopened panel resumes the live session from the broker, link included', async () => {
    const first = panel();
    await first.model.signIn(broker.url, rep.email, rep.password);
    await first.model.startSession();
    const { session } = first.model.runtime.value!;
    first.model.runtime.value!.dispose();

    const reopened = panel(first.storage, first.db);
    await reopened.model.load();
    expect(reopened.model.phase.value).toBe('in-session');
    expect(reopened.model.runtime.value!.session.value).toMatchObject({ id: session.value.id, number: session.value.number });
    expect(reopened.model.runtime.value!.session.value.joinUrl).toBe(session.value.joinUrl);
  });

  it('a panel opened while the broker is down says so, keeps trying, and resumes the session once it is back', async () => {
    const first = panel();
    await first.model.signIn(broker.url, rep.email, rep.password);
    await first.model.startSession();
    const sessionId = first.model.runtime.value!.sessionId;
    first.model.runtime.value!.dispose();

    const url = broker.url;
    await broker.stop();
    const reopened = panel(first.storage, first.db);
    await reopened.model.load();
    expect(reopened.model.phase.value).toBe('loading'); // not the start screen: the session is not gone
    expect(reopened.model.error.value).toBe(`Cannot reach the broker at ${url}. Trying again…`);
    await broker.start();
    await until(() => reopened.model.phase.value === 'in-session' && reopened.model.error.value === undefined);
    expect(reopened.model.runtime.value!.sessionId).toBe(sessionId);
  });

  it('says why a sign-in failed and stays signed out', async () => {
    const { model } = panel();
    await model.load();
    await model.signIn(broker.url, rep.email, 'wrong password');
    expect(model.phase.value).toBe('signed-out');
    expect(model.error.value).toBe('Email or password is incorrect.');
  });

  it('joins as assistant from a session number the popup left for it, and resumes that session after a reload', async () => {
    const controller = panel();
    await controller.model.signIn(broker.url, rep.email, rep.password);
    await controller.model.startSession();
    const { number } = controller.model.runtime.value!.session.value;

    const colleague = await broker.addRep({ name: 'Alex' });
    const assistant = panel();
    await assistant.model.signIn(broker.url, colleague.email, colleague.password);
    await createSettings(assistant.storage).setPendingAssist({ kind: 'number', number });
    while (assistant.model.runtime.value?.self.role !== 'assistant') await new Promise((r) => setTimeout(r, 10));
    expect(assistant.model.runtime.value.session.value.number).toBe(number);
    expect(await createSettings(assistant.storage).pendingAssist()).toBeUndefined();
    while (!(await createSettings(assistant.storage).currentSession())) await new Promise((r) => setTimeout(r, 10));
    expect(await createSettings(assistant.storage).currentSession()).toMatchObject({ number, role: 'assistant' });
    assistant.model.runtime.value.dispose();

    const reopened = panel(assistant.storage, assistant.db);
    await reopened.model.load();
    expect(reopened.model.runtime.value?.self.role).toBe('assistant');
  });

  it('says why an assist failed', async () => {
    const { model, storage } = panel();
    await model.signIn(broker.url, rep.email, rep.password);
    await createSettings(storage).setPendingAssist({ kind: 'number', number: '100000000' });
    while (!model.error.value) await new Promise((r) => setTimeout(r, 10));
    expect(model.error.value).toBe('No live session has this number. Check it with the colleague who gave it to you.');
    expect(model.phase.value).toBe('idle');
  });

  it('a session started with "Email" checked asks for its invitation once, and only that session', async () => {
    const { model } = panel();
    await model.signIn(broker.url, rep.email, rep.password);
    model.setEmailOnStart(true);
    await model.startSession();
    const { sessionId } = model.runtime.value!;
    expect(model.takeInviteOnFirstShow('some-other-session')).toBe(false);
    expect(model.takeInviteOnFirstShow(sessionId)).toBe(true);
    expect(model.takeInviteOnFirstShow(sessionId)).toBe(false); // a tab switch or re-render does not reopen it
  });

  it('signing out with live sessions ends the ones the rep controls and leaves the ones they assist in', async () => {
    const controller = panel();
    await controller.model.signIn(broker.url, rep.email, rep.password);
    await controller.model.startSession();
    const controlled = controller.model.runtime.value!;
    const colleague = await broker.addRep({ name: 'Alex' });
    const other = panel();
    await other.model.signIn(broker.url, colleague.email, colleague.password);
    await other.model.startSession();
    await createSettings(controller.storage).setPendingAssist({
      kind: 'number',
      number: other.model.runtime.value!.session.value.number,
    });
    while (controller.model.sessions.value.length < 2) await new Promise((r) => setTimeout(r, 10));
    expect(controller.model.liveSessions.value).toHaveLength(2);

    await controller.model.signOut();
    expect(controller.model.phase.value).toBe('signed-out');
    expect((await broker.store.findSession(controlled.sessionId))?.status).toBe('ended');
    const assisted = (await broker.store.findSession(other.model.runtime.value!.sessionId))!;
    expect(assisted.status).toBe('live');
    expect((await broker.store.listParticipants(assisted.id)).find((p) => p.name === 'Rita')?.leftReason).toBe('left');
  });

  it('a sign-in that ends on the broker (expired, revoked) signs the panel out and says so; sessions stay live', async () => {
    const { model } = panel();
    await model.signIn(broker.url, rep.email, rep.password);
    await model.startSession();
    const { sessionId } = model.runtime.value!;
    model.runtime.value!.dispose();
    await broker.store.revokeRepTokensOfRep(rep.id, Date.now());
    await model.load();
    expect(model.phase.value).toBe('signed-out');
    expect(model.error.value).toMatch(/sign-in has ended/);
    expect((await broker.store.findSession(sessionId))?.status).toBe('live');
  });

  it('a sign-in revoked while the panel is open (an admin’s revoke-tokens) signs it out at once and says why', async () => {
    await broker.close();
    broker = await startBroker({ credentialSweepIntervalMs: 50 });
    rep = await broker.addRep({ name: 'Rita' });
    const { model } = panel();
    await model.signIn(broker.url, rep.email, rep.password);
    await model.startSession();
    while (model.runtime.value?.status.value !== 'live') await new Promise((r) => setTimeout(r, 10));
    await broker.store.revokeRepTokensOfRep(rep.id, Date.now()); // from another process: the broker's sweep notices
    while (model.phase.value !== 'signed-out') await new Promise((r) => setTimeout(r, 10));
    expect(model.error.value).toMatch(/sign-in has ended/);
  });
});
