import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateDir, makePrivateFile } from '../store/privateFiles';

export const SERVER_KEY_FILE = 'broker.key';

/**
 * The broker's HMAC key (see deriveToken), kept beside the database but outside it, readable only by
 * the broker's user. Created on first start. Two brokers starting at once on one data folder must agree
 * on one key and never read a half-written one: each writes its candidate to a file of its own, then
 * links it to `broker.key`, which exists only whole; the link fails for all but the first (EEXIST),
 * and those read the winner's. (Creating `broker.key` with 'wx' and writing into it left a moment when
 * another broker read it empty: the failover test saw "damaged" once.)
 */
export function loadServerKey(dataDir: string): Buffer {
  makePrivateDir(dataDir);
  const file = join(dataDir, SERVER_KEY_FILE);
  if (!existsSync(file)) publishNewKey(file);
  makePrivateFile(file); // perhaps made by an older broker, looser
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length < 32) throw new Error(`${file} is damaged (expected 32 bytes of base64); delete it to make a new one`);
  return key;
}

/** Writes a candidate key to a file of its own and links it to `file`; EEXIST: another broker was first. */
function publishNewKey(file: string): void {
  const candidate = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(candidate, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
  try {
    linkSync(candidate, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(candidate);
  }
}
