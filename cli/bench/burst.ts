// `pier bench burst`: a class pressing Start at once. N students (own browsers, own owner
// cookies) each POST a session within one second, open its terminal socket and wait for
// the prompt; the time from the first POST until every one shows a prompt, and each
// student's own Start → prompt. A server in this process; every session is ended after.
import { setMaxListeners } from 'node:events';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../server/config.js';
import { summarize, type Summary } from './stats.js';
import { Fleet } from './terminal-fleet.js';
import { inProcessTarget } from './terminal.js';

/** The window the Starts are spread over (ms). */
export const BURST_WINDOW_MS = 1000;

export interface BurstResult {
  students: number;
  load: string;
  /** First POST → the last terminal's first prompt (ms). */
  allAtPromptMs: number;
  /** Each student's POST → their first prompt (ms). */
  startToPrompt: Summary;
  /** Each student's POST → 201. */
  create: Summary;
  failed: number;
}

/** Runs the burst benchmark for `students` students. */
export async function benchBurst(students: number, log: (line: string) => void): Promise<BurstResult> {
  const base = loadConfig();
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // every terminal's pending wait listens on it
  const target = await inProcessTarget(students, {
    maxSessions: Math.max(base.maxSessions, students + 2),
    maxSessionsPerAddress: Math.max(base.maxSessionsPerAddress, students + 2),
  });
  const fleet = new Fleet(target.url, controller.signal, log);
  try {
    log(`server: ${target.url} (${target.note})`);
    log(`${students} Starts within ${BURST_WINDOW_MS} ms`);
    const t0 = performance.now();
    const create: number[] = [];
    const total: number[] = [];
    let failed = 0;
    let lastPrompt = t0;
    await Promise.all(
      Array.from({ length: students }, async (_, i) => {
        await sleep((i * BURST_WINDOW_MS) / students);
        let postAt = 0;
        try {
          const s = await fleet.createSession(() => (postAt = performance.now()));
          create.push(performance.now() - postAt);
          const term = await fleet.attach(s, s.view.nodes[0]!.terminals[0]!.id);
          const at = term.firstPromptAt!;
          total.push(at - postAt);
          lastPrompt = Math.max(lastPrompt, at);
        } catch (err) {
          failed++;
          log(`  student ${i + 1}: ${(err as Error).message}`);
        }
      }),
    );
    const load = (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
    return { students, load, allAtPromptMs: Math.round(lastPrompt - t0), startToPrompt: summarize(total), create: summarize(create), failed };
  } finally {
    log(`ending ${fleet.sessions.size} sessions`);
    const failedEnds = await fleet.endAll();
    if (failedEnds.length > 0 && target.endDirectly) await target.endDirectly(failedEnds);
    await target.close();
  }
}

/** The result as a few lines of text. */
export function renderBurstBench(r: BurstResult): string {
  const s = r.startToPrompt;
  return [
    `burst: ${r.students} Starts within ${BURST_WINDOW_MS} ms (load ${r.load})`,
    `  all at a prompt after        ${r.allAtPromptMs} ms   (first POST → last prompt; target ≤ 5000 ms)`,
    `  each Start → prompt          p50 ${s.p50} ms  p95 ${s.p95} ms  max ${s.max} ms`,
    `  each POST → 201              p50 ${r.create.p50} ms  p95 ${r.create.p95} ms`,
    `  failed                       ${r.failed}`,
  ].join('\n');
}
