import { signal } from '@preact/signals-core';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import * as v from 'valibot';
import { describe, expect, it, vi } from 'vitest';
import { MeshMessage, type RecordingState, type Role } from '../../../core/protocol';
import { createRecording, owned } from '../../../core/recording/recording';
import { SupportDb } from '../../../core/storage/db';
import { createDexieRecordingStore } from '../../../core/storage/dexie-recording-store';
import type { ChatEntry } from '../../../core/chat/types';
import { chunkRecorder } from './recording-support';

// Recording with consent (issue 14): the recorder starts only once every customer has the notice on
// screen; hostile peers cannot start it, stop it or make it skip a customer.

const until = async (check: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 400 && !(await check()); i++) await new Promise((r) => setTimeout(r, 5));
  expect(await check()).toBe(true);
};

/** A stand-in for a browser's MediaStream (Node has none): the recorder only passes it on. */
const stream = (name: string) => ({ name }) as unknown as MediaStream;

function world(
  options: { customers?: string[]; free?: number; consentTimeoutMs?: number; storeFails?: boolean; recorderFails?: boolean } = {},
) {
  const customers = options.customers ?? ['ann', 'bea'];
  /** Whose screens and voices are live, by participant id. */
  const screens = new Map<string, MediaStream>();
  const voices = new Map<string, MediaStream>();
  const roles: Record<string, Role> = {
    rita: 'controller',
    cora: 'assistant',
    ...Object.fromEntries(customers.map((c) => [c, 'customer'])),
  };
  const state = signal<RecordingState>(null);
  const calls: boolean[] = [];
  let clock = 1_000;
  const db = new SupportDb(`rec-${Math.random()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  const free = { value: options.free ?? 10 * 1024 ** 3 };
  const store = createDexieRecordingStore(db, {
    estimate: async () => ({ quota: 100 * 1024 ** 3, usage: 100 * 1024 ** 3 - free.value }),
    persist: async () => true,
  });
  if (options.storeFails) store.create = () => Promise.reject(new DOMException('full', 'QuotaExceededError'));
  const { record, runs } = chunkRecorder();
  const sent: { to: string; since: number }[] = [];
  const chat: ChatEntry[] = [];
  const rec = createRecording({
    selfId: 'rita',
    sessionId: 'S1',
    state,
    isController: () => true,
    roleOf: (id) => roles[id],
    customers: () => customers.filter((id) => roles[id]).map((id) => ({ id, name: id.toUpperCase() })),
    send: (to, message) => (message.type === 'recording-seen' && sent.push({ to, since: message.since }), true),
    async setRecording(on) {
      calls.push(on);
      state.value = on ? { since: ++clock, by: 'rita' } : null;
      return { recording: state.value };
    },
    media: { screens: () => owned(screens), voices: () => owned(voices) },
    record: options.recorderFails
      ? () => {
          throw new TypeError('S.requestFrame is not a function');
        }
      : record,
    store,
    chat: () => chat,
    describe: () => ({ sessionNumber: '123456789', customer: 'ANN, BEA' }),
    consentTimeoutMs: options.consentTimeoutMs ?? 2_000,
    warnFreeBytes: 1_000,
    stopFreeBytes: 100,
  });
  const seen = (from: string, since = state.value!.since) => rec.receive(from, { type: 'recording-seen', since });
  return { rec, state, calls, runs, store, free, seen, chat, sent, roles, screens, voices };
}

describe('recording with consent', () => {
  it('starts only once every customer confirmed the notice, writes chunks as they come, stops on Stop', async () => {
    const w = world();
    const starting = w.rec.startRecording();
    await until(() => w.state.value !== null);
    expect(w.rec.status.value).toBe('waiting');
    w.seen('ann');
    await new Promise((r) => setTimeout(r, 20));
    expect(w.runs).toHaveLength(0); // Bea has not confirmed yet
    w.seen('bea');
    await starting;
    expect(w.runs).toHaveLength(1);
    expect(w.rec.status.value).toBe('recording');
    w.chat.push({
      sessionId: 'S1',
      id: 'm1',
      senderId: 'ann',
      senderName: 'Ann',
      thread: 'ann',
      text: 'hi <b>',
      sentAt: Date.now(),
      mine: false,
      sentTo: [],
      pendingFor: [],
    });
    w.runs[0]!.options.onChunk(new Blob(['a'.repeat(100)]));
    w.runs[0]!.options.onChunk(new Blob(['b'.repeat(50)]));
    await until(() => w.rec.current.value !== null);
    const id = w.rec.current.value!;
    await w.rec.stopRecording();
    expect(w.calls).toEqual([true, false]);
    expect(w.runs[0]!.stopped).toBe(true);
    const [meta] = await w.store.list();
    expect(meta).toMatchObject({ id, sessionNumber: '123456789', customer: 'ANN, BEA', state: 'done', bytes: 154, chunks: 3 });
    expect(meta!.chat).toContain('Ann: hi &lt;b&gt;');
    const chunks = await w.store.chunks(id);
    expect(await Promise.all(chunks.map((c) => c.text()))).toEqual(['a'.repeat(100), 'b'.repeat(50), 'last']);
    expect(w.rec.status.value).toBe('off');
  });

  it('fails closed: a customer who does not confirm keeps the recorder off, and the rep is told who', async () => {
    const w = world({ consentTimeoutMs: 100 });
    const starting = w.rec.startRecording();
    await until(() => w.state.value !== null);
    w.seen('ann');
    await starting;
    expect(w.runs).toHaveLength(0);
    expect(w.calls).toEqual([true, false]);
    expect(w.rec.problem.value).toEqual({ kind: 'not-confirmed', names: ['BEA'] });
    expect(await w.store.list()).toEqual([]);
  });

  it('records a customer who joins mid-recording only once their page confirmed the notice; a stranger’s media never', async () => {
    const w = world({ customers: ['ann'] });
    w.voices.set('rita', stream('rita-mic'));
    w.voices.set('ann', stream('ann-voice'));
    w.screens.set('ann', stream('ann-screen'));
    const starting = w.rec.startRecording();
    await until(() => w.state.value !== null);
    w.seen('ann');
    await starting;
    const sources = w.runs[0]!.sources;
    expect(sources.audio()).toEqual([stream('rita-mic'), stream('ann-voice')]);
    // Bea joins while it records: her screen and voice are live here before her page has said anything.
    w.roles.bea = 'customer';
    w.screens.clear();
    w.screens.set('bea', stream('bea-screen'));
    w.voices.set('bea', stream('bea-voice'));
    // A participant the session does not know (left, or never was) is not recorded either.
    w.voices.set('mallory', stream('mallory-voice'));
    expect(sources.video()).toBeNull();
    expect(sources.audio()).toEqual([stream('rita-mic'), stream('ann-voice')]);
    w.seen('bea', w.state.value!.since - 1); // about another recording: still out
    expect(sources.audio()).not.toContainEqual(stream('bea-voice'));
    w.seen('bea');
    expect(sources.video()).toEqual(stream('bea-screen'));
    expect(sources.audio()).toEqual([stream('rita-mic'), stream('ann-voice'), stream('bea-voice')]);
    await w.rec.stopRecording();
  });

  it('ignores confirmations that are not a customer’s, not for this recording, or floods', async () => {
    const w = world({ consentTimeoutMs: 150 });
    const starting = w.rec.startRecording();
    await until(() => w.state.value !== null);
    const since = w.state.value!.since;
    w.seen('cora'); // an assistant cannot confirm for a customer
    w.seen('rita'); // nor the controller itself
    w.seen('stranger'); // someone of another session (not on this roster)
    w.seen('ann', since - 1); // an old recording
    w.seen('bea', since + 1); // a forged future one
    for (let i = 0; i < 10_000; i++) w.seen('cora');
    w.rec.receive('ann', { type: 'chat', id: 'x'.repeat(10), text: 'hi', sentAt: 1, thread: 'all' }); // not its type
    w.seen('ann');
    await starting;
    expect(w.runs).toHaveLength(0); // Bea never confirmed this recording
    expect(w.rec.droppedCount).toBe(10_006);
    expect(w.rec.problem.value).toEqual({ kind: 'not-confirmed', names: ['BEA'] });
  });

  it('the mesh refuses malformed confirmations before they reach it', () => {
    for (const bad of [
      { type: 'recording-seen' },
      { type: 'recording-seen', since: -1 },
      { type: 'recording-seen', since: 1.5 },
      { type: 'recording-seen', since: '1' },
      { type: 'recording-seen', since: Infinity },
    ])
      expect(v.is(MeshMessage, bad), JSON.stringify(bad)).toBe(false);
    expect(v.is(MeshMessage, { type: 'recording-seen', since: 12 })).toBe(true);
  });

  it('stops when the broker says recording is over (control passed, transfer, end)', async () => {
    const w = world({ customers: [] });
    await w.rec.startRecording();
    expect(w.rec.status.value).toBe('recording');
    w.state.value = null; // the broker's own stop
    await until(() => w.rec.status.value === 'off');
    expect(w.runs[0]!.stopped).toBe(true);
    expect((await w.store.list())[0]?.state).toBe('done');
  });

  it('a recorder the browser will not start: the rep reads that recording failed, nobody shows it, no empty recording is listed', async () => {
    const w = world({ customers: [], recorderFails: true });
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await w.rec.startRecording();
    warned.mockRestore();
    expect(w.rec.problem.value).toEqual({ kind: 'failed' });
    await until(() => w.state.value === null && w.rec.status.value === 'off');
    expect(w.calls).toEqual([true, false]);
    await until(async () => (await w.store.list()).length === 0);
  });

  it('a store that refuses the recording leaves nobody showing it', async () => {
    const w = world({ customers: [], storeFails: true });
    await expect(w.rec.startRecording()).rejects.toThrow('full');
    expect(w.calls).toEqual([true, false]);
    expect(w.state.value).toBeNull();
    expect(w.runs).toHaveLength(0);
  });

  it('warns when storage runs low and stops before it runs out', async () => {
    const w = world({ customers: [], free: 500 });
    await w.rec.startRecording();
    w.runs[0]!.options.onChunk(new Blob(['x']));
    await until(() => w.rec.lowStorage.value);
    expect(w.rec.status.value).toBe('recording');
    w.free.value = 50;
    w.runs[0]!.options.onChunk(new Blob(['y']));
    await until(() => w.rec.status.value === 'off');
    expect(w.rec.problem.value).toEqual({ kind: 'storage-full' });
    expect(w.calls).toEqual([true, false]);
  });

  it('a new runtime that finds the broker still saying it records (the old one crashed) stops it and marks what was written as cut', async () => {
    const db = new SupportDb(`rec-${Math.random()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
    const store = createDexieRecordingStore(db, undefined);
    const meta = {
      sessionId: 'S1',
      sessionNumber: '1',
      customer: 'ANN',
      startedAt: 1,
      updatedAt: 2,
      durationMs: 1,
      bytes: 1,
      chunks: 1,
    };
    await store.create({ ...meta, id: 'crashed', mimeType: 'video/webm', state: 'recording', chat: '' });
    await store.create({ ...meta, id: 'other', sessionId: 'S2', mimeType: 'video/webm', state: 'recording', chat: '' });
    const calls: boolean[] = [];
    createRecording({
      selfId: 'rita',
      sessionId: 'S1',
      state: signal<RecordingState>({ since: 1, by: 'rita' }),
      isController: () => true,
      roleOf: () => 'customer',
      customers: () => [],
      send: () => true,
      setRecording: async (on) => (calls.push(on), { recording: null }),
      media: { screens: () => [], voices: () => [] },
      store,
      chat: () => [],
      describe: () => ({ sessionNumber: '1', customer: '' }),
    });
    await until(async () => (await store.list()).find((m) => m.id === 'crashed')?.state === 'cut');
    expect(calls).toEqual([false]);
    expect((await store.list()).find((m) => m.id === 'other')?.state).toBe('recording'); // another session's
  });

  it('a customer confirms once per recording, to whoever records, and again when that link reopens', () => {
    const state = signal<RecordingState>({ since: 5, by: 'rita' });
    const sent: string[] = [];
    const rec = createRecording({
      selfId: 'ann',
      sessionId: 'S1',
      state,
      isController: () => false,
      roleOf: () => 'controller',
      customers: () => [],
      send: (to, m) => (sent.push(`${to}:${m.type === 'recording-seen' ? m.since : ''}`), true),
      setRecording: async () => ({ recording: null }),
      media: { screens: () => [], voices: () => [] },
      chat: () => [],
      describe: () => ({ sessionNumber: '1', customer: '' }),
    });
    rec.noticeShown(4); // not this recording
    rec.noticeShown(5);
    rec.noticeShown(5);
    rec.linkOpened('cora');
    rec.linkOpened('rita');
    expect(sent).toEqual(['rita:5', 'rita:5']);
    expect(rec.canRecord).toBe(false);
  });
});
