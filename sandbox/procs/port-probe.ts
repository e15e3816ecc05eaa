// The port-probe helper process: reads one JSON request a line on stdin, `{"id":n,"pid":p}`,
// runs `ss` in that process's network namespace (sock-diag.ts), and answers one JSON line,
// `{"id":n,"text":"…"}` or `{"id":n,"error":"…"}`. It exists because a spawn from the
// server forks the whole server: libuv 1.46 forks, and fork copies the page tables, so a
// spawn costs the server's main thread ~2 ms per 100 MB of its RSS (150–200 ms at 500 MB,
// docs/BENCHMARKS.md). This process stays small, so its forks are cheap and off the server.
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { ssListeners } from './sock-diag.js';

/** One request on stdin. */
export const ProbeRequest = z.object({ id: z.number().int().nonnegative(), pid: z.number().int().positive() });

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  let request: z.infer<typeof ProbeRequest>;
  try {
    request = ProbeRequest.parse(JSON.parse(line));
  } catch {
    return; // not from the server: ignored
  }
  ssListeners(request.pid).then(
    (text) => process.stdout.write(`${JSON.stringify({ id: request.id, text })}\n`),
    (err: unknown) => process.stdout.write(`${JSON.stringify({ id: request.id, error: (err as Error).message })}\n`),
  );
});
lines.on('close', () => process.exit(0));
