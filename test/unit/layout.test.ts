import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Keeps the design's import direction honest: entrypoints → components → core; broker → core/protocol only.
const root = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return name === 'dist' ? [] : sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/^\s*import[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

function resolved(file: string, spec: string): string {
  return spec.startsWith('.') ? relative(root, resolve(root, file, '..', spec)) : spec;
}

describe('layout', () => {
  it('core is framework-free: no preact, no wxt; Dexie only in core/storage', () => {
    for (const file of sources('core')) {
      for (const spec of imports(file)) {
        expect(spec, file).not.toMatch(/^(preact|wxt|@wxt-dev|webextension-polyfill)/);
        if (spec === 'dexie') expect(file).toMatch(/^core\/storage\//);
        expect(resolved(file, spec), file).not.toMatch(/^(components|entrypoints|join-page|broker)\//);
      }
    }
  });

  it('components never reach the network layer or the entrypoints', () => {
    for (const file of sources('components')) {
      for (const spec of imports(file)) {
        expect(resolved(file, spec), file).not.toMatch(/^(entrypoints|join-page|broker)\//);
        expect(spec, file).not.toMatch(/^(peerjs|wxt)/);
      }
    }
  });

  it('the broker uses only core/protocol from core', () => {
    for (const file of sources('broker')) {
      for (const spec of imports(file)) {
        const target = resolved(file, spec);
        if (target.startsWith('core/')) expect(target, file).toMatch(/^core\/protocol/);
        expect(target, file).not.toMatch(/^(components|entrypoints|join-page)\//);
      }
    }
  });

  it('entrypoints stay thin', () => {
    for (const file of sources('entrypoints')) {
      expect(readFileSync(join(root, file), 'utf8').split('\n').length, file).toBeLessThanOrEqual(50);
    }
  });
});
