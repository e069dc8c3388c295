import type { RedisLink } from './redis';
import { KEYS } from './channels';

/**
 * The HMAC key every broker of a cluster must share (a customer link derived on one broker is checked
 * on another). The first broker offers its own key (DATA_DIR/broker.key, so a deployment that grows
 * from one broker keeps its links) with SET NX; every broker then uses whatever Redis holds. Redis must
 * keep it (persistence on, or at least never flushed): if it is lost, the next broker to start offers
 * its file's key again, and links derived under another key stop working, as with a lost key file.
 */
export async function sharedServerKey(link: RedisLink, ownKey: Buffer): Promise<Buffer> {
  await link.commands.set(KEYS.serverKey, ownKey.toString('base64'), 'NX');
  const stored = await link.commands.get(KEYS.serverKey);
  const key = Buffer.from(stored ?? '', 'base64');
  if (key.length < 32) throw new Error(`Redis holds a damaged server key under ${KEYS.serverKey}; delete it to share a new one`);
  return key;
}
