import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBrokerClient, type BrokerClient } from '../../../core/broker/client';
import { createMemoryNetwork } from '../../../core/mesh/memory-transport';
import type { SessionRuntime } from '../../../core/session/runtime';
import { SupportDb } from '../../../core/storage/db';
import { createDexieRecordingStore } from '../../../core/storage/dexie-recording-store';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { linkToken } from '../broker/support';
import { chunkRecorder } from './recording-support';
import { runtimeOver, sessionWithAssistant } from './runtime-support';

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
};

/**
 * Recording through the session runtime (issue 14): a real broker, the in-memory mesh, two customers and
 * an assistant. The broker's event reaches everyone (and late joiners); the recorder starts once both
 * customers' pages said the notice is shown; a hostile customer cannot confirm for another.
 */
describe('recording a session with two customers', () => {
  let broker: TestBroker;
  let network: ReturnType<typeof createMemoryNetwork>;
  let runtimes: SessionRuntime[];
  let people: Record<'rep' | 'assistant' | 'ann' | 'bea', SessionRuntime>;
  let recorder: ReturnType<typeof chunkRecorder>;
  let joinUrl: string;
  let join: (name: string) => Promise<SessionRuntime>;

  async function runtimeFor(client: BrokerClient, sessionId: string, token: string, extra = {}) {
    const runtime = await runtimeOver(network, client, sessionId, token, extra);
    runtimes.push(runtime);
    return runtime;
  }

  beforeEach(async () => {
    broker = await startBroker();
    network = createMemoryNetwork();
    runtimes = [];
    recorder = chunkRecorder();
    const { session, rita, bob } = await sessionWithAssistant(broker);
    joinUrl = session.joinUrl!;
    join = async (name: string) => {
      const { self } = await createBrokerClient({ baseUrl: broker.url }).join({ invite: linkToken(joinUrl), name });
      return runtimeFor(createBrokerClient({ baseUrl: broker.url, getToken: () => self.peerToken }), session.id, self.peerToken);
    };
    const db = new SupportDb(`rec-${Math.random()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
    people = {
      rep: await runtimeFor(rita.client, session.id, rita.token, {
        media: { record: recorder.record },
        recordings: createDexieRecordingStore(db, undefined),
      }),
      assistant: await runtimeFor(bob.client, session.id, bob.token),
      ann: await join('Ann Customer'),
      bea: await join('Bea Customer'),
    };
    const everyone = Object.values(people);
    await until(() => everyone.every((r) => [...r.linkStates.value.values()].filter((s) => s === 'connected').length === 3));
  });
  afterEach(async () => {
    runtimes.forEach((r) => r.dispose());
    await broker.close();
  });

  it('everyone learns it from the broker; the recorder starts once both customers have the notice on screen', async () => {
    const { rep, assistant, ann, bea } = people;
    expect(rep.recording.canRecord).toBe(true);
    expect(ann.recording.canRecord).toBe(false);
    const starting = rep.recording.startRecording();
    await until(() => [rep, assistant, ann, bea].every((r) => r.recordingState.value !== null));
    const { since, by } = ann.recordingState.value!;
    expect(by).toBe(rep.self.participantId);
    ann.recording.noticeShown(since);
    await new Promise((r) => setTimeout(r, 100));
    expect(recorder.runs).toHaveLength(0);
    bea.recording.noticeShown(since);
    await starting;
    expect(recorder.runs).toHaveLength(1);
    expect(rep.recording.status.value).toBe('recording');
    // Someone who joins now sees it from the session's detail.
    const cara = await join('Cara Customer');
    expect(cara.recordingState.value).toEqual({ since, by });

    await rep.recording.stopRecording();
    await until(() => [assistant, ann, bea, cara].every((r) => r.recordingState.value === null));
    expect(recorder.runs[0]!.stopped).toBe(true);
  });

  it('a hostile customer’s confirmations count for nobody but her, and malformed ones are dropped', async () => {
    const { rep, ann, bea } = people;
    const { self } = await createBrokerClient({ baseUrl: broker.url }).join({ invite: linkToken(joinUrl), name: 'Mallory' });
    const mallory = network.join(self.peerId);
    await until(() => rep.present.value.length === 5);
    const toRep = mallory.connect(rep.self.peerId);
    await until(() => toRep.isOpen);

    const starting = rep.recording.startRecording();
    await until(() => bea.recordingState.value !== null && rep.recordingState.value !== null);
    const { since } = rep.recordingState.value!;
    ann.recording.noticeShown(since);
    const before = rep.droppedMessages;
    for (const bad of [
      { type: 'recording-seen', since: 'soon' },
      { type: 'recording-seen', since: -1 },
      { type: 'recording-seen' },
    ])
      toRep.send(bad);
    for (let i = 0; i < 200; i++) toRep.send({ type: 'recording-seen', since: since + 1 + i });
    // Claiming to speak for Bea changes nothing: the sender is the connection. It counts for Mallory only.
    toRep.send({ type: 'recording-seen', since, for: bea.self.participantId });
    await until(() => rep.droppedMessages - before >= 3 + 200);
    await new Promise((r) => setTimeout(r, 100));
    expect(recorder.runs).toHaveLength(0); // Bea has not confirmed
    bea.recording.noticeShown(since);
    await starting;
    expect(recorder.runs).toHaveLength(1);
    mallory.destroy();
  });
});
