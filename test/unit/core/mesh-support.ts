import { afterEach } from 'vitest';
import type { Mesh } from '../../../core/mesh/mesh';

/** Three peers of the mesh tests, with broker-shaped peer ids. */
export const A = { participantId: 'pa', peerId: 'pAAAAAAAAAAAAAAAAAAAAAAAA' };
export const B = { participantId: 'pb', peerId: 'pBBBBBBBBBBBBBBBBBBBBBBBB' };
export const C = { participantId: 'pc', peerId: 'pCCCCCCCCCCCCCCCCCCCCCCCC' };
export type Member = typeof A;

export const tick = () => new Promise((r) => setTimeout(r, 5));
export async function until(check: () => boolean): Promise<void> {
  while (!check()) await tick();
}

/** Meshes a test file creates; each is destroyed after its test. */
export function meshesDestroyedAfterEach(): Mesh[] {
  const meshes: Mesh[] = [];
  afterEach(() => meshes.splice(0).forEach((m) => m.destroy()));
  return meshes;
}
