// The screen mirror's flood shortcut must never change a screen: every stream here goes to
// a ScreenMirror and to a plain headless xterm of the same size and scrollback, and the
// two must serialize alike (the snapshot and the whole scrollback).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import xtermHeadless from '@xterm/headless';
import { MIRROR_MAX_CELLS, MIRROR_SCROLLBACK_LINES, ScreenMirror, snapshotScrollback } from './screen-mirror.js';
import { cutBeforeLastLines, isPlainText } from './plain-text.js';

const { Terminal: HeadlessTerminal } = xtermHeadless;

/** `n` numbered plain lines of `width` characters, CR LF ended, as a terminal prints them. */
function lines(n: number, width = 76, tag = 'L'): Buffer {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${tag}${String(i).padStart(7, '0')}`.padEnd(width, String.fromCharCode(97 + (i % 26))) + '\r\n');
  return Buffer.from(out.join(''), 'utf8');
}

type Headless = InstanceType<typeof HeadlessTerminal>;

/**
 * What a terminal shows: its last `rows + scrollback` rows of the normal buffer (and the
 * alternate screen when active), cell by cell with each cell's style, and the cursor.
 */
function shown(term: Headless, scrollback: number): string {
  const dump = (buffer: Headless['buffer']['normal'], from: number, to: number): string[] => {
    const rows: string[] = [];
    const cell = buffer.getNullCell();
    for (let y = Math.max(0, from); y < to; y++) {
      const line = buffer.getLine(y);
      let row = '';
      for (let x = 0; line && x < term.cols; x++) {
        const c = line.getCell(x, cell)!;
        const style = [c.getFgColorMode(), c.getFgColor(), c.getBgColorMode(), c.getBgColor(), c.isBold(), c.isItalic(), c.isUnderline(), c.isInverse(), c.isDim()].join(',');
        row += `${c.getChars() || ' '}${c.getWidth()}{${style}}`;
      }
      rows.push(row);
    }
    return rows;
  };
  const normal = term.buffer.normal;
  const active = term.buffer.active;
  return JSON.stringify({
    normal: dump(normal, normal.length - term.rows - scrollback, normal.length),
    alt: active.type === 'alternate' ? dump(active, 0, active.length) : null,
    cursor: [active.cursorX, active.cursorY],
  });
}

/** A fresh terminal of `size` painted `screen`: what a viewer sees after a snapshot. */
async function repaint(screen: string, size: { cols: number; rows: number }): Promise<Headless> {
  const term = new HeadlessTerminal({ ...size, scrollback: MIRROR_SCROLLBACK_LINES, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(screen, resolve));
  return term;
}

/**
 * Feeds `steps` (bytes, or a resize) to a mirror and to a reference; returns what a viewer
 * painted the mirror's snapshot shows and what the reference shows.
 */
async function compare(steps: Array<Buffer | { cols: number; rows: number }>, size = { cols: 80, rows: 24 }) {
  const mirror = new ScreenMirror(size);
  const ref = new HeadlessTerminal({ ...size, scrollback: MIRROR_SCROLLBACK_LINES, allowProposedApi: true });
  let total = 0;
  for (const step of steps) {
    if (Buffer.isBuffer(step)) {
      // In pty-sized reads, each its own event, as a terminal gets them.
      for (let i = 0; i < step.length; i += 65536) {
        mirror.write(step.subarray(i, i + 65536));
        await sleep(0);
      }
      total += step.length;
      await new Promise<void>((resolve) => ref.write(step, resolve));
    } else {
      mirror.resize(step.cols, step.rows);
      await new Promise<void>((resolve) => ref.write('', resolve));
      ref.resize(step.cols, step.rows);
    }
  }
  while (mirror.parsed < total) await sleep(5);
  const snap = await mirror.snapshotSliced();
  assert.equal(snap.offset, total);
  const sync = mirror.snapshot();
  assert.equal(sync.screen, snap.screen, 'the sliced and the one-go snapshot are the same');
  const scrollback = snapshotScrollback(ref.cols, ref.rows);
  const viewer = await repaint(snap.screen, { cols: ref.cols, rows: ref.rows });
  const result = { skipped: mirror.skipped, snapshot: shown(viewer, scrollback), refSnapshot: shown(ref, scrollback) };
  viewer.dispose();
  mirror.dispose();
  ref.dispose();
  return result;
}

describe('plain text helpers', () => {
  test('plain text is printable ASCII, CR and LF only', () => {
    assert.equal(isPlainText(Buffer.from('hello world\r\n~!')), true);
    for (const bad of ['\x1b[31m', 'tab\there', 'bell\x07', 'del\x7f', '한글', '\x00']) assert.equal(isPlainText(Buffer.from(bad)), false, JSON.stringify(bad));
  });

  test('the cut leaves at least the asked lines, starting after a CR LF', () => {
    const text = lines(10, 10);
    const cut = cutBeforeLastLines(text, 3);
    assert.equal(text.subarray(cut).toString(), lines(10, 10).toString().split('\r\n').slice(-4).join('\r\n'));
    assert.equal(cutBeforeLastLines(text, 10), 0, 'not enough lines: no cut');
    assert.equal(cutBeforeLastLines(Buffer.from('a\nb\nc\nd\n'), 1), 0, 'no CR LF: no cut');
  });
});

describe('ScreenMirror: a flood of plain text', () => {
  test('after a prompt and colours, a long flood is mostly skipped and the screen is the same', async () => {
    const r = await compare([Buffer.from('\x1b[1;32mroot@node1\x1b[0m:~# \x1b[33m'), Buffer.from('cat big.log\r\n'), lines(30_000), Buffer.from('\x1b[0mroot@node1:~# ')]);
    assert.equal(r.snapshot, r.refSnapshot);
    assert.ok(r.skipped > 1_500_000, `skipped ${r.skipped} of ${30_000 * 78} bytes`);
  });

  test('lines that wrap, a flood that ends mid-line, and a resize afterwards', async () => {
    const r = await compare([lines(3_000, 250), Buffer.from('no newline at the end'), { cols: 200, rows: 50 }, lines(5, 30, 'after')]);
    assert.equal(r.snapshot, r.refSnapshot);
    assert.ok(r.skipped > 0);
  });

  test('a flood after a resize to a narrow window, then back to wide (reflow)', async () => {
    const r = await compare([{ cols: 40, rows: 10 }, lines(8_000, 120), { cols: 160, rows: 60 }]);
    assert.equal(r.snapshot, r.refSnapshot);
  });

  test('with a scroll region set, nothing is skipped and the screen is the same', async () => {
    const r = await compare([Buffer.from('\x1b[2J\x1b[1;1Hstatus line\x1b[3;20r\x1b[20;1H'), lines(8_000)]);
    assert.equal(r.skipped, 0);
    assert.equal(r.snapshot, r.refSnapshot);
  });

  test('after the scroll region is reset, floods are skipped again', async () => {
    const r = await compare([Buffer.from('\x1b[3;20r'), lines(100), Buffer.from('\x1b[r'), lines(8_000)]);
    assert.ok(r.skipped > 0);
    assert.equal(r.snapshot, r.refSnapshot);
  });

  test('in the alternate screen, nothing is skipped and the screen is the same', async () => {
    const r = await compare([lines(50), Buffer.from('\x1b[?1049h\x1b[H'), lines(8_000), Buffer.from('\x1b[?1049l')]);
    assert.equal(r.skipped, 0);
    assert.equal(r.snapshot, r.refSnapshot);
  });

  test('in insert mode, nothing is skipped', async () => {
    const r = await compare([Buffer.from('\x1b[4h'), lines(8_000)]);
    assert.equal(r.skipped, 0);
    assert.equal(r.snapshot, r.refSnapshot);
  });

  test('Korean text and escapes between floods are parsed in full, in order', async () => {
    const r = await compare([lines(4_000), Buffer.from('안녕하세요 \x1b[7m반전\x1b[0m\r\n'), lines(4_000, 60), Buffer.from('\x1b[5A\x1b[2K끝')]);
    assert.equal(r.snapshot, r.refSnapshot);
  });

  test('typing (small chunks) goes straight to the parser', async () => {
    const mirror = new ScreenMirror({ cols: 80, rows: 24 });
    mirror.write(Buffer.from('l'));
    mirror.write(Buffer.from('s'));
    while (mirror.parsed < 2) await sleep(1);
    assert.match(mirror.snapshot().screen, /ls/);
    mirror.dispose();
  });
});

describe('ScreenMirror: bounded whatever a program prints (issue 11 point 3)', () => {
  test('a 10 MB title is capped before the parser; the screen around it is intact', async () => {
    const mirror = new ScreenMirror({ cols: 80, rows: 24 });
    const title = Buffer.alloc(10 * 1024 * 1024, 0x54);
    const chunks = [Buffer.from('before '), Buffer.from('\x1b]0;'), title, Buffer.from('\x07after')];
    let total = 0;
    for (const c of chunks) for (let i = 0; i < c.length; i += 65536) mirror.write(c.subarray(i, i + 65536)), (total += Math.min(65536, c.length - i));
    while (mirror.parsed < total) await sleep(5);
    assert.ok(mirror.droppedStringBytes > title.length - 8192, `dropped ${mirror.droppedStringBytes}`);
    assert.match(mirror.snapshot().screen, /before after/);
    mirror.dispose();
  });

  test('a screen larger than MIRROR_MAX_CELLS is not mirrored: a cleared screen, at once', async () => {
    const mirror = new ScreenMirror({ cols: 80, rows: 24 });
    mirror.write(Buffer.from('small'));
    mirror.resize(1000, 500);
    assert.ok(1000 * 500 > MIRROR_MAX_CELLS);
    mirror.write(Buffer.from('\x1b[38;2;1;2;3mhuge'));
    while (mirror.parsed < 5 + 17) await sleep(1);
    const t0 = performance.now();
    assert.deepEqual(mirror.snapshot(), { offset: 22, screen: '\x1b[H\x1b[2J' });
    assert.ok(performance.now() - t0 < 5);
    mirror.resize(100, 30);
    mirror.write(Buffer.from('back'));
    while (mirror.parsed < 26) await sleep(1);
    assert.match(mirror.snapshot().screen, /back/);
    assert.doesNotMatch(mirror.snapshot().screen, /small/, 'what the screen showed while unmirrored is unknown: reset');
    mirror.dispose();
  });
});
