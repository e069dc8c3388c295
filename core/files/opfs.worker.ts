/**
 * The receiver's disk in the browser: OPFS files written through synchronous access handles, which write
 * in place (what was written survives a reload without any commit; `createWritable` keeps nothing until it
 * is closed). Those handles exist only in workers, hence this one. Requests come from opfs-store.ts.
 */
interface SyncHandle {
  read(buffer: Uint8Array, options: { at: number }): number;
  write(buffer: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}
type StoreRequest =
  | { op: 'write'; name: string; offset: number; bytes: Uint8Array }
  | { op: 'read'; name: string; offset: number; length: number }
  | { op: 'close'; name: string }
  | { op: 'remove'; name: string }
  | { op: 'putMeta'; name: string; text: string }
  | { op: 'list' };

const handles = new Map<string, SyncHandle>();
let folder: FileSystemDirectoryHandle | undefined;

async function dir(): Promise<FileSystemDirectoryHandle> {
  folder ??= await (await navigator.storage.getDirectory()).getDirectoryHandle('files', { create: true });
  return folder;
}

async function handle(name: string): Promise<SyncHandle> {
  let open = handles.get(name);
  if (!open) {
    const file = await (await dir()).getFileHandle(name, { create: true });
    open = await (file as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }).createSyncAccessHandle();
    handles.set(name, open);
  }
  return open;
}

function closeHandle(name: string): void {
  const open = handles.get(name);
  handles.delete(name);
  if (open) {
    open.flush();
    open.close();
  }
}

async function run(request: StoreRequest): Promise<unknown> {
  switch (request.op) {
    case 'write': {
      const h = await handle(request.name);
      h.write(request.bytes, { at: request.offset });
      return undefined;
    }
    case 'read': {
      const h = await handle(request.name);
      const out = new Uint8Array(Math.max(0, Math.min(request.length, h.getSize() - request.offset)));
      h.read(out, { at: request.offset });
      return out;
    }
    case 'close':
      closeHandle(request.name);
      return undefined;
    case 'remove':
      closeHandle(request.name);
      for (const name of [request.name, `${request.name}.json`]) await (await dir()).removeEntry(name).catch(() => undefined);
      return undefined;
    case 'putMeta': {
      const h = await handle(`${request.name}.json`);
      const bytes = new TextEncoder().encode(request.text);
      h.truncate(0);
      h.write(bytes, { at: 0 });
      // Let go at once: another session's worker (a second session in the same host) lists sidecars too.
      closeHandle(`${request.name}.json`);
      return undefined;
    }
    case 'list': {
      const texts: string[] = [];
      for await (const [name, entry] of (await dir()) as unknown as AsyncIterable<[string, FileSystemHandle]>) {
        if (!name.endsWith('.json') || entry.kind !== 'file') continue;
        const h = await handle(name);
        const bytes = new Uint8Array(Math.min(h.getSize(), 16_384));
        h.read(bytes, { at: 0 });
        closeHandle(name);
        texts.push(new TextDecoder().decode(bytes));
      }
      return texts;
    }
  }
}

// One request at a time, in order: a write and the sidecar that counts it land in that order.
let queue: Promise<unknown> = Promise.resolve();
self.onmessage = (event: MessageEvent<{ seq: number; request: StoreRequest }>) => {
  const { seq, request } = event.data;
  queue = queue.then(async () => {
    try {
      const result = await run(request);
      const transfer = result instanceof Uint8Array ? [result.buffer] : [];
      (self as unknown as Worker).postMessage({ seq, result }, transfer);
    } catch (error) {
      (self as unknown as Worker).postMessage({
        seq,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  });
};
export {};
