import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { clickByRole, waitUntil } from '../browser';

/** Temporary folders made here (files to send, downloads), removed by removeTempFiles. */
const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};

/**
 * Removes every file made and downloaded here. Call after each test: each is tens of MB, and a browser
 * stops storing when the disk runs low (Chrome keeps 2 GiB free), which would fail the next test.
 */
export function removeTempFiles(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A file of random bytes in a temporary folder, with its SHA-256 (hex). */
export function makeFile(name: string, bytes: number): { path: string; sha256: string; size: number } {
  const dir = tempDir('files-e2e-');
  const path = join(dir, name);
  const data = randomBytes(bytes);
  writeFileSync(path, data);
  return { path, sha256: createHash('sha256').update(data).digest('hex'), size: bytes };
}

/**
 * Picks `paths` in the files card's picker without its dialog: Firefox's WebDriver BiDi has no file
 * chooser to intercept, so the files are set on the card's input (as the dialog would) and it reacts.
 */
export async function setFiles(page: Page, paths: string[]): Promise<void> {
  const input = (await page.waitForSelector('input[data-testid="send-file-input"]')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(...paths);
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
  /** The browser's own words behind a failure (the status's tooltip), if any. */
  detail: string;
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
      detail: row.querySelector('.transfer-status')?.getAttribute('title') ?? '',
    };
  }, name);
}

/**
 * Waits until the transfer of `name` is in `state` (one of them); one that fails instead ends the wait
 * at once with what the page says, and a wait that never ends says where the transfer stood.
 */
export async function waitForTransfer(page: Page, name: string, ...states: string[]): Promise<void> {
  let row: TransferRow | undefined;
  for (let i = 0; i < 1200; i++) {
    row = await transferRow(page, name);
    if (row && states.includes(row.state)) return;
    if (row?.state === 'failed') throw new Error(`${name} failed: ${row.status}${row.detail ? ` (${row.detail})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} never became ${states.join(' or ')}: ${JSON.stringify(row)}`);
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

/** The names in this origin's OPFS `files` folder (received files and their sidecars). */
export function opfsNames(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('files', { create: true });
    const names: string[] = [];
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    return names.sort();
  });
}

/**
 * Clicks Save on the transfer of `name` and waits for the browser's download of `size` bytes; answers its
 * SHA-256 (hex), read from the download folder.
 */
export async function saveAndHash(browser: Browser, page: Page, name: string, size: number): Promise<string> {
  const dir = tempDir('files-saved-');
  const session = await browser.target().createCDPSession();
  await session.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
  await clickByRole(page, 'button', `Save ${name}`);
  const path = join(dir, name);
  while (!existsSync(path) || statSync(path).size < size) await new Promise((r) => setTimeout(r, 50));
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * A file of `bytes` named `name` from one page to another: `pick` puts it in the sender's picker (a
 * click and the dialog in Chromium, `setFiles` in Firefox), the receiver accepts, both sides end done.
 * Answers the file's SHA-256 and those of the same-sized files on the receiver's disk (OPFS).
 */
export async function transferBetween(
  pick: (paths: string[]) => Promise<void>,
  sender: Page,
  receiver: Page,
  name: string,
  bytes: number,
): Promise<{ sha256: string; received: string[] }> {
  const file = makeFile(name, bytes);
  await pick([file.path]);
  await clickByRole(receiver, 'button', `Accept ${name}`);
  await waitForTransfer(receiver, name, 'done');
  await waitForTransfer(sender, name, 'done');
  return { sha256: file.sha256, received: await opfsHashes(receiver, file.size) };
}
