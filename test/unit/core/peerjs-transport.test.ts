import { describe, expect, it, vi } from 'vitest';
import { createPeerJsTransport } from '../../../core/mesh/peerjs-transport';

// PeerJS is imported lazily by the transport (issue 6); here it is a fake that records what it is asked.
const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => void;
  class Emitter {
    private readonly listeners = new Map<string, Listener[]>();
    on(event: string, fn: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
      return this;
    }
    emit(event: string, ...args: unknown[]) {
      for (const fn of this.listeners.get(event) ?? []) fn(...args);
    }
  }
  class FakeConnection extends Emitter {
    open = false;
    closed = false;
    sent: unknown[] = [];
    constructor(readonly peer: string) {
      super();
    }
    send(message: unknown) {
      this.sent.push(message);
    }
    _handleDataMessage() {}
    close() {
      this.closed = true;
      this.emit('close');
    }
  }
  class FakePeer extends Emitter {
    static instances: FakePeer[] = [];
    destroyed = false;
    connections: FakeConnection[] = [];
    constructor(readonly id: string) {
      super();
      FakePeer.instances.push(this);
    }
    connect(remote: string) {
      const connection = new FakeConnection(remote);
      this.connections.push(connection);
      return connection;
    }
    destroy() {
      this.destroyed = true;
    }
    // What the signaling guard wraps (see signaling-guard.test.ts for the guard itself).
    _handleMessage() {}
    getConnection() {
      return undefined;
    }
  }
  return { FakePeer };
});
vi.mock('../../../core/mesh/peerjs-peer', () => ({ Peer: fake.FakePeer }));

const options = { brokerUrl: 'http://127.0.0.1:9', peerId: 'self', peerToken: 'secret', iceServers: [] };

describe('PeerJS transport, with PeerJS loaded on first use', () => {
  it('a dial made before PeerJS has loaded is carried out once it has, listeners and all', async () => {
    fake.FakePeer.instances = [];
    const transport = createPeerJsTransport(options);
    const statuses: string[] = [];
    transport.onStatus((s) => statuses.push(s));
    const link = transport.connect('other');
    const opened = vi.fn();
    const received = vi.fn();
    link.onOpen(opened);
    link.onData(received);
    expect(link.isOpen).toBe(false);

    await vi.waitFor(() => expect(fake.FakePeer.instances[0]?.connections).toHaveLength(1));
    const peer = fake.FakePeer.instances[0]!;
    expect(peer.id).toBe('self');
    peer.emit('open');
    expect(statuses).toEqual(['connecting', 'open']);
    const connection = peer.connections[0]!;
    expect(connection.peer).toBe('other');
    connection.open = true;
    connection.emit('open');
    connection.emit('data', { type: 'chat-ack', id: 'abcdefgh' });
    expect(opened).toHaveBeenCalledOnce();
    expect(received).toHaveBeenCalledWith({ type: 'chat-ack', id: 'abcdefgh' });
    expect(link.isOpen).toBe(true);
    link.send({ hello: 1 });
    expect(connection.sent).toEqual([{ hello: 1 }]);

    // Once loaded, a dial goes straight to PeerJS.
    transport.connect('third');
    expect(peer.connections.map((c) => c.peer)).toEqual(['other', 'third']);
    transport.destroy();
    expect(peer.destroyed).toBe(true);
  });

  it('a link closed before PeerJS arrives is closed when it does; destroyed first, it only reports closed', async () => {
    fake.FakePeer.instances = [];
    const transport = createPeerJsTransport(options);
    const link = transport.connect('other');
    const closed = vi.fn();
    link.onClose(closed);
    link.close();
    await vi.waitFor(() => expect(fake.FakePeer.instances[0]?.connections[0]?.closed).toBe(true));
    expect(closed).toHaveBeenCalledOnce();
    transport.destroy();

    fake.FakePeer.instances = [];
    const gone = createPeerJsTransport(options);
    const never = gone.connect('other');
    const ended = vi.fn();
    never.onClose(ended);
    gone.destroy();
    await vi.waitFor(() => expect(ended).toHaveBeenCalledOnce());
    expect(fake.FakePeer.instances).toHaveLength(0);
  });
});
