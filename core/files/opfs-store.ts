import * as v from 'valibot';
import { PartialMeta, storageName, type FileStore } from './store';
// Bundled by Vite as a worker of its own (WXT redefines import.meta.url, so `new URL(…, import.meta.url)`
// is not recognized in the extension's build; the ?worker import is, in both builds).
import OpfsWorker from './opfs.worker.ts?worker';

/** The browser has OPFS with synchronous handles in workers (Chrome, Firefox 111+, Safari 15.2+). */
export const hasOpfs = () =>
  typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function' && typeof Worker !== 'undefined';

/**
 * How long the worker may sit on requests without answering any before it is taken for dead: its requests
 * are refused (the transfer fails visibly, what is on disk stays for a resume) and the next one starts a
 * new worker. A write of one chunk takes milliseconds even on a loaded machine.
 */
export const WORKER_SILENCE_MS = 30_000;

/** The receiver's disk: OPFS, through opfs.worker.ts (one worker per store, started on first use). */
export function opfsFileStore(): FileStore {
  let worker: Worker | undefined;
  let seq = 0;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let silence: ReturnType<typeof setTimeout> | undefined;

  /** Something answered (or nothing waits): the silence watch starts over. */
  function heard(): void {
    clearTimeout(silence);
    silence = pending.size > 0 ? setTimeout(() => fail('The file worker stopped answering'), WORKER_SILENCE_MS) : undefined;
  }

  /**
   * The worker failed (an error it did not catch, a message that could not be read, or silence): every
   * request waiting on it is refused rather than left pending for good, which hung the receiver's chain.
   */
  function fail(why: string): void {
    const failed = worker;
    worker = undefined;
    failed?.terminate();
    const waiters = [...pending.values()];
    pending.clear();
    heard();
    for (const w of waiters) w.reject(new Error(why));
  }

  function start(): Worker {
    const w = new OpfsWorker();
    w.onmessage = (event: MessageEvent<{ seq: number; result?: unknown; error?: string }>) => {
      const waiter = pending.get(event.data.seq);
      pending.delete(event.data.seq);
      heard();
      if (event.data.error !== undefined) waiter?.reject(new Error(event.data.error));
      else waiter?.resolve(event.data.result);
    };
    w.onerror = (event) => {
      event.preventDefault();
      if (worker === w) fail(`The file worker failed: ${event.message}`);
    };
    w.onmessageerror = () => worker === w && fail('The file worker sent what could not be read');
    return w;
  }

  function ask<T>(request: Record<string, unknown>, transfer: Transferable[] = []): Promise<T> {
    const w = (worker ??= start());
    const id = ++seq;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      if (pending.size === 1) heard();
      w.postMessage({ seq: id, request }, transfer);
    });
  }

  return {
    async list() {
      const texts = await ask<string[]>({ op: 'list' });
      return texts.flatMap((text) => {
        try {
          const parsed = v.safeParse(PartialMeta, JSON.parse(text));
          return parsed.success ? [parsed.output] : [];
        } catch {
          return [];
        }
      });
    },
    putMeta: (meta) => ask({ op: 'putMeta', name: storageName(meta), text: JSON.stringify(meta) }),
    write: (name, offset, bytes) => ask({ op: 'write', name, offset, bytes }),
    release: (name) => ask({ op: 'close', name }),
    read: (name, offset, length) => ask<Uint8Array>({ op: 'read', name, offset, length }),
    async file(name, type) {
      await ask({ op: 'close', name });
      const handle = await (await (await navigator.storage.getDirectory()).getDirectoryHandle('files')).getFileHandle(name);
      const file = await handle.getFile();
      return new File([file], name, { type });
    },
    remove: (name) => ask({ op: 'remove', name }),
  };
}
