import type { KeyValueStorage } from './settings';

/** The parts of `browser.storage` the adapter uses (structural, so core does not import the browser API). */
export interface StorageApi {
  local: {
    get(key: string): Promise<Record<string, unknown>>;
    set(items: Record<string, unknown>): Promise<void>;
    remove(key: string): Promise<void>;
  };
  onChanged: {
    addListener(listener: (changes: Record<string, unknown>, area: string) => void): void;
    removeListener(listener: (changes: Record<string, unknown>, area: string) => void): void;
  };
}

export function extensionStorage(storage: StorageApi): KeyValueStorage {
  return {
    get: async (key) => (await storage.local.get(key))[key],
    set: (key, value) => storage.local.set({ [key]: value }),
    remove: (key) => storage.local.remove(key),
    onChanged(listener) {
      const wrapped = (changes: Record<string, unknown>, area: string) => area === 'local' && listener(Object.keys(changes));
      storage.onChanged.addListener(wrapped);
      return () => storage.onChanged.removeListener(wrapped);
    },
  };
}
