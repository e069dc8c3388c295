import { computed, signal } from '@preact/signals-core';
import { describe, expect, it } from 'vitest';
import type { MediaLink } from '../../../core/mesh/transport';
import { createActivityRegistry, type Activity, type StopReason } from '../../../core/session/activities';

/** An activity that records what the registry hands it. */
function recorder(name: string, types: Activity['messageTypes'], kinds: Activity['callKinds'], survivesStops = false) {
  const seen: string[] = [];
  const on = signal(false);
  const activity: Activity = {
    name,
    messageTypes: types,
    callKinds: kinds,
    running: computed(() => on.value),
    survivesStops,
    receive: (from, message) => void seen.push(`message ${message.type} from ${from}`),
    incomingCall: (from, call) => void seen.push(`call ${String((call.metadata as { kind: string }).kind)} from ${from}`),
    linkOpened: (id) => void seen.push(`open ${id}`),
    participantGone: (id) => void seen.push(`gone ${id}`),
    rightsChanged: () => void seen.push('rights'),
    stop: (reason: StopReason) => {
      seen.push(`stop ${reason.kind}`);
      on.value = false;
    },
    dispose: () => void seen.push('dispose'),
  };
  return { activity, seen, on };
}

function call(metadata: unknown) {
  let closed = false;
  const link = {
    remotePeerId: 'p',
    metadata,
    answer: () => undefined,
    close: () => void (closed = true),
    onStream: () => undefined,
    onClose: () => undefined,
  } satisfies MediaLink;
  return { link, closed: () => closed };
}

describe('activity registry', () => {
  it('routes each message type and call kind to its one owner; unowned ones are dropped, unowned calls closed', () => {
    const registry = createActivityRegistry();
    const share = recorder('screen-share', ['share'], ['screen']);
    const chat = recorder('chat', ['chat', 'chat-ack'], [], true);
    registry.register(share.activity);
    registry.register(chat.activity);

    expect(registry.receive('ann', { type: 'share', sharing: true })).toBe(true);
    expect(registry.receive('ann', { type: 'chat-ack', id: 'abcdefgh' })).toBe(true);
    expect(registry.receive('ann', { type: 'heartbeat' })).toBe(false);
    registry.incomingCall('bob', call({ kind: 'screen' }).link, 'screen');
    // Kinds the mesh knows but no activity takes (yet): closed. Malformed metadata never gets here: the
    // mesh refuses it (mesh-channels.test.ts).
    const unowned = (['camera', 'voice', 'rep-screen'] as const).map((kind) => {
      const c = call({ kind });
      registry.incomingCall('mallory', c.link, kind);
      return c;
    });

    expect(share.seen).toEqual(['message share from ann', 'call screen from bob']);
    expect(chat.seen).toEqual(['message chat-ack from ann']);
    expect(unowned.every((c) => c.closed())).toBe(true);
    expect(registry.unroutedCount).toBe(4);
  });

  it('refuses a second owner for a message type or call kind at registration', () => {
    const registry = createActivityRegistry();
    registry.register(recorder('screen-share', ['share'], ['screen']).activity);
    expect(() => registry.register(recorder('copycat', ['share'], []).activity)).toThrow(/belongs to screen-share/);
    expect(() => registry.register(recorder('copycat', [], ['screen']).activity)).toThrow(/belongs to screen-share/);
    // Nothing of a refused registration sticks.
    expect(registry.activities.map((a) => a.name)).toEqual(['screen-share']);
  });

  it('stop all walks every activity but the ones that survive stops, and names those that were running', () => {
    const registry = createActivityRegistry();
    const share = recorder('screen-share', ['share'], ['screen']);
    const files = recorder('files', [], []);
    const chat = recorder('chat', ['chat'], [], true);
    [share, files, chat].forEach((r) => registry.register(r.activity));
    share.on.value = true;
    chat.on.value = true;
    expect(registry.anyRunning()).toBe(true);

    const stopped = registry.stopAll({ kind: 'control', from: 'ann', to: 'bob' });
    expect(stopped).toEqual(['screen-share']);
    expect(share.seen).toEqual(['stop control']);
    expect(files.seen).toEqual(['stop control']);
    expect(chat.seen).toEqual([]);
    expect(registry.anyRunning()).toBe(false);

    registry.linkOpened('casey');
    registry.participantGone('casey');
    registry.rightsChanged();
    registry.dispose();
    expect(chat.seen).toEqual(['open casey', 'gone casey', 'rights', 'dispose']);
  });

  it('names an activity that ended a moment before the stop (its sender obeyed first), not one that ended long ago', () => {
    let clock = 1_000;
    const registry = createActivityRegistry({ recentMs: 3_000, now: () => clock });
    const repScreen = recorder('rep-screen-share', ['rep-share'], ['rep-screen']);
    const camera = recorder('video', ['camera'], ['camera']);
    [repScreen, camera].forEach((r) => registry.register(r.activity));
    camera.on.value = true;
    camera.on.value = false; // ended at 1 000, long before the stop
    clock = 9_000;
    repScreen.on.value = true;
    repScreen.on.value = false; // the rep's "stopped sharing" came over the data link first
    clock = 9_500;
    expect(registry.stopAll({ kind: 'active-customer', activeCustomerId: 'pia' })).toEqual(['rep-screen-share']);
    // Told once: a second stop right after names nothing.
    expect(registry.stopAll({ kind: 'active-customer', activeCustomerId: 'ann' })).toEqual([]);
  });
});
