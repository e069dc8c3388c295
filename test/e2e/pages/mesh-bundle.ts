import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { build } from 'vite';
import type { Self } from '../../../core/protocol';
import { openBrokerPage } from '../../helpers/broker-page';

const MESH_PAGE = fileURLToPath(new URL('./mesh-page.ts', import.meta.url));

/** core/mesh bundled for a page, once per run (about a second). */
export async function bundleMeshPage(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: { entry: MESH_PAGE, formats: ['iife'], name: 'meshPageBundle', fileName: 'mesh-page' },
      rollupOptions: { output: { inlineDynamicImports: true } },
    },
  });
  const outputs = Array.isArray(output) ? output : [output];
  const chunk = outputs.flatMap((o) => ('output' in o ? o.output : [])).find((c) => c.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error('The mesh page did not bundle');
  return chunk.code;
}

/** A page of the broker's origin running the bundled peer layer as `self`, with `roster`. */
export async function meshPage(browser: Browser, brokerUrl: string, code: string, self: Self, roster: Self[]): Promise<Page> {
  const page = await openBrokerPage(browser, brokerUrl);
  await page.addScriptTag({ content: code });
  await page.evaluate(
    (url, me, members) => {
      const w = window as unknown as Record<string, any>;
      w.node = w.meshPage.start({ brokerUrl: url, self: me, roster: members });
    },
    brokerUrl,
    { participantId: self.participantId, peerId: self.peerId, peerToken: self.peerToken },
    roster.map((p) => ({ participantId: p.participantId, peerId: p.peerId })),
  );
  return page;
}
