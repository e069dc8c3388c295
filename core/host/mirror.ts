import { Signal, signal } from '@preact/signals-core';

/**
 * A model object (signals, actions, nested activities) seen from another document: the host walks it once
 * and describes it as a shape; a view builds an object of the same shape whose signals follow the host's
 * (one message per change) and whose functions ask the host to run them (they return promises).
 * Framework-free: the carrier (BroadcastChannel) and the value encoding are given.
 */
export type Shape =
  | { kind: 'signal'; id: number; value: unknown }
  | { kind: 'fn' }
  | { kind: 'object'; props: Record<string, Shape> }
  | { kind: 'value'; value: unknown };

const MAX_DEPTH = 4;

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/** An object worth mirroring member by member: it has signals or actions (else it is plain data). */
const isModel = (value: unknown): value is Record<string, unknown> =>
  isPlainObject(value) && Object.values(value).some((v) => v instanceof Signal || typeof v === 'function');

interface HostOptions {
  /** Dotted paths the host keeps to itself (another channel carries them, or they must not leave). */
  skip?: ReadonlySet<string>;
  encode(value: unknown): unknown;
  /** A signal changed: tell the views. */
  onChange(id: number, value: unknown): void;
}

/** The host's side: every signal of `root` is watched; `call` runs an action by its path. */
export function exposeModel(root: Record<string, unknown>, options: HostOptions) {
  const signals = new Map<number, Signal<unknown>>();
  const idOf = new Map<Signal<unknown>, number>();
  const unsubscribes: (() => void)[] = [];

  function watch(s: Signal<unknown>): number {
    const known = idOf.get(s);
    if (known !== undefined) return known;
    const id = signals.size + 1;
    signals.set(id, s);
    idOf.set(s, id);
    let first = true;
    unsubscribes.push(
      s.subscribe((value) => {
        if (first) return void (first = false);
        options.onChange(id, options.encode(value));
      }),
    );
    return id;
  }

  function shapeOf(value: unknown, path: string, depth: number): Shape {
    if (value instanceof Signal) return { kind: 'signal', id: watch(value), value: options.encode(value.peek()) };
    if (typeof value === 'function') return { kind: 'fn' };
    if (depth < MAX_DEPTH && isModel(value)) {
      const props: Record<string, Shape> = {};
      for (const [key, member] of Object.entries(value)) {
        const at = path ? `${path}.${key}` : key;
        if (!options.skip?.has(at)) props[key] = shapeOf(member, at, depth + 1);
      }
      return { kind: 'object', props };
    }
    return { kind: 'value', value: options.encode(value) };
  }

  return {
    /** The model as it is now, for a view that attaches (again). */
    describe: (): Shape => shapeOf(root, '', 0),
    /** Runs the action at `path` with `args` (only a function of the model: nothing else is reachable). */
    call(path: readonly string[], args: readonly unknown[]): unknown {
      let owner: unknown = root;
      for (const key of path.slice(0, -1)) {
        if (!isModel(owner) || !Object.hasOwn(owner, key)) throw new Error(`No such action: ${path.join('.')}`);
        owner = owner[key];
      }
      const name = path[path.length - 1];
      const fn = isModel(owner) && name !== undefined && Object.hasOwn(owner, name) ? owner[name] : undefined;
      if (typeof fn !== 'function' || options.skip?.has(path.join('.'))) throw new Error(`No such action: ${path.join('.')}`);
      return (fn as (...a: unknown[]) => unknown).apply(owner, [...args]);
    },
    dispose(): void {
      unsubscribes.splice(0).forEach((stop) => stop());
    },
  };
}

export type ModelExposure = ReturnType<typeof exposeModel>;

interface ViewOptions {
  /** Runs an action at the host. */
  call(path: readonly string[], args: unknown[]): Promise<unknown>;
  /** Decodes a value from the host; records the stream ids it met in `seen`. */
  decode(value: unknown, seen: Set<string>): unknown;
}

/** The view's side: an object shaped like the host's model; `apply` brings a signal's new value. */
export function materializeModel(shape: Shape, options: ViewOptions) {
  const signals = new Map<number, { local: Signal<unknown>; raw: unknown; streams: Set<string> }>();

  const decoded = (raw: unknown, streams: Set<string>) => options.decode(raw, streams);

  function build(node: Shape, path: readonly string[]): unknown {
    switch (node.kind) {
      case 'signal': {
        const streams = new Set<string>();
        const local = signal(decoded(node.value, streams));
        signals.set(node.id, { local, raw: node.value, streams });
        return local;
      }
      case 'fn':
        return (...args: unknown[]) => options.call(path, args);
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const [key, child] of Object.entries(node.props)) out[key] = build(child, [...path, key]);
        return out;
      }
      case 'value':
        return decoded(node.value, new Set());
    }
  }

  return {
    root: build(shape, []) as Record<string, unknown>,
    apply(id: number, raw: unknown): void {
      const entry = signals.get(id);
      if (!entry) return;
      entry.raw = raw;
      entry.streams = new Set();
      entry.local.value = decoded(raw, entry.streams);
    },
    /** A stream arrived: every signal whose value holds it is read again. */
    streamArrived(streamId: string): void {
      for (const entry of signals.values()) {
        if (!entry.streams.has(streamId)) continue;
        entry.streams = new Set();
        entry.local.value = decoded(entry.raw, entry.streams);
      }
    },
  };
}

export type ModelView = ReturnType<typeof materializeModel>;
