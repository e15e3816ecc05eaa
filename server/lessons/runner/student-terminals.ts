// The terminals of a student replayed by `pier lesson test --text`: real shells on ptys in
// the lesson's nodes (the command the playground opens), typed into as the lesson pane
// types a clicked command, one tab per (node, number), kept for the whole lesson so jobs,
// variables and the working folder carry over from step to step as they do for a student.
//
// After each command a marker is typed (` echo pier-sync-N''-done`): its output
// `pier-sync-N-done` (never in the echoed keystrokes, which keep the quotes) says the
// shell — or whatever shell the command left the student in — is back at a prompt.
import type { SandboxDriver, SandboxTty } from '../../../sandbox/index.js';
import { actionKeystrokes, type TextAction } from '../markdown/text-actions.js';

/** How long one clicked command may take to come back to a prompt (builds and pulls included). */
export const TEXT_COMMAND_TIMEOUT_MS = 180_000;
/** How long a command that the next click interrupts may take to show its first output. */
export const TEXT_FIRST_OUTPUT_TIMEOUT_MS = 10_000;
/** A sync marker not answered within this is typed again, the wait doubling each time, at most SYNC_RETRIES times. */
const SYNC_RETRY_MS = 2_000;
const SYNC_RETRIES = 5;
/** Output kept per terminal for reports. */
const TRANSCRIPT_MAX_CHARS = 64 * 1024;

/** One shell on a pty. */
class Terminal {
  readonly tty: SandboxTty;
  transcript = '';
  /** Characters received in all (the transcript keeps only the last TRANSCRIPT_MAX_CHARS). */
  total = 0;
  exited = false;
  #listeners = new Set<() => void>();
  /** Ends every wait now (false): the replay is over. */
  #cancels = new Set<() => void>();

  constructor(tty: SandboxTty) {
    this.tty = tty;
    tty.onData((data) => {
      const text = data.toString('utf8');
      this.total += text.length;
      this.transcript = (this.transcript + text).slice(-TRANSCRIPT_MAX_CHARS);
      for (const l of [...this.#listeners]) l();
    });
    tty.onExit(() => {
      this.exited = true;
      for (const l of [...this.#listeners]) l();
    });
  }

  /** The output received since `mark` (a value of `total`), as far as it is kept. */
  since(mark: number): string {
    return this.transcript.slice(Math.max(0, this.transcript.length - (this.total - mark)));
  }

  /** Resolves true once `test` holds for the output since `mark` (checked on each arrival), false at the timeout or exit. */
  waitFor(mark: number, test: (output: string) => boolean, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
        this.#cancels.delete(cancel);
        resolve(ok);
      };
      const cancel = () => done(false);
      this.#cancels.add(cancel);
      const listener = () => {
        if (test(this.since(mark))) done(true);
        else if (this.exited) done(false);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.#listeners.add(listener);
      listener();
    });
  }

  /** Ends every pending wait with false. */
  cancelWaits(): void {
    for (const c of [...this.#cancels]) c();
  }
}

/** Escape sequences and carriage returns removed: a transcript as a person reads it. */
export function plainText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]/g, '').replace(/\r+\n/g, '\n').replace(/\r/g, '\n');
}

/** What happened to one clicked command. */
export interface TypedResult {
  ok: boolean;
  /** Why not, in one sentence. */
  problem: string | null;
}

/** The student's terminals of one lesson replay. */
export class StudentTerminals {
  readonly #driver: SandboxDriver;
  readonly #nodes: ReadonlyMap<string, string>;
  readonly #command: string[];
  readonly #terms = new Map<string, Terminal>();
  /** The tab a node-less/tab-less command goes to, per node (the last one used). */
  readonly #active = new Map<string, number>();
  #sync = 0;

  /**
   * @param nodes node name → sandbox id
   * @param command the shell the playground opens in a terminal (e.g. `/bin/bash -l`)
   */
  constructor(driver: SandboxDriver, nodes: ReadonlyMap<string, string>, command: string[]) {
    this.#driver = driver;
    this.#nodes = nodes;
    this.#command = command;
  }

  async #terminal(node: string, tab: number): Promise<Terminal> {
    const key = `${node}#${tab}`;
    const open = this.#terms.get(key);
    // An exited shell is opened again, as the terminal's "Restart shell" does.
    if (open && !open.exited) return open;
    const sandboxId = this.#nodes.get(node);
    if (sandboxId === undefined) throw new Error(`the command goes to ${node}, which the lesson does not start`);
    const t = new Terminal(await this.#driver.execTty(sandboxId, { cmd: this.#command, size: { cols: 160, rows: 40 } }));
    this.#terms.set(key, t);
    return t;
  }

  /** Types `text` (a foreground script) into the node's first terminal and waits for the prompt. */
  async typeInto(node: string, text: string): Promise<TypedResult> {
    return this.run({ text, node, terminal: 1, interrupt: false, noNewline: false, ctrlSeq: false, line: 0 }, false);
  }

