import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, securityHeaders } from '../../../broker/http/securityHeaders';
import { joinPage } from '../../../broker/http/joinPage';
import { acceptedEncodings } from '../../../broker/http/precompressed';
import { precompressDir } from '../../../join-page/precompress';

const HTML = '<!doctype html><title>join</title><script type="module" src="/assets/app-abc123.js"></script>';
const SCRIPT = `export const words = ${JSON.stringify('compressible '.repeat(500))};`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

let root: string;
let server: Server;
let port: number;

/** A raw request, so the test sees the bytes on the wire rather than a decoded body. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject).end();
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'join-page-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), HTML);
  writeFileSync(join(root, 'assets', 'app-abc123.js'), SCRIPT);
  writeFileSync(join(root, 'assets', 'logo-abc123.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(join(tmpdir(), 'outside-secret.txt'), 'secret');
  precompressDir(root);
  const app = express();
  app.use(securityHeaders);
  app.use(joinPage(root));
  app.use((_req, res) => void res.status(404).send('not found'));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  server.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(join(tmpdir(), 'outside-secret.txt'), { force: true });
});

describe('Accept-Encoding', () => {
  it('honours q-values, q=0 and the wildcard', () => {
    expect([...acceptedEncodings('gzip, deflate, br, zstd')]).toEqual(['br', 'gzip', 'identity']);
    expect([...acceptedEncodings('br;q=0, gzip')]).toEqual(['gzip', 'identity']);
    expect([...acceptedEncodings('*;q=0, identity')]).toEqual(['identity']);
    expect([...acceptedEncodings('*')]).toEqual(['br', 'gzip', 'identity']);
    expect([...acceptedEncodings('identity;q=0, gzip;q=0.5')]).toEqual(['gzip']);
    expect([...acceptedEncodings(undefined)]).toEqual(['identity']);
  });
});

describe('join page serving', () => {
  it('prefers brotli, with the compressed length, the type, Vary and the strict CSP', async () => {
    const res = await get('/assets/app-abc123.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(SCRIPT.length / 10);
    expect(brotliDecompressSync(res.body).toString()).toBe(SCRIPT);
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('falls back to gzip when brotli is refused, and to the file itself when both are', async () => {
    const gz = await get('/assets/app-abc123.js', { 'accept-encoding': 'br;q=0, gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(SCRIPT);
    const plain = await get('/assets/app-abc123.js', { 'accept-encoding': 'br;q=0, gzip;q=0' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(SCRIPT);
    expect(Number(plain.headers['content-length'])).toBe(SCRIPT.length);
    const none = await get('/assets/app-abc123.js');
    expect(none.body.toString()).toBe(SCRIPT);
  });

  it('answers 406 when nothing acceptable is left', async () => {
    const res = await get('/assets/logo-abc123.png', { 'accept-encoding': 'identity;q=0' });
    expect(res.status).toBe(406);
  });

  it('sends files that are not compressed as they are', async () => {
    const res = await get('/assets/logo-abc123.png', { 'accept-encoding': 'br, gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['content-type']).toBe('image/png');
  });

  it('lets hashed assets be kept forever and makes the HTML revalidate', async () => {
    const asset = await get('/assets/app-abc123.js', { 'accept-encoding': 'br' });
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const path of ['/', '/index.html', '/join', '/assist', '/join/']) {
      const page = await get(path, { 'accept-encoding': 'br' });
      expect(page.status, path).toBe(200);
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(brotliDecompressSync(page.body).toString()).toBe(HTML);
    }
  });

  it('answers a revalidation with 304, by ETag or by date, per encoding', async () => {
    const first = await get('/join', { 'accept-encoding': 'br' });
    const etag = String(first.headers.etag);
    const byTag = await get('/join', { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(byTag.status).toBe(304);
    expect(byTag.body.length).toBe(0);
    const byDate = await get('/join', { 'if-modified-since': String(first.headers['last-modified']) });
    expect(byDate.status).toBe(304);
    // The gzip variant is other bytes, so the brotli tag does not validate it.
    const otherEncoding = await get('/join', { 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(otherEncoding.status).toBe(200);
  });

  it('answers HEAD with headers only', async () => {
    const res = await get('/assets/app-abc123.js', { 'accept-encoding': 'br' }, 'HEAD');
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
    expect(res.body.length).toBe(0);
  });

  it('never leaves its directory, and does not serve the compressed files by name', async () => {
    for (const path of [
      '/../outside-secret.txt',
      '/%2e%2e/outside-secret.txt',
      '/assets/%2e%2e/%2e%2e/outside-secret.txt',
      '/assets/..%2f..%2foutside-secret.txt',
      '/assets/..%5c..%5coutside-secret.txt',
      '/index.html%00',
      '/%E0%A4%A',
      '/assets/app-abc123.js.br',
      '/nothing-here',
    ]) {
      const res = await get(path, { 'accept-encoding': 'br' });
      expect(res.status, path).toBe(404);
    }
  });
});
