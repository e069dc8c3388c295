import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Self } from '../../../core/protocol';
import type { SignalingStats } from '../../../broker/peer/stats';
import { Revocations } from '../../../broker/auth/revocations';
import { hashToken } from '../../../broker/auth/tokens';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { SignalingPeer } from '../../helpers/peer-signaling';
import { assistByNumber, call, joinByLink, recordingLogger, startSessionAs } from './support';

// The PeerServer relays signaling only inside a session, within rates (issue 10, item 6).
let broker: TestBroker;
let token: string;
const revocations = new Revocations();
const logger = recordingLogger();
const peers: SignalingPeer[] = [];
const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(broker.url, method, path, options);

beforeAll(async () => {
  // Every test makes a session with an assistant by number, all from 127.0.0.1: not what that limit is about.
  broker = await startBroker({ revocations, log: logger.log, env: { ASSIST_BY_NUMBER_PER_ADDRESS: '1000' } });
  const rep = await broker.addRep({ name: 'Rita Rep' });
  token = await broker.login(rep.email, rep.password);
});
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.terminate()));
});
afterAll(() => broker.close());

const stats = () => broker.diagnostics.signaling;
/** Waits until `reason` was counted `n` more times than in `before`. */
const dropped = (before: SignalingStats['dropped'], reason: keyof SignalingStats['dropped'], n = 1) =>
  stats().until((s) => s.dropped[reason] >= before[reason] + n);
const snapshot = () => ({ ...stats().dropped });

async function connect(self: Self): Promise<SignalingPeer> {
  const peer = await SignalingPeer.connect(broker.url, self);
  peers.push(peer);
  return peer;
}

const join = (joinUrl: string, name: string) => joinByLink(broker.url, joinUrl, name);

/** A session: the rep in control, an assistant, customers Ann (active) and Bob. */
async function session() {
  const { session, self: rep } = await startSessionAs(broker.url, token);
  const colleague = await broker.addRep({ name: 'Cora Colleague' });
  const coraToken = await broker.login(colleague.email, colleague.password);
  const cora = await assistByNumber(broker.url, session.number, coraToken);
  const ann = await join(session.joinUrl!, 'Ann');
  const bob = await join(session.joinUrl!, 'Bob');
  return { session, rep, cora, coraToken, colleague, ann, bob };
}

/**
 * After `sender` sent something that must not reach `to`: a message `honest` sends `to` now is the next
 * thing `to` receives.
 */
async function nothingBefore(to: SignalingPeer, honest: SignalingPeer) {
  const probe = honest.offer(to.peerId);
  expect(await to.next()).toMatchObject({ type: 'OFFER', src: honest.peerId, payload: { connectionId: probe } });
}

describe('inside a session', () => {
  it('relays OFFER, ANSWER and CANDIDATE both ways, with the sender the server knows', async () => {
    const { rep, ann } = await session();
    const [r, a] = [await connect(rep), await connect(ann)];
    const id = r.offer(ann.peerId, { src: 'pForgedForgedForgedForgedForged00' });
    expect(await a.next()).toMatchObject({ type: 'OFFER', src: rep.peerId, dst: ann.peerId, payload: { connectionId: id } });
    a.answer(rep.peerId, id);
    a.candidate(rep.peerId, id);
    r.candidate(ann.peerId, id);
    expect(await r.next()).toMatchObject({ type: 'ANSWER', src: ann.peerId, payload: { connectionId: id } });
    expect(await r.next()).toMatchObject({ type: 'CANDIDATE', src: ann.peerId });
    expect(await a.next()).toMatchObject({ type: 'CANDIDATE', src: rep.peerId });
    a.send({ type: 'LEAVE', dst: rep.peerId });
    expect(await r.next()).toMatchObject({ type: 'LEAVE', src: ann.peerId });
  });

  it('delivers to a participant who connects later what was sent meanwhile, a few messages at most', async () => {
    const { rep, ann } = await session();
    const r = await connect(rep);
    const before = snapshot();
    const id = r.offer(ann.peerId);
    for (let i = 0; i < 29; i++) r.candidate(ann.peerId, id);
    await dropped(before, 'queueFull', 14);
    const a = await connect(ann);
    const received = [await a.next()];
    for (let i = 1; i < 16; i++) received.push(await a.next());
    expect(received[0]).toMatchObject({ type: 'OFFER', payload: { connectionId: id } });
    expect(received.slice(1).every((m) => m.type === 'CANDIDATE')).toBe(true);
    await nothingBefore(a, r);
  });
});

