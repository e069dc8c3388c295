import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { waitUntil } from '../browser';

/** A file of random bytes in a temporary folder, with its SHA-256 (hex). */
export function makeFile(name: string, bytes: number): { path: string; sha256: string; size: number } {
  const dir = mkdtempSync(join(tmpdir(), 'files-e2e-'));
  const path = join(dir, name);
  const data = randomBytes(bytes);
  writeFileSync(path, data);
  return { path, sha256: createHash('sha256').update(data).digest('hex'), size: bytes };
}

/** Clicks a button that opens the file picker and picks `paths` in it, as a person would. */
export async function pickFiles(page: Page, buttonName: string, paths: string[]): Promise<void> {
  await page.bringToFront();
  const [chooser] = await Promise.all([
    page.waitForFileChooser(),
    page.locator(`::-p-aria([name="${buttonName}"][role="button"])`).click(),
  ]);
  await chooser.accept(paths);
}

export interface TransferRow {
  state: string;
  bytes: number;
  wire: number;
  resumed: number;
  status: string;
}

/** The transfer of `name` as the page shows it (undefined until it is listed). */
export function transferRow(page: Page, name: string): Promise<TransferRow | undefined> {
  return page.evaluate((file) => {
    const row = [...document.querySelectorAll<HTMLElement>('li.transfer')].find(
      (li) => li.querySelector('.transfer-name')?.textContent === file,
    );
    if (!row) return undefined;
    return {
      state: row.dataset.state ?? '',
      bytes: Number(row.dataset.bytes),
      wire: Number(row.dataset.wire),
      resumed: Number(row.dataset.resumed),
      status: row.querySelector('.transfer-status')?.textContent ?? '',
    };
  }, name);
}

/** Waits until the transfer of `name` is in `state` (one of them). */
export async function waitForTransfer(page: Page, name: string, ...states: string[]): Promise<void> {
  await waitUntil(
    page,
    ([file, wanted]) =>
      [...document.querySelectorAll<HTMLElement>('li.transfer')].some(
        (li) => li.querySelector('.transfer-name')?.textContent === file && wanted.includes(li.dataset.state ?? ''),
      ),
    [name, states] as [string, string[]],
  );
}

/** Waits until at least `bytes` of `name` are through (verified). */
export async function waitForBytes(page: Page, name: string, bytes: number): Promise<void> {
  await waitUntil(
    page,
    ([file, least]) =>
      [...document.querySelectorAll<HTMLElement>('li.transfer')].some(
        (li) => li.querySelector('.transfer-name')?.textContent === file && Number(li.dataset.bytes) >= least,
      ),
    [name, bytes] as [string, number],
  );
}

/**
 * The SHA-256 (hex) of each complete file of `size` bytes in this origin's OPFS `files` folder, where
 * receivers write: read back from the real disk, as the Save button would hand it over.
 */
export function opfsHashes(page: Page, size: number): Promise<string[]> {
  return page.evaluate(async (wanted) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('files', { create: true });
    const hashes: string[] = [];
    for await (const [name, handle] of dir as unknown as AsyncIterable<[string, FileSystemFileHandle]>) {
      if (name.endsWith('.json') || handle.kind !== 'file') continue;
      const file = await handle.getFile();
      if (file.size !== wanted) continue;
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
      hashes.push(Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''));
    }
    return hashes;
  }, size);
}
