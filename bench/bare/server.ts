import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../../test/helpers/broker';

/**
 * The baseline: two bare pages using only PeerJS (its own minified build, no app code), served from
 * 127.0.0.1:0. They talk to the broker's PeerServer with real participant ids and tokens made through
 * the API, so the baseline crosses the same PeerServer door as the app (issue 6: "against the same
 * PeerServer").
 *
 * The files are served by a child process (this module, forked), as the broker serves the join page
 * from its own: the benchmark's process is busy driving the browsers.
 *
 * The page reads its part from the URL fragment: `{host, port, id, token, dial?}`. It opens a Peer;
 * with `dial` it opens a JSON data connection to that peer, and its Share/Stop buttons call it with the
 * (fake) screen; its Start voice calls it with the (fake) microphone, answered with the other side's.
 * Other incoming calls are answered without media and shown in a <video>, removed when the
 * caller says `stop` over the data connection (as the app's share messages do). The mark `data-closed` is
 * when PeerJS reports the data connection closed (the presence benchmark's baseline).
 */
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bare peerjs</title><link rel="icon" href="data:,"></head>
<body><button id="share">Share screen</button> <button id="stop">Stop sharing</button>
<button id="voice">Start voice</button> <button id="hangup">Leave voice</button>
<script src="/peerjs.min.js"></script><script src="/bare.js"></script></body></html>`;

const SCRIPT = `
const cfg = JSON.parse(decodeURIComponent(location.hash.slice(1)));
const marks = window.__bench;
const mark = (key) => { if (!(key in marks.appear)) marks.appear[key] = window.__benchNow(); };
mark('peerjs-ready');
const peer = new Peer(cfg.id, { host: cfg.host, port: cfg.port, path: '/peerjs/', key: 'peerjs', token: cfg.token,
  secure: false, debug: 0, config: { iceServers: [] } });
let data, call, stream;
const keep = (c) => {
  data = c;
  c.on('close', () => mark('data-closed'));
  c.on('data', (m) => { if (m && m.type === 'stop') document.querySelectorAll('video').forEach((v) => v.remove()); });
};
peer.on('open', () => {
  mark('peer-open');
  if (cfg.dial) keep(peer.connect(cfg.dial, { serialization: 'json', reliable: true }));
});
peer.on('connection', keep);
let voice, mic;
// The side that answers voice is in it already (its microphone on), as in the app's benchmark.
const answerMic = navigator.mediaDevices.getUserMedia({ audio: true, video: false }).catch(() => undefined);
peer.on('call', (incoming) => {
  if (incoming.metadata && incoming.metadata.kind === 'voice') {
    answerMic.then((m) => incoming.answer(m));
    return;
  }
  incoming.answer();
  incoming.on('stream', (s) => {
    const video = document.createElement('video');
    video.autoplay = true; video.muted = true; video.playsInline = true; video.srcObject = s;
    document.body.append(video);
  });
});
document.getElementById('share').onclick = async () => {
  stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  call = peer.call(cfg.dial, stream, { metadata: { kind: 'screen' } });
};
document.getElementById('voice').onclick = async () => {
  mic = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  voice = peer.call(cfg.dial, mic, { metadata: { kind: 'voice' } });
};
document.getElementById('hangup').onclick = () => {
  voice.close();
  mic.getTracks().forEach((t) => t.stop());
};
document.getElementById('stop').onclick = () => {
  data.send({ type: 'stop' });
  call.close();
  stream.getTracks().forEach((t) => t.stop());
};
`;

export const PEERJS_MIN = resolve(ROOT, 'node_modules/peerjs/dist/peerjs.min.js');

export interface BarePeer {
  host: string;
  port: number;
  id: string;
  token: string;
  dial?: string;
}

export interface BareServer {
  url(part: BarePeer): string;
  close(): Promise<void>;
}

/** Forks this module as a static server on 127.0.0.1:0; resolves once it listens. */
export async function startBareServer(): Promise<BareServer> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((done, fail) => {
    child.once('message', (message) => done((message as { port: number }).port));
    child.once('exit', (code) => fail(new Error(`The bare-page server exited (${code})`)));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    url: (part) => `${base}/bare.html#${encodeURIComponent(JSON.stringify(part))}`,
    close: async () => {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill();
      await exited;
    },
  };
}

function serve(): void {
  const files: Record<string, [string, string | Buffer]> = {
    '/bare.html': ['text/html; charset=utf-8', PAGE],
    '/bare.js': ['text/javascript', SCRIPT],
    '/peerjs.min.js': ['text/javascript', readFileSync(PEERJS_MIN)],
  };
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1]);
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => process.exit(0));
}

if (process.argv.includes('--serve') && process.send) serve();
