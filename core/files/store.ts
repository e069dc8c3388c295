import * as v from 'valibot';
import { FILE_CHUNK_SIZES, FILE_NAME_MAX, FILE_SIZE_CEILING, FileId, OpaqueId } from '../protocol';

/**
 * What a receiver keeps beside a file's bytes (a small JSON "sidecar"), so that a reloaded page or a new
 * runtime finds a transfer it had accepted and resumes it instead of asking again. Read back through
 * valibot: storage is a boundary too.
 */
export const PartialMeta = v.object({
  sessionId: OpaqueId,
  /** The sender (participant id). */
  from: OpaqueId,
  id: FileId,
  key: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  name: v.pipe(v.string(), v.maxLength(FILE_NAME_MAX)),
  size: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(FILE_SIZE_CEILING)),
  mime: v.pipe(v.string(), v.maxLength(127)),
  chunkSize: v.picklist(FILE_CHUNK_SIZES),
  /** Leading chunks on disk, each verified. */
  have: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** The whole file's hash matched: ready to save. */
  verified: v.boolean(),
  updatedAt: v.number(),
});
export type PartialMeta = v.InferOutput<typeof PartialMeta>;

/** Where a transfer's bytes are kept: one name per sender and file (a re-pick under a new id finds them). */
export const storageName = (meta: Pick<PartialMeta, 'from' | 'key'>) => `${meta.from}.${meta.key}`;

/**
 * The receiver's disk: bytes written in place as chunks arrive (never the whole file in memory), and
 * the sidecars. The browser's is OPFS through a worker (opfs-store.ts); tests use memoryFileStore.
 */
export interface FileStore {
  list(): Promise<PartialMeta[]>;
  putMeta(meta: PartialMeta): Promise<void>;
  write(name: string, offset: number, bytes: Uint8Array): Promise<void>;
  read(name: string, offset: number, length: number): Promise<Uint8Array>;
  /** Done writing: lets go of the file's handle (others may read it now). */
  release(name: string): Promise<void>;
  /** The finished file, disk-backed (its handle is let go first). */
  file(name: string, type: string): Promise<File>;
  /** Forgets the bytes and the sidecar. */
  remove(name: string): Promise<void>;
}

/** Keeps everything in memory: for unit tests (Node has no OPFS) and browsers without OPFS. */
export function memoryFileStore(): FileStore & { bytes(name: string): Uint8Array | undefined } {
  const files = new Map<string, Uint8Array>();
  const metas = new Map<string, PartialMeta>();
  return {
    list: async () => [...metas.values()].map((m) => ({ ...m })),
    putMeta: async (meta) => void metas.set(storageName(meta), { ...meta }),
    async write(name, offset, bytes) {
      const old = files.get(name) ?? new Uint8Array(0);
      const next = old.byteLength >= offset + bytes.byteLength ? old : new Uint8Array(offset + bytes.byteLength);
      if (next !== old) next.set(old);
      next.set(bytes, offset);
      files.set(name, next);
    },
    release: async () => undefined,
    read: async (name, offset, length) => (files.get(name) ?? new Uint8Array(0)).slice(offset, offset + length),
    file: async (name, type) => new File([(files.get(name) ?? new Uint8Array(0)) as Uint8Array<ArrayBuffer>], name, { type }),
    async remove(name) {
      files.delete(name);
      metas.delete(name);
    },
    bytes: (name) => files.get(name),
  };
}
