// Terminal over a fake pty: replay, screens, read-only viewers, flow control, coalescing.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { COALESCE_BYTES, HIGH_WATERMARK_BYTES, LOW_WATERMARK_BYTES, MAX_REPLAY_BYTES, SEND_WINDOW_BYTES, Terminal } from './terminal.js';
import type { AttachOptions, Disposable, ExitStatus, TerminalPty, Viewer } from './types.js';

/** A pty that records what the Terminal asks of it; tests emit its output. */
class FakePty implements TerminalPty {
  readonly #data = new Set<(d: string | Uint8Array) => void>();
  readonly #exit = new Set<(e: { exitCode: number; signal?: number }) => void>();
  written: string[] = [];
  sizes: Array<[number, number]> = [];
  flow: Array<'pause' | 'resume'> = [];
  signals: string[] = [];
  readonly onData = (l: (d: string | Uint8Array) => void): Disposable => (this.#data.add(l), { dispose: () => this.#data.delete(l) });
  readonly onExit = (l: (e: { exitCode: number; signal?: number }) => void): Disposable => (this.#exit.add(l), { dispose: () => this.#exit.delete(l) });
  write(data: Buffer): void {
    this.written.push(data.toString());
  }
  resize(cols: number, rows: number): void {
    this.sizes.push([cols, rows]);
  }
  pause(): void {
    this.flow.push('pause');
  }
  resume(): void {
    this.flow.push('resume');
  }
  kill(signal?: string): void {
    this.signals.push(signal ?? 'SIGHUP');
  }
  get paused(): boolean {
    return this.flow.at(-1) === 'pause';
  }
  emit(d: string | Uint8Array): void {
    for (const l of [...this.#data]) l(d);
  }
  exit(exitCode: number, signal?: number): void {
    for (const l of [...this.#exit]) l(signal === undefined ? { exitCode } : { exitCode, signal });
  }
}

/** A viewer that records everything and checks the stream has no gap and no duplicate. */
class RecordingViewer implements Viewer {
  outputs: Array<{ offset: number; bytes: Uint8Array }> = [];
  resyncs: Array<{ offset: number; screen: string }> = [];
  exits: ExitStatus[] = [];
  closes: string[] = [];
  congested = false;
  /** Next expected offset. */
  end: number;
  chunks: Uint8Array[] = [];
  constructor(start = 0) {
    this.end = start;
  }
  output(offset: number, bytes: Uint8Array): void {
    assert.equal(offset, this.end, 'output continues exactly where the last one ended');
    this.outputs.push({ offset, bytes });
    this.chunks.push(bytes);
    this.end += bytes.length;
  }
  resync(offset: number, screen: string): void {
    this.resyncs.push({ offset, screen });
    this.end = offset;
    this.chunks = [];
  }
  exit(status: ExitStatus): void {
    this.exits.push(status);
  }
  closed(reason: string): void {
    this.closes.push(reason);
  }
  writable(): boolean {
    return !this.congested;
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString();
  }
}

const SIZE = { cols: 80, rows: 24 };

/**
 * Attaches `viewer`; when the terminal answers `pending` (a screen is being serialized),
 * waits for that screen and answers as a synchronous attach would have (the screen's
 * resync is not kept in `resyncs`).
 */
async function attached(term: Terminal, viewer: RecordingViewer, options: AttachOptions): Promise<{ offset: number; screen?: string; replay: Uint8Array }> {
  const r = term.attach(viewer, options);
  if (!('pending' in r)) return r;
  const before = viewer.resyncs.length;
  while (viewer.resyncs.length === before) await sleep(2);
  const first = viewer.resyncs.splice(before, 1)[0]!;
  return { offset: first.offset, screen: first.screen, replay: new Uint8Array(0) };
}
const tick = () => sleep(20); // longer than COALESCE_MS, and lets the mirror parse

/** A Terminal over a fake pty, disposed after the test. */
function setup(ctx: TestContext, options: { logBytes?: number } = {}) {
  const pty = new FakePty();
  const term = new Terminal(pty, SIZE, options);
  ctx.after(() => term.dispose());
  return { pty, term };
}

/** Waits until the terminal's screen mirror has parsed all output. */
async function parsed(term: Terminal): Promise<void> {
  while (term.snapshot().offset < term.offset) await sleep(5);
}

describe('Terminal: attach and replay', () => {
  test('replay from any offset gives exactly the missing bytes', async (ctx) => {
    const t = setup(ctx);
    const full: string[] = [];
    for (let i = 0; i < 50; i++) {
      full.push(`line ${i}\r\n`);
      t.pty.emit(`line ${i}\r\n`);
      if (i % 10 === 0) await tick();
    }
    await tick();
    const all = full.join('');
    for (const from of [0, 1, 7, 100, all.length - 1, all.length]) {
      const v = new RecordingViewer(from);
      const r = await attached(t.term, v, { resumeFrom: from, ...SIZE, readOnly: false });
      assert.equal(r.screen, undefined);
      assert.equal(r.offset, from);
      assert.equal(Buffer.from(r.replay).toString(), all.slice(from));
      t.term.detach(v);
    }
  });

  test('a viewer that drops and resumes misses nothing and sees nothing twice', async (ctx) => {
    const t = setup(ctx);
    const a = new RecordingViewer();
    const r = await attached(t.term, a, { ...SIZE, readOnly: false });
    assert.deepEqual(r, { offset: 0, replay: new Uint8Array(0) });
    t.pty.emit('one\r\n');
    await tick();
    t.term.detach(a);
    t.pty.emit('two\r\n');
    t.pty.emit('three\r\n');
    await tick();
    const b = new RecordingViewer(a.end);
    const r2 = await attached(t.term, b, { resumeFrom: a.end, ...SIZE, readOnly: false });
    assert.equal(a.text + Buffer.from(r2.replay).toString(), 'one\r\ntwo\r\nthree\r\n');
  });

  test('an offset too old, past the end, or too far behind gets the screen', async (ctx) => {
    const t = setup(ctx, { logBytes: 1000 });
    for (let i = 0; i < 300; i++) t.pty.emit(`row ${String(i).padStart(3, '0')}\r\n`);
    await parsed(t.term);
    for (const from of [0, 10, t.term.offset + 1]) {
      const r = await attached(t.term, new RecordingViewer(), { resumeFrom: from, ...SIZE, readOnly: true });
      assert.equal(r.offset, t.term.offset);
      assert.match(r.screen ?? '', /row 299/);
      assert.doesNotMatch(r.screen ?? '', /row 000/, 'the snapshot holds the screen and the recent scrollback only');
    }
  });

  test('a viewer more than MAX_REPLAY_BYTES behind gets the screen, not a replay', async (ctx) => {
    const t = setup(ctx);
    t.pty.emit('x'.repeat(MAX_REPLAY_BYTES + 10));
    await parsed(t.term);
    const r = await attached(t.term, new RecordingViewer(), { resumeFrom: 5, ...SIZE, readOnly: true });
    assert.ok(r.screen !== undefined);
    assert.equal(r.offset, MAX_REPLAY_BYTES + 10);
  });

  test('a new viewer of a short history replays it from 0; of a long one gets the screen', async (ctx) => {
    const t = setup(ctx, { logBytes: 100 });
    t.pty.emit('hello\r\n$ ');
    assert.equal(Buffer.from((await attached(t.term, new RecordingViewer(), { ...SIZE, readOnly: true })).replay).toString(), 'hello\r\n$ ');
    t.pty.emit('y\r\n'.repeat(100));
    await tick();
    assert.match((await attached(t.term, new RecordingViewer(), { ...SIZE, readOnly: true })).screen ?? '', /y/);
  });
});

describe('Terminal: viewers’ rights', () => {
  test('a read-only viewer’s input and resizes are dropped; a writer’s reach the pty', async (ctx) => {
    const t = setup(ctx);
    const ro = new RecordingViewer();
    const rw = new RecordingViewer();
    await attached(t.term, ro, { cols: 100, rows: 50, readOnly: true });
    await attached(t.term, rw, { ...SIZE, readOnly: false });
    assert.equal(t.term.input(ro, Buffer.from('rm -rf /\r')), false);
    assert.equal(t.term.resize(ro, 10, 10), false);
    assert.equal(t.term.input(rw, Buffer.from('ls\r')), true);
    assert.equal(t.term.resize(rw, 120, 40), true);
    assert.deepEqual(t.pty.written, ['ls\r']);
    assert.deepEqual(t.pty.sizes, [[120, 40]], 'the read-only attach size was not applied either');
    assert.equal(t.term.input(new RecordingViewer(), Buffer.from('x')), false, 'not attached');
  });
});

describe('Terminal: flow control', () => {
  test('pauses the pty above the high watermark, resumes below the low one', async (ctx) => {
    const t = setup(ctx);
    const v = new RecordingViewer();
    await attached(t.term, v, { ...SIZE, readOnly: false });
    const chunk = 'y\n'.repeat(8192); // 16 KiB
    while (t.term.offset <= HIGH_WATERMARK_BYTES) t.pty.emit(chunk);
    await parsed(t.term); // the mirror has caught up: only the viewer holds the pty now
    await tick();
    assert.equal(t.pty.paused, true, 'paused by the viewer that does not ack');
    assert.ok(v.end <= SEND_WINDOW_BYTES, 'never more than a window unacknowledged');
    t.term.ack(v, t.term.offset - LOW_WATERMARK_BYTES - 1);
    assert.equal(t.pty.paused, true, 'still paused between the watermarks');
    while (v.end < t.term.offset) {
      t.term.ack(v, v.end);
      await tick();
    }
    t.term.ack(v, v.end);
    assert.deepEqual(t.pty.flow, ['pause', 'resume']);
  });

  test('a read-only viewer never pauses the pty; far behind it gets a screen', async (ctx) => {
    const t = setup(ctx, { logBytes: 512 * 1024 });
    const ro = new RecordingViewer();
    await attached(t.term, ro, { ...SIZE, readOnly: true });
    for (let i = 0; i < 64; i++) {
      t.pty.emit(`${String(i).padStart(5, '0')}\n`.repeat(2731)); // ~16 KiB
      await sleep(2);
    }
    await parsed(t.term);
    assert.deepEqual(t.pty.flow.filter((f) => f === 'pause'), [], 'never paused for a read-only viewer');
    assert.equal(ro.end, SEND_WINDOW_BYTES, 'sends stopped at the window');
    t.term.ack(ro, ro.end);
    while (ro.resyncs.length === 0) await sleep(2); // the screen is serialized in slices
    await tick();
    assert.equal(ro.resyncs.length, 1, 'its next byte left the log: resynced with the screen');
    assert.match(ro.resyncs[0]?.screen ?? '', /00063/);
    assert.equal(ro.end, t.term.offset);
  });

  test('a congested viewer waits, counts as behind, and is pumped on drained()', async (ctx) => {
    const t = setup(ctx);
    const v = new RecordingViewer();
    await attached(t.term, v, { ...SIZE, readOnly: false });
    v.congested = true;
    while (t.term.offset <= HIGH_WATERMARK_BYTES) t.pty.emit('z'.repeat(16384));
    await tick();
    assert.equal(v.end, 0);
    assert.equal(t.pty.paused, true);
    v.congested = false;
    t.term.drained(v);
    assert.equal(v.end, SEND_WINDOW_BYTES);
  });
});

describe('Terminal: coalescing', () => {
  test('a single small chunk is delivered at once, without waiting for a timer', async (ctx) => {
    const t = setup(ctx);
    const v = new RecordingViewer();
    await attached(t.term, v, { ...SIZE, readOnly: false });
    t.pty.emit('a');
    assert.equal(v.text, 'a');
  });

  test('a burst is batched: the first chunk at once, the rest in one frame a few ms later', async (ctx) => {
    const t = setup(ctx);
    const v = new RecordingViewer();
    await attached(t.term, v, { ...SIZE, readOnly: false });
    for (let i = 0; i < 10; i++) t.pty.emit(`${i}`);
    assert.deepEqual(v.outputs.length, 1);
    await tick();
    assert.deepEqual(v.outputs.map((o) => Buffer.from(o.bytes).toString()), ['0', '123456789']);
  });

  test('a batch is sent early once it holds COALESCE_BYTES', async (ctx) => {
    const t = setup(ctx);
    const v = new RecordingViewer();
    await attached(t.term, v, { ...SIZE, readOnly: false });
    t.pty.emit('x');
    for (let i = 0; i < COALESCE_BYTES / 1024; i++) t.pty.emit('y'.repeat(1024));
    assert.equal(v.end, 1 + COALESCE_BYTES, 'no timer needed');
  });
});

describe('Terminal: exit and dispose', () => {
  test('exit reaches each viewer after all output, a lagging one only once it caught up', async (ctx) => {
    const t = setup(ctx);
    const fast = new RecordingViewer();
    const slow = new RecordingViewer();
    await attached(t.term, fast, { ...SIZE, readOnly: false });
    await attached(t.term, slow, { ...SIZE, readOnly: true });
    const exits: ExitStatus[] = [];
    t.term.onExit((s) => exits.push(s));
    t.pty.emit('w'.repeat(SEND_WINDOW_BYTES + 100));
    t.term.ack(fast, fast.end);
    t.pty.exit(0);
    assert.deepEqual(exits, [{ code: 0, signal: null }]);
    assert.deepEqual(fast.exits, [{ code: 0, signal: null }]);
    assert.deepEqual(slow.exits, [], 'not before its last byte');
    t.term.ack(slow, slow.end);
    assert.deepEqual(slow.exits, [{ code: 0, signal: null }]);
    assert.equal(t.term.exitStatus?.code, 0);
  });

  test('a viewer that attaches after the exit gets the output, then exit (never inside attach)', async (ctx) => {
    const t = setup(ctx);
    t.pty.emit('bye\r\n');
    t.pty.exit(0, 9);
    const v = new RecordingViewer();
    const r = t.term.attach(v, { ...SIZE, readOnly: true });
    assert.ok(!('pending' in r), 'a short history is replayed');
    assert.equal(Buffer.from(r.replay).toString(), 'bye\r\n');
    assert.deepEqual(v.exits, []);
    await sleep(0);
    assert.deepEqual(v.exits, [{ code: null, signal: 9 }]);
  });

  test('dispose kills the pty, tells viewers, refuses new ones; idempotent', async (ctx) => {
    const t = setup(ctx);
    const v = new RecordingViewer();
    await attached(t.term, v, { ...SIZE, readOnly: false });
    t.term.dispose('reset');
    t.term.dispose();
    assert.deepEqual(t.pty.signals, ['SIGHUP']);
    assert.deepEqual(v.closes, ['reset']);
    assert.equal(t.term.viewerCount, 0);
    assert.throws(() => t.term.attach(v, { ...SIZE, readOnly: false }));
    t.pty.emit('late output is ignored');
    t.pty.exit(0);
  });
});

describe('Terminal: snapshots rate-limited per terminal (issue 11 point 3)', () => {
  test('a reattach within SNAPSHOT_MIN_INTERVAL_MS reuses the last screen and replays what followed', async (ctx) => {
    const t = setup(ctx, { logBytes: 4096 });
    t.pty.emit('y\r\n'.repeat(2000));
    await parsed(t.term);
    const r1 = await attached(t.term, new RecordingViewer(t.term.offset), { ...SIZE, readOnly: true });
    assert.ok(r1.screen !== undefined && r1.offset === t.term.offset);
    t.pty.emit('later\r\n');
    await parsed(t.term);
    const r2 = await attached(t.term, new RecordingViewer(t.term.offset), { ...SIZE, readOnly: true });
    assert.equal(r2.screen, r1.screen, 'the same screen, not serialized again');
    assert.equal(r2.offset, r1.offset);
    assert.equal(Buffer.from(r2.replay).toString(), 'later\r\n', 'the bytes after it are replayed');
  });
});
