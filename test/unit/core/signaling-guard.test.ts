import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { guardDataConnection, guardSignaling, type GuardablePeer } from '../../../core/mesh/signaling-guard';

/**
 * The guard rides on two PeerJS internals. These tests drive it through a stand-in with PeerJS's
 * contract (`_handleMessage` creates a connection for an OFFER and routes the rest by connection id);
 * the first test checks that PeerJS itself still has that contract, so an upgrade cannot silently
 * switch the guard off.
 */
describe('signaling guard', () => {
  it('PeerJS still routes server messages and channel data through the methods the guard replaces', () => {
    const source = readFileSync(resolve(import.meta.dirname, '../../../node_modules/peerjs/dist/bundler.mjs'), 'utf8');
    expect(source).toMatch(/Message, \(data\)=>\{\s*this\._handleMessage\(data\);/);
    expect(source).toContain('this.dataChannel.addEventListener("message", (e)=>this._handleDataMessage(e));');
    expect(source).toContain('new this._serializers[payload.serialization]');
    expect(
      JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../node_modules/peerjs/package.json'), 'utf8')).version,
    ).toBe('1.5.5');
  });

  type Listener = () => void;
  /** A stand-in Peer: OFFERs create connections (as PeerJS does), the rest is recorded. */
  function fakePeer() {
    const connections = new Map<
      string,
      { listeners: Map<string, Listener[]>; closed: boolean; close(): void; on(e: string, l: Listener): void }
    >();
    const handled: unknown[] = [];
    const peer: GuardablePeer & { fire(id: string, event: string): void } = {
      _handleMessage(message) {
        handled.push(message);
        const payload = message.payload as { connectionId?: string } | undefined;
        if (message.type === 'OFFER' && payload?.connectionId) {
          const listeners = new Map<string, Listener[]>();
          const connection = {
            listeners,
            closed: false,
            close() {
              this.closed = true;
              listeners.get('close')?.forEach((l) => l());
            },
            on: (event: string, l: Listener) => void listeners.set(event, [...(listeners.get(event) ?? []), l]),
          };
          connections.set(`${String(message.src)}/${payload.connectionId}`, connection);
        }
      },
      getConnection: (src, id) => connections.get(`${src}/${id}`),
      fire: (id, event) =>
        connections
          .get(id)
          ?.listeners.get(event)
          ?.forEach((l) => l()),
    };
    return { peer, handled, connections };
  }
  const offer = (
    src: string,
    connectionId: string,
    payload: Record<string, unknown> = { type: 'data', serialization: 'json' },
  ) => ({
    type: 'OFFER',
    src,
    payload: { connectionId, ...payload },
  });

  it('accepts JSON data connections and media calls; refuses binary, odd serializations and unknown kinds', () => {
    const { peer, handled } = fakePeer();
    const refused: string[] = [];
    guardSignaling(peer, { onRefused: (reason) => refused.push(reason) });
    peer._handleMessage(offer('pa', 'dc_1'));
    peer._handleMessage(offer('pa', 'mc_1', { type: 'media' }));
    peer._handleMessage(offer('pa', 'dc_2', { type: 'data', serialization: 'binary' }));
    peer._handleMessage(offer('pa', 'dc_3', { type: 'data', serialization: 'constructor' }));
    peer._handleMessage(offer('pa', 'xx_1', { type: 'exec' }));
    peer._handleMessage({ type: 'OFFER', src: 'pa', payload: 'junk' });
    // Raw only for a binary channel's label.
    peer._handleMessage(offer('pa', 'dc_4', { type: 'data', serialization: 'raw', label: 'file:transfer-0001' }));
    peer._handleMessage(offer('pa', 'dc_5', { type: 'data', serialization: 'raw' }));
    peer._handleMessage(offer('pa', 'dc_6', { type: 'data', serialization: 'raw', label: 'shell:abcdefgh' }));
    expect(handled.map((m) => (m as { payload: { connectionId: string } }).payload.connectionId)).toEqual([
      'dc_1',
      'mc_1',
      'dc_4',
    ]);
    expect(refused).toEqual(['serialization', 'serialization', 'type', 'type', 'serialization', 'serialization']);
  });

  it('lets only a few connections per peer negotiate at once; one that opens or closes makes room', () => {
    const { peer, handled } = fakePeer();
    guardSignaling(peer, { maxPendingPerPeer: 3 });
    for (let i = 0; i < 550; i++) peer._handleMessage(offer('pevil', `dc_${i}`));
    peer._handleMessage(offer('phonest', 'dc_ok'));
    expect(handled).toHaveLength(4); // three from the flooder, and the honest peer's
    peer.fire('pevil/dc_0', 'open');
    peer._handleMessage(offer('pevil', 'dc_next'));
    expect(handled).toHaveLength(5);
  });

  it('closes an incoming connection that never opens', () => {
    vi.useFakeTimers();
    try {
      const { peer, connections } = fakePeer();
      guardSignaling(peer, { openTimeoutMs: 1000 });
      peer._handleMessage(offer('pa', 'dc_1'));
      vi.advanceTimersByTime(1001);
      expect(connections.get('pa/dc_1')!.closed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops answers and candidates for connections that do not exist instead of keeping them', () => {
    const { peer, handled } = fakePeer();
    guardSignaling(peer);
    peer._handleMessage({ type: 'CANDIDATE', src: 'pa', payload: { connectionId: 'nope', candidate: {} } });
    peer._handleMessage(offer('pa', 'dc_1'));
    peer._handleMessage({ type: 'CANDIDATE', src: 'pa', payload: { connectionId: 'dc_1', candidate: {} } });
    peer._handleMessage({ type: 'OPEN' });
    expect(handled.map((m) => (m as { type: string }).type)).toEqual(['OFFER', 'CANDIDATE', 'OPEN']);
  });

  it('data PeerJS cannot parse is dropped, not thrown', () => {
    const connection = {
      _handleDataMessage({ data }: { data: unknown }) {
        JSON.parse(String(data));
      },
    };
    const malformed = vi.fn();
    guardDataConnection(connection, malformed);
    connection._handleDataMessage({ data: '{"ok":1}' });
    expect(() => connection._handleDataMessage({ data: '{not json' })).not.toThrow();
    expect(malformed).toHaveBeenCalledOnce();
  });
});