  /**
   * Types one clicked command and waits until its terminal is back at a prompt; when
   * `interruptedNext` (the next click on this terminal interrupts it, e.g. `top` then
   * `{{exec interrupt}}`), or the command is typed without Enter, only until it printed
   * something, as a student would click on once they see it running.
   */
  async run(action: TextAction, interruptedNext: boolean): Promise<TypedResult> {
    const node = action.node ?? 'node1';
    const tab = action.terminal ?? this.#active.get(node) ?? 1;
    this.#active.set(node, tab);
    let term: Terminal;
    try {
      term = await this.#terminal(node, tab);
    } catch (err) {
      return { ok: false, problem: (err as Error).message };
    }
    const chunks = actionKeystrokes(action);
    let interrupted = false;
    for (const [i, chunk] of chunks.entries()) {
      // Ctrl-C first, then the command once the shell answered it (a fresh prompt).
      if (i > 0 && !(await this.#prompt(term, interrupted))) return { ok: false, problem: 'the terminal did not come back to a prompt after Ctrl-C' };
      const mark = term.total;
      term.tty.write(chunk);
      interrupted = chunk.includes('\x03');
      const last = i === chunks.length - 1;
      if (interrupted || (last && action.noNewline)) {
        // The terminal answers (^C or the typed text is echoed) before anything more is typed.
        const shown = await term.waitFor(mark, (t) => t.length > 0, TEXT_FIRST_OUTPUT_TIMEOUT_MS);
        if (!shown) return { ok: false, problem: `nothing appeared in ${node}'s terminal ${tab} within ${TEXT_FIRST_OUTPUT_TIMEOUT_MS / 1000} s` };
        if (last && !interrupted) return { ok: true, problem: null };
      } else if (last && interruptedNext) {
        // The program runs until the next click stops it: wait for its own output (after the
        // echoed command line). One that prints nothing is left running after the bound.
        await term.waitFor(mark, (t) => /\n[^]*\S/.test(t), TEXT_FIRST_OUTPUT_TIMEOUT_MS);
        return { ok: true, problem: null };
      }
    }
    if (await this.#prompt(term, interrupted)) return { ok: true, problem: null };
    if (term.exited) return { ok: true, problem: null }; // `exit` ended the shell: the next command gets a new one
    return { ok: false, problem: `the command did not come back to a prompt in ${node}'s terminal ${tab} within ${TEXT_COMMAND_TIMEOUT_MS / 1000} s` };
  }

  /**
   * Types the sync marker; resolves whether its output came (false: timeout or the shell
   * ended). Keystrokes typed while one program hands the terminal back to another (`exit`
   * from `docker exec -it`, a Ctrl-C) can be lost, so a marker that did not come back is
   * typed again after SYNC_RETRY_MS, doubling each time; any of them answering will do.
   * After a Ctrl-C that did not bring a prompt, Ctrl-C is pressed again first.
   */
  async #prompt(term: Terminal, afterInterrupt = false): Promise<boolean> {
    const deadline = Date.now() + TEXT_COMMAND_TIMEOUT_MS;
    const first = this.#sync + 1;
    const answered = (t: string) => [...t.matchAll(/pier-sync-(\d+)-done/g)].some((m) => Number(m[1]) >= first);
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0 && afterInterrupt && attempt <= SYNC_RETRIES) {
        // Still not at a prompt after the Ctrl-C: press it again, as a student would.
        const echoed = term.total;
        term.tty.write('\x03');
        await term.waitFor(echoed, (t) => t.length > 0, SYNC_RETRY_MS);
      }
      const n = ++this.#sync;
      const mark = term.total;
      term.tty.write(` echo pier-sync-${n}''-done\r`);
      const retry = attempt < SYNC_RETRIES;
      const wait = Math.max(0, retry ? Math.min(SYNC_RETRY_MS * 2 ** attempt, deadline - Date.now()) : deadline - Date.now());
      if (await term.waitFor(mark, answered, wait)) return true;
      if (!retry || term.exited || Date.now() >= deadline) return false;
    }
  }

  /** The last `lines` lines of every terminal's output, for a report. */
  tails(lines = 12): string {
    return [...this.#terms.entries()]
      .map(([key, t]) => {
        const text = plainText(t.transcript)
          .split('\n')
          .filter((l) => !/pier-sync-\d+/.test(l))
          .slice(-lines)
          .join('\n');
        return `[${key.replace('#', ' terminal ')}]\n${text}`;
      })
      .join('\n');
  }

  /** Ends every shell (their jobs with them). */
  close(): void {
    for (const t of this.#terms.values()) {
      t.cancelWaits();
      if (t.exited) continue;
      try {
        t.tty.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    this.#terms.clear();
  }
}
