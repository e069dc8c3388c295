/**
 * The login-flood benchmark's attacker, a process of its own (forked by login-flood.ts) so the timed
 * requests are not queued behind the flood's own responses. On {type:'start', url, concurrency} it keeps
 * `concurrency` bogus sign-ins in flight (unknown emails: the broker checks them against its decoy hash),
 * each sent again the moment it is answered, 429 or not, as a script would; it says {type:'flooding'}
 * once every one of them was answered once, and on {type:'stop'} reports how they were answered.
 */
type FromRunner = { type: 'start'; url: string; concurrency: number } | { type: 'stop' };

let running = false;
const statuses: Record<string, number> = {};

async function attacker(url: string, n: number, started: () => void): Promise<void> {
  let first = true;
  while (running) {
    try {
      const res = await fetch(`${url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `bogus-${n}@example.test`, password: 'not-the-password' }),
      });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    } catch {
      statuses.error = (statuses.error ?? 0) + 1;
    }
    if (first) started();
    first = false;
  }
}

const loops: Promise<void>[] = [];
process.on('message', (message: FromRunner) => {
  if (message.type === 'start') {
    running = true;
    let waiting = message.concurrency;
    const started = () => --waiting === 0 && process.send!({ type: 'flooding' });
    for (let i = 0; i < message.concurrency; i++) loops.push(attacker(message.url, i, started));
  } else {
    running = false;
    void Promise.all(loops).then(() => {
      process.send!({ type: 'stopped', statuses });
      process.disconnect();
    });
  }
});
