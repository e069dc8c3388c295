/**
 * Values crossing between the session host and its views (BroadcastChannel: structured clone). Maps,
 * sets, dates and plain data clone as they are; a MediaStream cannot cross, so it goes as a reference
 * (`{ $stream: id }`) that the view turns into a bridged copy (stream-bridge.ts); functions are dropped.
 */
export interface StreamRef {
  readonly $stream: string;
}

const MAX_DEPTH = 32;

export const isMediaStream = (value: unknown): value is MediaStream =>
  typeof MediaStream !== 'undefined' && value instanceof MediaStream;

const isStreamRef = (value: unknown): value is StreamRef =>
  typeof value === 'object' && value !== null && typeof (value as { $stream?: unknown }).$stream === 'string';

const isPlainObject = (value: object) => {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/** The host's side: streams become references (`idOf` names each stream once). */
export function encodeValue(value: unknown, idOf: (stream: MediaStream) => string, depth = 0): unknown {
  if (typeof value === 'function') return undefined;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (isMediaStream(value)) return { $stream: idOf(value) } satisfies StreamRef;
  const inner = (v: unknown) => encodeValue(v, idOf, depth + 1);
  if (Array.isArray(value)) return value.map(inner);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, inner(v)]));
  if (value instanceof Set) return new Set([...value].map(inner));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v !== 'function') out[key] = inner(v);
  return out;
}

/**
 * The view's side: references become streams (`streamOf`, undefined while a stream is on its way: a map
 * entry is then left out and a field is undefined, so nothing shows a stream that is not there yet).
 * `seen` collects every stream id met, so a value can be read again once its streams arrive.
 */
export function decodeValue(
  value: unknown,
  streamOf: (id: string) => MediaStream | undefined,
  seen?: Set<string>,
  depth = 0,
): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (isStreamRef(value)) {
    seen?.add(value.$stream);
    return streamOf(value.$stream);
  }
  const inner = (v: unknown) => decodeValue(v, streamOf, seen, depth + 1);
  if (Array.isArray(value)) return value.map(inner);
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const [k, v] of value) {
      const decoded = inner(v);
      if (!(isStreamRef(v) && decoded === undefined)) out.set(k, decoded);
    }
    return out;
  }
  if (value instanceof Set) return new Set([...value].map(inner));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = inner(v);
  return out;
}

/** An error as it crosses: enough to rebuild what the view's wording needs (a BrokerError's status and code). */
export interface WireError {
  name: string;
  message: string;
  status?: number;
  code?: string;
  retryAfterSeconds?: number;
}

export function encodeError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { status, code, retryAfterSeconds } = error as Partial<WireError>;
  return {
    name: error.name,
    message: error.message,
    ...(typeof status === 'number' ? { status } : {}),
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof retryAfterSeconds === 'number' ? { retryAfterSeconds } : {}),
  };
}
