import * as v from 'valibot';
import { PartialMeta, storageName, type FileStore } from './store';
// Bundled by Vite as a worker of its own (WXT redefines import.meta.url, so `new URL(…, import.meta.url)`
// is not recognized in the extension's build; the ?worker import is, in both builds).
import OpfsWorker from './opfs.worker.ts?worker';

/** The browser has OPFS with synchronous handles in workers (Chrome, Firefox 111+, Safari 15.2+). */
export const hasOpfs = () =>
  typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function' && typeof Worker !== 'undefined';

/** The receiver's disk: OPFS, through opfs.worker.ts (one worker per store, started on first use). */
export function opfsFileStore(): FileStore {
  let worker: Worker | undefined;
  let seq = 0;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  function ask<T>(request: Record<string, unknown>, transfer: Transferable[] = []): Promise<T> {
    if (!worker) {
      worker = new OpfsWorker();
      worker.onmessage = (event: MessageEvent<{ seq: number; result?: unknown; error?: string }>) => {
        const waiter = pending.get(event.data.seq);
        pending.delete(event.data.seq);
        if (event.data.error !== undefined) waiter?.reject(new Error(event.data.error));
        else waiter?.resolve(event.data.result);
      };
    }
    const id = ++seq;
    const w = worker;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
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
