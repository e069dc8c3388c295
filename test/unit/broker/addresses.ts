import { request } from 'node:http';

/**
 * Test-side HTTP from another client address: Linux routes all of 127.0.0.0/8 to loopback, so a socket
 * bound to 127.0.0.2 reaches a broker on 127.0.0.1 as a second party. Same answer shape as `call`.
 */
export function callFrom(
  localAddress: string,
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method, headers, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const answer = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') answer.set(name, value);
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, headers: answer });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The n-th loopback address other than the usual one: 127.0.0.2, 127.0.0.3, … */
export const loopback = (n: number) => `127.0.${Math.floor(n / 250)}.${2 + (n % 250)}`;
