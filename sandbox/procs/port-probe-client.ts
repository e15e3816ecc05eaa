// The server's side of the port-probe helper (port-probe.ts): one long-lived small process
// that runs `ss` for the server, so a port poll costs the server's main thread a line of
// JSON each way instead of a fork of the whole server (issue 11 point 4).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SS_TIMEOUT_MS } from './sock-diag.js';

/** A request not answered within this long fails (ms): ss's own bound plus the helper's start. */
export const PROBE_TIMEOUT_MS = SS_TIMEOUT_MS + 5000;

/** The helper's environment: an allowlist, nothing of the server's (it sets its children's own). */
const HELPER_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

const ProbeAnswer = z.union([
  z.object({ id: z.number(), text: z.string() }),
  z.object({ id: z.number(), error: z.string() }),
]);

interface Pending {
  resolve: (text: string) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** The helper's entry: port-probe.js next to this module (port-probe.ts under tsx). */
function helperPath(): string {
  const here = fileURLToPath(import.meta.url);
  const js = here.replace(/port-probe-client\.(ts|js)$/, 'port-probe.js');
  return existsSync(js) ? js : js.replace(/\.js$/, '.ts');
}

let child: ChildProcessWithoutNullStreams | null = null;
let nextId = 0;
const pending = new Map<number, Pending>();

/** Keeps the process alive only while a request waits. */
function updateRef(): void {
  if (!child) return;
  const pipes = [child.stdout, child.stdin, child.stderr] as unknown as Socket[];
  if (pending.size > 0) child.ref(), pipes.forEach((p) => p.ref());
  else child.unref(), pipes.forEach((p) => p.unref());
}

function failAll(message: string): void {
  for (const [id, p] of pending) {
    clearTimeout(p.timer);
    pending.delete(id);
    p.reject(new Error(message));
  }
}

/** Starts the helper (once; again after it died). */
function helper(): ChildProcessWithoutNullStreams {
  if (child && child.exitCode === null && child.signalCode === null) return child;
  // Under tsx (tests) execArgv carries its loader; in production it is empty.
  const c = spawn(process.execPath, [...process.execArgv, helperPath()], { stdio: 'pipe', env: HELPER_ENV });
  c.stdin.on('error', () => {});
  c.stderr.resume();
  createInterface({ input: c.stdout }).on('line', (line) => {
    let answer: z.infer<typeof ProbeAnswer>;
    try {
      answer = ProbeAnswer.parse(JSON.parse(line));
    } catch {
      return;
    }
    const p = pending.get(answer.id);
    if (!p) return;
    pending.delete(answer.id);
    clearTimeout(p.timer);
    updateRef();
    if ('text' in answer) p.resolve(answer.text);
    else p.reject(new Error(answer.error));
  });
  c.once('exit', (code, signal) => {
    if (child === c) child = null;
    failAll(`the port-probe helper exited (${code ?? signal})`);
  });
  child = c;
  updateRef();
  return c;
}

/**
 * The output of `ss -Hltn` in the network namespace of host process `pid`, run by the
 * helper process (see sock-diag.ts for what it checks).
 * @throws Error with the helper's reason, or on timeout
 */
export function probeListeners(pid: number): Promise<string> {
  const c = helper();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      updateRef();
      reject(new Error(`no answer from the port-probe helper within ${PROBE_TIMEOUT_MS} ms`));
    }, PROBE_TIMEOUT_MS);
    pending.set(id, { resolve, reject, timer });
    updateRef();
    c.stdin.write(`${JSON.stringify({ id, pid })}\n`);
  });
}