describe('outside a session', () => {
  it('drops and counts messages to another session’s peer, connected or not, and queues nothing for it', async () => {
    const mine = await session();
    const theirs = await session();
    const ann = await connect(mine.ann);
    const theirRep = await connect(theirs.rep);
    const before = snapshot();
    ann.offer(theirs.rep.peerId);
    ann.offer(theirs.bob.peerId);
    ann.candidate(theirs.bob.peerId, 'dc_x');
    await dropped(before, 'otherSession', 3);
    await nothingBefore(theirRep, await connect(theirs.cora));
    // Bob was not connected: had anything been queued for him, he would get it first.
    const bob = await connect(theirs.bob);
    await nothingBefore(bob, theirRep);
  });

  it('drops and counts messages to unknown ids, and to someone who left', async () => {
    const { session: s, rep, bob } = await session();
    const r = await connect(rep);
    const before = snapshot();
    r.offer('p' + '0'.repeat(32));
    await dropped(before, 'unknownDestination');
    await api('POST', `/api/sessions/${s.id}/leave`, { token: bob.peerToken, body: {} });
    r.offer(bob.peerId);
    await dropped(before, 'destinationGone');
  });

  it('drops what a participant sends after it left, while its socket closes', async () => {
    const { session: s, rep, ann } = await session();
    const r = await connect(rep);
    const a = await connect(ann);
    // Ann's machine no longer reads: it does not see the close the broker sends when she leaves.
    a.freeze();
    const before = snapshot();
    await api('POST', `/api/sessions/${s.id}/leave`, { token: ann.peerToken, body: {} });
    a.offer(rep.peerId);
    a.candidate(rep.peerId, 'dc_late');
    await dropped(before, 'senderGone', 2);
    await nothingBefore(r, await connect(await join(s.joinUrl!, 'Carl')));
  });
});

describe('what may be offered', () => {
  it('data links only with JSON serialization, or raw for a labelled binary channel', async () => {
    const { rep, ann } = await session();
    const [r, a] = [await connect(rep), await connect(ann)];
    const before = snapshot();
    for (const serialization of ['binary', 'binary-utf8', 'raw', 'msgpack', 42, undefined, { toString: 1 }]) {
      a.offer(rep.peerId, { serialization });
    }
    // Raw links must name a binary channel: not a made-up kind, not an oversized or odd id.
    for (const label of ['exec:abcdefgh', 'file:short', `file:${'a'.repeat(100)}`, 'file:../../etc', 42, 'dc_123']) {
      a.offer(rep.peerId, { serialization: 'raw', label });
    }
    await dropped(before, 'serialization', 13);
    const id = a.offer(rep.peerId, { serialization: 'json' });
    expect(await r.next()).toMatchObject({ type: 'OFFER', payload: { connectionId: id, serialization: 'json' } });
    const raw = a.offer(rep.peerId, { serialization: 'raw', label: 'file:transfer-0001' });
    expect(await r.next()).toMatchObject({ type: 'OFFER', payload: { connectionId: raw, serialization: 'raw' } });
  });

  it('media calls only from the reps and the active customer, following the active customer', async () => {
    const { session: s, rep, cora, ann, bob } = await session();
    const [r, c, a, b] = [await connect(rep), await connect(cora), await connect(ann), await connect(bob)];
    const before = snapshot();
    b.offer(rep.peerId, { kind: 'media' });
    await dropped(before, 'mediaNotAllowed');
    const fromAnn = a.offer(bob.peerId, { kind: 'media' });
    expect(await b.next()).toMatchObject({ src: ann.peerId, payload: { type: 'media', connectionId: fromAnn } });
    const fromRep = r.offer(bob.peerId, { kind: 'media' });
    expect(await b.next()).toMatchObject({ src: rep.peerId, payload: { connectionId: fromRep } });
    const fromCora = c.offer(ann.peerId, { kind: 'media' });
    expect(await a.next()).toMatchObject({ src: cora.peerId, payload: { connectionId: fromCora } });

    // The controller turns to Bob: now his calls go through and Ann's do not.
    await api('POST', `/api/sessions/${s.id}/active-customer`, { token, body: { participantId: bob.participantId } });
    a.offer(rep.peerId, { kind: 'media' });
    await dropped(before, 'mediaNotAllowed', 2);
    const fromBob = b.offer(rep.peerId, { kind: 'media' });
    expect(await r.next()).toMatchObject({ src: bob.peerId, payload: { connectionId: fromBob } });
  });

  it('media calls by kind: everyone may talk, a customer never sends a rep screen, a call names its kind', async () => {
    const { session: s, rep, ann, bob } = await session();
    const [r, a, b] = [await connect(rep), await connect(ann), await connect(bob)];
    await api('POST', `/api/sessions/${s.id}/active-customer`, { token, body: { participantId: ann.participantId } });
    const before = snapshot();
    // Bob is not being helped: his voice call goes through, his camera does not.
    const voice = b.offer(rep.peerId, { kind: 'media', metadata: { kind: 'voice' } });
    expect(await r.next()).toMatchObject({ src: bob.peerId, payload: { connectionId: voice, metadata: { kind: 'voice' } } });
    b.offer(rep.peerId, { kind: 'media', metadata: { kind: 'camera' } });
    // Ann (active) shows her camera, but may not pose as a rep sharing, nor call without a kind.
    const camera = a.offer(rep.peerId, { kind: 'media', metadata: { kind: 'camera' } });
    expect(await r.next()).toMatchObject({ src: ann.peerId, payload: { connectionId: camera } });
    for (const metadata of [{ kind: 'rep-screen' }, undefined, { kind: 'exec' }, 'voice', { kind: 'voice'.repeat(1000) }]) {
      a.offer(rep.peerId, { kind: 'media', metadata });
    }
    await dropped(before, 'mediaNotAllowed', 6);
    // The rep shares their own screen with Bob.
    const repScreen = r.offer(bob.peerId, { kind: 'media', metadata: { kind: 'rep-screen' } });
    expect(await b.next()).toMatchObject({ src: rep.peerId, payload: { connectionId: repScreen } });
  });
});

