import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { SignalingPeer, type PeerCredentials } from '../../test/helpers/peer-signaling';
import { raiseOpenFiles, type OpenFiles } from './open-files';
import type { SimPeer, StepResult, ToGenerator } from './protocol';

export const forkTs = (file: string) =>
  fork(resolve(import.meta.dirname, file), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

export function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${child.spawnfile} exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}

/** A load generator (load.ts) in a process of its own, its open-files limit raised to `wantFiles` if allowed. */
export class Generator {
  readonly process = forkTs('load.ts');
  readonly files: OpenFiles;

  constructor(wantFiles: number) {
    this.files = raiseOpenFiles(this.process.pid!, wantFiles);
  }

  /** Connects `add` (two client sockets each against the broker), carries traffic for the window, reports. */
  step(add: SimPeer[], windowMs: number, rate: number): Promise<StepResult> {
    const done = nextMessage<StepResult>(this.process);
    this.process.send({ type: 'step', add, windowMs, rate } satisfies ToGenerator);
    return done;
  }

  async stop(): Promise<void> {
    const exited = new Promise((done) => this.process.once('exit', done));
    this.process.send({ type: 'stop' } satisfies ToGenerator);
    await exited;
  }
}

/**
 * A broker participant as the generator plays it: its PeerServer socket and its events socket (opened with
 * `eventsToken`: the rep's sign-in for a rep, their own peer token for a customer), signaling `partner`.
 */
export function brokerSim(brokerUrl: string, self: PeerCredentials, eventsToken: string, partner: string): SimPeer {
  return {
    id: self.peerId,
    peerUrl: SignalingPeer.url(brokerUrl, self),
    events: { url: `${brokerUrl.replace(/^http/, 'ws')}/api/events`, token: eventsToken },
    partner,
  };
}
