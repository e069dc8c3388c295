import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Router } from 'express';
import { servePrecompressed } from './precompressed';

/**
 * Serves the built join page. /join and /assist are client-side routes of the same page; no other
 * path falls back to it, so mistyped URLs get a real 404. Checked per request, because the page may
 * be built while the broker runs.
 */
export function joinPage(distDir: string): Router {
  const router = Router();
  const index = join(distDir, 'index.html');
  const built = () => existsSync(index);

  router.use((req, res, next) => {
    if (built()) return next();
    const pagePath = req.path === '/' || req.path === '/index.html' || req.path === '/join' || req.path === '/assist';
    if (!pagePath || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    res.status(503).type('text/plain').send('Join page not built: run npm run build');
  });
  const page = '/index.html';
  router.use(servePrecompressed(distDir, { aliases: { '/': page, '/join': page, '/assist': page } }));
  return router;
}