describe('a flooding peer', () => {
  it('gets a few OFFERs through, is cut off and refused for a while; honest signaling flows meanwhile', async () => {
    const { rep, cora, ann, bob } = await session();
    const [r, c, b] = [await connect(rep), await connect(cora), await connect(bob)];
    const hostile = await connect(ann);
    const before = { ...snapshot(), cutOff: stats().cutOff };
    for (let i = 0; i < 550; i++) hostile.offer(rep.peerId);
    expect(await hostile.closed).toEqual({ code: 1008, reason: 'Too many signaling messages' });
    await stats().until((s) => s.cutOff === before.cutOff + 1);
    expect(stats().dropped.rateLimited - before.rateLimited).toBeGreaterThanOrEqual(200);
    await expect(SignalingPeer.connect(broker.url, ann)).rejects.toThrow(/^HTTP 429, Retry-After (30|29)$/);

    // The rep got the first few and nothing after; the others still reach each other at once.
    const id = b.offer(rep.peerId);
    const got = [];
    for (;;) {
      const message = await r.next();
      if (message.src === bob.peerId) {
        expect(message.payload?.connectionId).toBe(id);
        break;
      }
      got.push(message);
    }
    // The burst of 20 (and what the rate refilled while the machine read the flood).
    expect(got.length).toBeGreaterThanOrEqual(20);
    expect(got.length).toBeLessThanOrEqual(30);
    expect(got.every((m) => m.src === ann.peerId && m.type === 'OFFER')).toBe(true);
    const fromCora = c.offer(bob.peerId);
    expect(await b.next()).toMatchObject({ src: cora.peerId, payload: { connectionId: fromCora } });
  });
});

describe('malformed frames', () => {
  it('are dropped and counted, logged as one line with a count, and the broker carries on', async () => {
    const { rep, ann } = await session();
    const r = await connect(rep);
    const a = await connect(ann);
    const before = snapshot();
    const noisy = () => logger.lines.filter((l) => String(l.args[0]).startsWith('PeerServer: dropped a malformed'));
    const linesBefore = noisy().length;
    a.send('{not json');
    a.send(Buffer.from([1, 2, 3]));
    a.send({ type: 'EXPIRE', dst: rep.peerId });
    a.send({ type: 'OPEN' });
    a.send({ type: 'OFFER', dst: rep.peerId, payload: { sdp: 'x' } });
    a.send({ type: 'CANDIDATE', dst: '../../etc', payload: { connectionId: 'dc_1' } });
    a.send({ type: 'LEAVE' });
    a.send('null');
    await stats().until((s) => s.dropped.malformed >= before.malformed + 5 && s.dropped.unknownType >= before.unknownType + 3);
    expect(noisy().length - linesBefore).toBeLessThanOrEqual(1);
    for (const line of noisy()) {
      expect(line.args).toHaveLength(1);
      expect(line.args[0]).toMatch(
        /^PeerServer: dropped a malformed signaling message \(.+, from participant [\w-]+\); \d+ so far/,
      );
    }
    await nothingBefore(r, a);

    const oversized = stats().oversized;
    a.send({ type: 'CANDIDATE', dst: rep.peerId, payload: { connectionId: 'dc_1', junk: 'x'.repeat(40_000) } });
    expect((await a.closed).code).toBe(1009);
    await stats().until((s) => s.oversized === oversized + 1);
    const b = await connect(ann);
    await nothingBefore(r, b);
  });
});

describe('reps who signed out', () => {
  it('are refused at the door, and their open peer sockets close once no sign-in is left', async () => {
    const { rep: controller, cora, colleague, coraToken, ann } = await session();
    const second = await broker.login(colleague.email, colleague.password);
    const c = await connect(cora);
    const a = await connect(ann);
    const r = await connect(controller);

    // One of Cora's two sign-ins ends: she is still signed in, her peer link stays.
    await broker.store.revokeRepToken(hashToken(coraToken), Date.now());
    revocations.revoked({ kind: 'rep-token', tokenHash: hashToken(coraToken), repId: colleague.id });
    await nothingBefore(c, a);
    // The last one ends: the link closes, and her peer id is refused.
    await broker.store.revokeRepToken(hashToken(second), Date.now());
    revocations.revoked({ kind: 'rep-token', tokenHash: hashToken(second), repId: colleague.id });
    expect(await c.closed).toEqual({ code: 1008, reason: 'Signed out' });
    await expect(SignalingPeer.connect(broker.url, cora)).rejects.toThrow(/HTTP 401/);
    // Nobody else's.
    await nothingBefore(a, r);
    await nothingBefore(r, a);
  });
});
