import type { KeyValueStorage } from '../../core/extension/settings';

/** A Storage in memory, the shape localStorage has (Node has no localStorage). */
export function memoryWebStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, String(v)),
  };
}

/** browser.storage.local in memory: change events arrive later, as they do in the browser. */
export function memoryExtensionStorage(): KeyValueStorage {
  const data = new Map<string, unknown>();
  const listeners = new Set<(keys: string[]) => void>();
  const changed = (key: string) => setTimeout(() => listeners.forEach((l) => l([key])), 0);
  return {
    get: async (key) => structuredClone(data.get(key)),
    set: async (key, value) => void (data.set(key, structuredClone(value)), changed(key)),
    remove: async (key) => void (data.delete(key), changed(key)),
    onChanged: (l) => (listeners.add(l), () => listeners.delete(l)),
  };
}
