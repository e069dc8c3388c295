import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createBrokerClient } from '../../../core/broker/client';
import { createMemoryNetwork } from '../../../core/mesh/memory-transport';
import type { SessionRuntime } from '../../../core/session/runtime';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { linkToken } from '../broker/support';
import { until } from './mesh-support';
import { runtimeOver } from './runtime-support';

describe('files in the session runtime, with a real broker', () => {
  let broker: TestBroker;
  const runtimes: SessionRuntime[] = [];
  afterAll(async () => {
    runtimes.forEach((r) => r.dispose());
    await broker?.close();
  });

  it('MAX_FILE_MB reaches every participant; a rep sends, the customer accepts, the file arrives intact', async () => {
    broker = await startBroker({ env: { MAX_FILE_MB: '3' } });
    const network = createMemoryNetwork();
    const rita = await broker.addRep({ name: 'Rita Rep' });
    const token = await broker.login(rita.email, rita.password);
    const ritaClient = createBrokerClient({ baseUrl: broker.url, getToken: () => token });
    const { session } = await ritaClient.createSession();
    const { self } = await createBrokerClient({ baseUrl: broker.url }).join({ invite: linkToken(session.joinUrl!), name: 'Ann' });
    const customerClient = createBrokerClient({ baseUrl: broker.url, getToken: () => self.peerToken });
    const rep = await runtimeOver(network, ritaClient, session.id, token);
    const ann = await runtimeOver(network, customerClient, session.id, self.peerToken);
    runtimes.push(rep, ann);
    await until(() => rep.linkStates.value.get(ann.self.participantId) === 'connected');
    await until(() => ann.linkStates.value.get(rep.self.participantId) === 'connected');
    expect([rep.files.maxFileBytes, ann.files.maxFileBytes]).toEqual([3 * 1024 * 1024, 3 * 1024 * 1024]);

    // Over the limit: refused before anything is offered.
    const big = new File([new Uint8Array(3 * 1024 * 1024 + 1)], 'big.iso');
    expect(await rep.files.send([big], 'all')).toEqual([{ name: 'big.iso', ok: false, reason: 'too-large' }]);
    // The customer sends only to the controller; the rep to the customer (everyone = the one customer here).
    expect(ann.files.targets.value).toEqual([rep.self.participantId]);
    expect(rep.files.targets.value).toEqual([ann.self.participantId]);

    const data = new Uint8Array(1_000_000).map((_, i) => (i * 13) & 0xff);
    await rep.files.send([new File([data], 'notes.pdf', { type: 'application/pdf' })], 'all');
    await until(() => ann.files.transfers.value[0]?.state === 'incoming');
    expect(ann.files.transfers.value[0]).toMatchObject({ name: 'notes.pdf', size: 1_000_000, mime: 'application/pdf' });
    await ann.files.accept(ann.files.transfers.value[0]!.key);
    await until(() => ann.files.transfers.value[0]?.state === 'done');
    const saved = await ann.files.file(ann.files.transfers.value[0]!.key);
    const hash = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    expect(hash(new Uint8Array(await saved.arrayBuffer()))).toBe(hash(data));
    await until(() => rep.files.transfers.value[0]?.state === 'done');
  });
});
