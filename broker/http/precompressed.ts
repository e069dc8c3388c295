import { createReadStream, statSync, type Stats } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { RequestHandler } from 'express';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.webp': 'image/webp',
};

/** Content-hashed build output: its URL changes with its content, so a browser may keep it forever. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (the HTML) may be kept but must be revalidated, so a new build is seen at once. */
const REVALIDATE = 'no-cache';

type Encoding = 'br' | 'gzip' | 'identity';
const SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz', identity: '' };

/**
 * The encodings a client accepts, by Accept-Encoding with q-values (RFC 9110 §12.5.3): "*" stands for the ones
 * not named, q=0 refuses, and identity is acceptable unless refused.
 */
export function acceptedEncodings(header: string | undefined): Set<Encoding> {
  const q = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const weight = (name: Encoding) => q.get(name) ?? q.get('*') ?? (name === 'identity' ? 1 : 0);
  return new Set((['br', 'gzip', 'identity'] as const).filter((name) => weight(name) > 0));
}

const statFile = (path: string): Stats | undefined => {
  try {
    const stats = statSync(path);
    return stats.isFile() ? stats : undefined;
  } catch {
    return undefined;
  }
};

/** The file under root a URL path names, or undefined for anything that could leave root or is not a plain name. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter(Boolean);
  if (segments.some((s) => s === '..' || s === '.' || s.startsWith('.'))) return undefined;
  const path = normalize(join(root, ...segments));
  return path.startsWith(normalize(root) + sep) ? path : undefined;
}

const etagOf = (stats: Stats, encoding: Encoding) =>
  `"${stats.size.toString(36)}-${Math.floor(stats.mtimeMs).toString(36)}-${encoding}"`;

function notModified(req: Parameters<RequestHandler>[0], etag: string, mtime: Date): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch) return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return Number.isFinite(since) && Math.floor(mtime.getTime() / 1000) * 1000 <= since;
}

export interface PrecompressedOptions {
  /** URL path → file path relative to root, for client-side routes that are the same page. */
  aliases?: Record<string, string>;
  /** Paths under this URL prefix are content-hashed. */
  immutablePrefix?: string;
}

/**
 * Serves a static build with the .br/.gz files written beside it at build time: the smallest encoding the client
 * accepts (br, then gzip, then the file itself), with validators so a revalidation is a 304. Unknown paths, and the
 * compressed files themselves, fall through to the next handler.
 */
export function servePrecompressed(root: string, options: PrecompressedOptions = {}): RequestHandler {
  const { aliases = {}, immutablePrefix = '/assets/' } = options;
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const urlPath = aliases[req.path.replace(/(.)\/+$/, '$1')] ?? req.path;
    if (/\.(?:br|gz)$/.test(urlPath)) return next();
    const path = resolveInside(root, urlPath);
    const identity = path && statFile(path);
    if (!path || !identity) return next();

    const accepted = acceptedEncodings(req.headers['accept-encoding']);
    // The build writes .br/.gz only for files worth compressing; their presence is the decision.
    const encoding = (['br', 'gzip', 'identity'] as const).find(
      (e) => accepted.has(e) && (e === 'identity' || statFile(path + SUFFIX[e])),
    );
    res.setHeader('Vary', 'Accept-Encoding');
    if (!encoding) return res.status(406).type('text/plain').send('No acceptable encoding');

    const file = path + SUFFIX[encoding];
    const stats = encoding === 'identity' ? identity : statFile(file)!;
    const etag = etagOf(stats, encoding);
    res.setHeader('Content-Type', CONTENT_TYPES[extname(path)] ?? 'application/octet-stream');
    res.setHeader('Cache-Control', req.path.startsWith(immutablePrefix) ? IMMUTABLE : REVALIDATE);
    res.setHeader('ETag', etag);
    res.setHeader('Last-Modified', identity.mtime.toUTCString());
    if (encoding !== 'identity') res.setHeader('Content-Encoding', encoding);
    if (notModified(req, etag, identity.mtime)) return res.status(304).end();
    res.setHeader('Content-Length', stats.size);
    if (req.method === 'HEAD') return res.status(200).end();
    createReadStream(file)
      .on('error', (error) => next(error))
      .pipe(res.status(200));
  };
}
