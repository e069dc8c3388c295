import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateDir, makePrivateFile } from '../store/privateFiles';

export const SERVER_KEY_FILE = 'broker.key';

/**
 * The broker's HMAC key (see deriveToken), kept beside the database but outside it, readable only by
 * the broker's user. Created on first start; 'wx' makes two brokers starting at once agree on one key.
 */
export function loadServerKey(dataDir: string): Buffer {
  makePrivateDir(dataDir);
  const file = join(dataDir, SERVER_KEY_FILE);
  try {
    writeFileSync(file, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    makePrivateFile(file); // made by an older broker, perhaps looser
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length < 32) throw new Error(`${file} is damaged (expected 32 bytes of base64); delete it to make a new one`);
  return key;
}
