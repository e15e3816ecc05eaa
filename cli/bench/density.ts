// `pier bench density`: how many idle students one host holds. N sessions, each with one
// attached terminal at its prompt, on a server in this process (session and uid-range caps
// raised for the run); then host memory per session, the server's RSS, the terminal
// helpers' memory, and keystroke echo among them. Every session is ended however it stops.
import { execFile } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { readFile, readdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { loadConfig } from '../../server/config.js';
import { type Summary } from './stats.js';
import { Fleet, inBatches, SESSION_CONCURRENCY, type BenchTerminal } from './terminal-fleet.js';
import { inProcessTarget, measureEcho, type Target } from './terminal.js';

const execFileAsync = promisify(execFile);

/** Terminals of the N that type in the echo run (all of them when N is smaller). */
export const DENSITY_TYPISTS = 50;
/** After the fleet is up: writeback (`sync`) and this pause before memory is read (ms). */
export const DENSITY_SETTLE_MS = 3000;
/** Extra uid ranges beyond N (other sandboxes of the host, the bench's own slack). */
const UID_RANGE_SLACK = 64;

export interface DensityResult {
  sessions: number;
  /** uptime's load averages when the fleet was up. */
  load: string;
  /** (MemAvailable before − after) / sessions, MiB: everything the host spent per session. */
  hostMiBPerSession: number;
  /** Growth of this process's RSS (the server) per session, MiB. */
  serverMiBPerSession: number;
  /** Processes this server started that hold or wait on a terminal (runc relays, pier-ptywait): count, and RSS and PSS per session, MiB. */
  helpers: { processes: number; rssMiBPerSession: number; pssMiBPerSession: number; names: string[] };
  echo: { typists: number; latency: Summary; lost: number; loopDelayP99: number };
}

/** MemAvailable in KiB. */
async function memAvailableKiB(): Promise<number> {
  const text = await readFile('/proc/meminfo', 'utf8');
  const m = /^MemAvailable:\s+(\d+) kB/m.exec(text);
  if (!m) throw new Error('no MemAvailable in /proc/meminfo');
  return Number(m[1]);
}

/** RSS and PSS (KiB) of this process's children, by name. */
async function childrenMemory(): Promise<{ count: number; rssKiB: number; pssKiB: number; names: Set<string> }> {
  const out = { count: 0, rssKiB: 0, pssKiB: 0, names: new Set<string>() };
  const pids = await readdir('/proc');
  for (const pid of pids) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== process.pid) continue;
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (name === 'esbuild') continue; // tsx's compiler, when run from the sources
      const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
      out.count++;
      out.names.add(name);
      out.rssKiB += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      out.pssKiB += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const mib = (kib: number, n: number): number => Math.round((kib / 1024 / n) * 100) / 100;

/** Runs the density benchmark for `sessions` sessions. */
export async function benchDensity(sessions: number, log: (line: string) => void): Promise<DensityResult> {
  const base = loadConfig();
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // every terminal's pending wait listens on it
  const target: Target = await inProcessTarget(sessions, {
    maxSessions: Math.max(base.maxSessions, sessions + 2),
    maxSessionsPerAddress: Math.max(base.maxSessionsPerAddress, sessions + 2),
    uidRanges: Math.max(base.uidRanges, sessions + UID_RANGE_SLACK),
  });
  const fleet = new Fleet(target.url, controller.signal, log);
  try {
    log(`server: ${target.url} (${target.note})`);
    await execFileAsync('sync');
    const availBefore = await memAvailableKiB();
    const rssBefore = process.memoryUsage().rss;
    log(`creating ${sessions} sessions, each with its terminal attached at a prompt`);
    const terms: BenchTerminal[] = await inBatches(Array.from({ length: sessions }, (_, i) => i), SESSION_CONCURRENCY, async (i) => {
      const s = await fleet.createSession();
      const t = await fleet.attach(s, s.view.nodes[0]!.terminals[0]!.id);
      if ((i + 1) % 50 === 0) log(`  ${i + 1}/${sessions}`);
      return t;
    });
    await execFileAsync('sync');
    await sleep(DENSITY_SETTLE_MS);
    const availAfter = await memAvailableKiB();
    const rssAfter = process.memoryUsage().rss;
    const helpers = await childrenMemory();
    const load = (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
    const typists = terms.slice(0, Math.min(DENSITY_TYPISTS, terms.length));
    log(`echo: ${typists.length} of the ${sessions} terminals typing (load ${load})`);
    const echo = await measureEcho(typists, typists.length, controller.signal);
    return {
      sessions,
      load,
      hostMiBPerSession: mib(availBefore - availAfter, sessions),
      serverMiBPerSession: mib((rssAfter - rssBefore) / 1024, sessions),
      helpers: { processes: helpers.count, rssMiBPerSession: mib(helpers.rssKiB, sessions), pssMiBPerSession: mib(helpers.pssKiB, sessions), names: [...helpers.names].sort() },
      echo: { typists: typists.length, latency: echo.latency, lost: echo.lost, loopDelayP99: echo.loopDelay.p99 },
    };
  } finally {
    log(`ending ${fleet.sessions.size} sessions`);
    const failed = await fleet.endAll();
    if (failed.length > 0 && target.endDirectly) await target.endDirectly(failed);
    await target.close();
  }
}

/** The result as a few lines of text. */
export function renderDensityBench(r: DensityResult): string {
  const l = r.echo.latency;
  return [
    `density: ${r.sessions} idle sessions, one attached terminal each (load ${r.load})`,
    `  host memory per session      ${r.hostMiBPerSession} MiB   (MemAvailable drop / sessions; target ≤ 4 MiB)`,
    `  server RSS per session       ${r.serverMiBPerSession} MiB`,
    `  terminal helpers             ${r.helpers.processes} processes (${r.helpers.names.join(', ') || 'none'}): RSS ${r.helpers.rssMiBPerSession} MiB, PSS ${r.helpers.pssMiBPerSession} MiB per session`,
    `  echo, ${r.echo.typists} typing among them  p50 ${l.p50} ms  p95 ${l.p95} ms  p99 ${l.p99} ms  (n=${l.runs}, lost ${r.echo.lost}; loop delay p99 ${r.echo.loopDelayP99} ms; target p99 ≤ 50 ms)`,
  ].join('\n');
}
