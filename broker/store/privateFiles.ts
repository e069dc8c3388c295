import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * DATA_DIR holds the database (every account, session and audit entry) and the server key: only the
 * broker's user may read them. New ones are made private; ones found looser (an older broker made the
 * folder 0755 and the files 0644) are tightened at start.
 */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir, 0o700);
}

/** Creates the file empty when missing (so SQLite inherits its mode for -wal and -shm), then 0600. */
export function makePrivateFile(path: string, create = false): void {
  if (create) closeSync(openSync(path, 'a', 0o600));
  if (existsSync(path)) tighten(path, 0o600);
}

function tighten(path: string, mode: number): void {
  // Only the permission bits; on Windows chmod can do little, and that is all right there.
  if ((statSync(path).mode & 0o777) !== mode) chmodSync(path, mode);
}
