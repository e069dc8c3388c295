import type { RequestHandler } from 'express';

/**
 * CORS for the extensions (any id: Chrome's is stable but Firefox's differs per install), the broker's
 * own public origin and ALLOWED_ORIGINS. Credentials are bearer tokens, never cookies, so no
 * Allow-Credentials.
 */
export function cors(publicOrigin: () => string, allowedOrigins: readonly string[]): RequestHandler {
  const allowed = (origin: string) =>
    /^(chrome|moz)-extension:\/\/[A-Za-z0-9_.-]+$/.test(origin) ||
    origin === publicOrigin() ||
    allowedOrigins.includes(origin.toLowerCase());

  return (req, res, next) => {
    const origin = req.get('origin');
    res.vary('Origin');
    if (origin && allowed(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    // Preflights end here either way; without the headers above the browser refuses the real request.
    if (req.method === 'OPTIONS' && req.get('access-control-request-method')) return void res.status(204).end();
    next();
  };
}
