import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export const XVFB = 'Xvfb';

/** A virtual X display for a headful browser: Firefox's getDisplayMedia captures only a real screen. */
export interface VirtualDisplay {
  /** ":N", for DISPLAY. */
  display: string;
  close(): Promise<void>;
}

function assertXvfb(): void {
  if (spawnSync('sh', ['-c', `command -v ${XVFB}`]).status !== 0)
    throw new Error(
      'Xvfb not found (Firefox needs a display to share a screen): install it with "apt-get install -y xvfb xauth".',
    );
}

/** Starts Xvfb on a free display number (Xvfb picks it and writes it to -displayfd). */
export async function startXvfb(): Promise<VirtualDisplay> {
  assertXvfb();
  const xvfb: ChildProcess = spawn(XVFB, ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  // Also when the test process ends without closing it (a crash, Ctrl-C): no display left behind.
  const kill = () => xvfb.kill('SIGTERM');
  process.once('exit', kill);
  let stderr = '';
  xvfb.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const number = await new Promise<string>((resolve, reject) => {
    let out = '';
    xvfb.stdio[3]!.on('data', (chunk) => {
      out += String(chunk);
      if (out.includes('\n')) resolve(out.trim());
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${stderr.trim()}`)));
  });
  return {
    display: `:${number}`,
    close: () =>
      new Promise<void>((resolve) => {
        process.off('exit', kill);
        if (xvfb.exitCode !== null) return resolve();
        xvfb.once('exit', () => resolve());
        xvfb.kill('SIGTERM');
      }),
  };
}
