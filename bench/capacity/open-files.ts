import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The open-files limit (soft) of a process, from /proc (Linux); 1024, the usual default, if unreadable. */
export function openFiles(pid: number | 'self'): number {
  try {
    const soft = /Max open files\s+(\d+)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[1];
    return soft ? Number(soft) : 1024;
  } catch {
    return 1024;
  }
}

export interface OpenFiles {
  /** The limit in force after the attempt. */
  limit: number;
  /** Why `want` was not granted (e.g. prlimit's "Operation not permitted"), if it was not. */
  refused?: string;
}

/**
 * Raises a running process's open-files limit (soft and hard) to `want` with util-linux `prlimit`: raising
 * the hard limit takes root with CAP_SYS_RESOURCE (Node already lifts its soft limit to the hard one at
 * start, so without it the process keeps what it has). Node has no setrlimit, and raising a child after it
 * started works for the benchmarks' children, which open their sockets only once load arrives.
 */
export function raiseOpenFiles(pid: number, want: number): OpenFiles {
  if (openFiles(pid) >= want) return { limit: openFiles(pid) };
  let refused: string | undefined;
  try {
    execFileSync('prlimit', ['--pid', String(pid), `--nofile=${want}:${want}`], { stdio: 'pipe' });
  } catch (error) {
    const { stderr, message } = error as { stderr?: Buffer; message: string };
    refused = stderr?.toString().trim() || message;
  }
  const limit = openFiles(pid);
  return limit >= want ? { limit } : { limit, refused: refused ?? `limit stayed at ${limit}` };
}

/** For a benchmark's note: the limit, and why it was not raised if it was not. */
export function describeOpenFiles({ limit, refused }: OpenFiles, want: number): string {
  return refused
    ? `${limit.toLocaleString('en')} open files a process (raising to ${want.toLocaleString('en')} refused: ${refused})`
    : `${limit.toLocaleString('en')} open files a process`;
}

/** Open files kept besides the participants' sockets (the runtime's own, a database, IPC). */
const SPARE_FILES = 500;

/** Open files a process needs for `participants`: two sockets each, on the broker's side and the generator's alike. */
export const filesFor = (participants: number) => 2 * participants + SPARE_FILES;

/** How many participants `limit` open files hold (the inverse of `filesFor`). */
export const participantsFitting = (limit: number) => Math.floor((limit - SPARE_FILES) / 2);
