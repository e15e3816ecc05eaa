import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize } from './stats.js';
import { checkTargets, renderTerminalBench, type EchoResult, type TerminalBench } from './terminal-report.js';

const echo = (terminals: number, latencies: number[], lost = 0): EchoResult => ({
  terminals,
  sessions: Math.ceil(terminals / 5),
  keystrokesPerTerminal: 50,
  intervalMs: 100,
  latency: summarize(latencies),
  lost,
  loopDelay: { p50: 1, p99: 2, max: 3 },
});
const startToPrompt = (ms: number) => ({ runs: 20, total: summarize([ms]), create: summarize([ms / 2]), attach: summarize([5]), shell: summarize([ms / 2 - 5]) });
const throughput = (mb: number) => ({ fileBytes: 64 * 1024 ** 2, runs: [{ bytes: 67_980_460, ms: 1000, mbPerSecond: mb }], mbPerSecond: mb });

test('targets: met, missed, and n/a when the wide run was not 200 terminals', () => {
  const met = checkTargets({ echo: [echo(1, [1]), echo(200, [5, 19])], throughput: throughput(55), startToPrompt: startToPrompt(200) });
  assert.deepEqual(met.map((c) => c.met), [true, true, true]);
  const missed = checkTargets({ echo: [echo(1, [1]), echo(200, [5, 21])], throughput: throughput(24), startToPrompt: startToPrompt(301) });
  assert.deepEqual(missed.map((c) => c.met), [false, false, false]);
  const lost = checkTargets({ echo: [echo(200, [1], 1)], throughput: throughput(55), startToPrompt: startToPrompt(100) });
  assert.equal(lost[0]?.met, false, 'a lost echo misses the target');
  const narrow = checkTargets({ echo: [echo(1, [1]), echo(10, [1])], throughput: throughput(55), startToPrompt: startToPrompt(100) });
  assert.equal(narrow[0]?.met, null);
  assert.match(narrow[0]?.measured ?? '', /at 10,/);
});

test('the report prints every measure and every target', () => {
  const parts = { echo: [echo(1, [1]), echo(200, [2, 3])], throughput: throughput(24), startToPrompt: startToPrompt(150) };
  const r: TerminalBench = {
    server: { url: 'http://127.0.0.1:1', inProcess: true, note: 'in this process' },
    ...parts,
    violations: 0,
    sandboxes: { before: 3, after: 3, leftOver: 0 },
    rateLimited: 0,
    durationS: 40,
    targets: checkTargets(parts),
  };
  const text = renderTerminalBench(r);
  for (const want of ['start to first prompt', 'echo, 1 terminal ', 'echo, 200 terminals', '24 MB/s median', 'left over: 0', 'MISS  cat throughput', 'met   keystroke echo']) {
    assert.ok(text.includes(want), `report lacks ${JSON.stringify(want)}:\n${text}`);
  }
});
