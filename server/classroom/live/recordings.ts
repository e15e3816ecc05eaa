// Terminal recordings: one asciicast v2 file per pty a terminal opens (every session's, so
// a student can replay their own and the class's instructor theirs), its row in the store,
// the size cap and the retention (old files and rows removed at start and daily).
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { newId } from '../../sessions/manager.js';
import type { OutputTap } from '../../sessions/live-terminals.js';
import type { TerminalMeta } from '../../sessions/terminal-pool.js';
import type { RecordingRow, Store } from '../../store/store.js';
import { AsciicastWriter } from '../../terminals/recording.js';
import type { RecordingView } from '../../../protocol/classroom.js';

/** How often retention runs after start-up (ms). */
export const RETENTION_SWEEP_MS = 24 * 3600 * 1000;


/** What the recordings need. */
export interface RecordingsOptions {
  store: Store;
  /** `<stateDir>/recordings`: created 0700. */
  dir: string;
  /** Per-recording cap (bytes), config `recordingMaxBytes`. */
  maxBytes: number;
  /** How long recordings are kept (ms), config `recordingRetention`. */
  retentionMs: number;
  log: Logger;
  now?: () => number;
}

/** The API's view of a stored recording. */
export function toRecordingView(r: RecordingRow): RecordingView {
  return {
    id: r.id,
    sessionId: r.sessionId,
    terminalId: r.terminalId,
    node: r.node,
    title: r.title,
    startedAt: new Date(r.startedAt).toISOString(),
    endedAt: r.endedAt === null ? null : new Date(r.endedAt).toISOString(),
    bytes: r.bytes,
    truncated: r.truncated,
  };
}

/** The server's recordings. */
export class Recordings {
  readonly #o: RecordingsOptions;
  readonly #now: () => number;
  /** Recording id → its writer, while the pty lives. */
  readonly #active = new Map<string, AsciicastWriter>();
  #sweep: NodeJS.Timeout | undefined;

  constructor(options: RecordingsOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Creates the folder, closes the rows a previous process left open (their size from the
   * file), removes what retention drops, and schedules the daily sweep.
   */
  init(): void {
    mkdirSync(this.#o.dir, { recursive: true, mode: 0o700 });
    for (const r of this.#o.store.unfinishedRecordings()) {
      const st = statOrNull(this.fileOf(r));
      this.#o.store.finishRecording(r.id, st ? Math.floor(st.mtimeMs) : r.startedAt, st?.size ?? 0, r.truncated);
    }
    this.prune();
    this.#sweep = setInterval(() => this.prune(), RETENTION_SWEEP_MS);
    this.#sweep.unref();
  }

  /** Where a recording's file is: always inside the folder, named by its id. */
  fileOf(r: Pick<RecordingRow, 'file'>): string {
    return path.join(this.#o.dir, path.basename(r.file));
  }

  /** Bytes written so far of a recording in progress; null when it is not being written. */
  liveBytes(id: string): number | null {
    return this.#active.get(id)?.bytes ?? null;
  }

  /** Starts recording a pty just opened for `meta`; null (logged) when the file cannot be made. */
  start(meta: TerminalMeta): OutputTap | null {
    const id = newId();
    const file = `${id}.cast`;
    const startedAt = this.#now();
    let writer: AsciicastWriter;
    try {
      writer = new AsciicastWriter(path.join(this.#o.dir, file), { width: meta.size.cols, height: meta.size.rows, startedAt, title: meta.title }, {
        maxBytes: this.#o.maxBytes,
        now: this.#now,
        onTruncated: (t) => this.#o.store.recordingProgress(id, t.bytes, true),
      });
      this.#o.store.insertRecording({ id, sessionId: meta.sessionId, terminalId: meta.id, node: meta.node, title: meta.title, file, startedAt });
    } catch (err) {
      this.#o.log.error({ err, terminal: meta.id }, 'cannot start a terminal recording');
      return null;
    }
    this.#active.set(id, writer);
    const end = () => {
      if (!this.#active.delete(id)) return;
      const totals = writer.end();
      this.#o.store.finishRecording(id, this.#now(), totals.bytes, totals.truncated);
    };
    return { output: (bytes) => writer.output(bytes), resize: (cols, rows) => writer.resize(cols, rows), end };
  }

  /** Removes recordings (rows and files) older than the retention, and stray files as old. */
  prune(): number {
    const before = this.#now() - this.#o.retentionMs;
    const removed = this.#o.store.pruneRecordings(before).filter((r) => !this.#active.has(r.id));
    for (const r of removed) rmSync(this.fileOf(r), { force: true });
    let strays = 0;
    for (const name of readdirSync(this.#o.dir)) {
      if (!/^[0-9a-f]{32}\.cast$/.test(name) || this.#active.has(name.slice(0, 32))) continue;
      const file = path.join(this.#o.dir, name);
      const st = statOrNull(file);
      if (st && st.mtimeMs < before && this.#o.store.getRecording(name.slice(0, 32)) === null) {
        rmSync(file, { force: true });
        strays++;
      }
    }
    if (removed.length + strays > 0) this.#o.log.info({ removed: removed.length, strays }, 'old terminal recordings removed');
    return removed.length + strays;
  }

  /** Ends every recording in progress (server close) and stops the sweep. */
  close(): void {
    clearInterval(this.#sweep);
    for (const [id, writer] of [...this.#active]) {
      this.#active.delete(id);
      const totals = writer.end();
      this.#o.store.finishRecording(id, this.#now(), totals.bytes, totals.truncated);
    }
  }
}

function statOrNull(file: string): { size: number; mtimeMs: number } | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}
