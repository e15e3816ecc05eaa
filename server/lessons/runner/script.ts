// Runs one lesson script (a check, a solution, a setup script, a background script) as root
// inside a node: the script goes on stdin to pier's own static bash (/.pier/bash, bound
// read-only from the host: the node's /bin/bash, /bin/sh, setsid and PATH play no part),
// so nothing of it is ever written into the student's filesystem. A timeout kills the script's whole process tree; output is capped. The
// output's `FAIL: …` and `HINT: …` lines (and `FAIL[ko]: …` translations, chosen by the
// student's language, PIER_LANG) are what a student sees; the rest is for the log.
import { PIER_BASH, PIER_BIN_DIR, type SandboxDriver } from '../../../sandbox/index.js';

/** Output kept of one script run (stdout and stderr each). */
export const SCRIPT_MAX_OUTPUT_BYTES = 64 * 1024;
/** At most this many FAIL and HINT lines each are shown; each at most this long. */
export const MAX_REASON_LINES = 20;
export const MAX_REASON_CHARS = 500;

/** How a script ran. */
export interface ScriptResult {
  /** Exit code 0, not killed, not timed out. */
  passed: boolean;
  exitCode: number | null;
  timedOut: boolean;
  /** `FAIL: …` lines without the prefix (stdout and stderr), in the run's language. */
  failures: string[];
  /** `HINT: …` lines without the prefix, in the run's language. */
  hints: string[];
  /** Every FAIL/HINT line in every language (lint and `pier lesson test` look for missing translations). */
  messages: CheckMessage[];
  /** Everything it printed (capped): for the server log and `pier lesson test`, never the student. */
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** What `parseCheckOutput` finds. */
export interface CheckOutput {
  failures: string[];
  hints: string[];
}

/** One `FAIL:`/`HINT:` line of a check, with the language it is written in. */
export interface CheckMessage {
  kind: 'fail' | 'hint';
  /** `null` for a plain `FAIL:` line (the fallback, English); `ko` for `FAIL[ko]:`. */
  lang: string | null;
  text: string;
}

/** `FAIL: …`, `HINT: …`, and the translated forms `FAIL[ko]: …`, `HINT[ko]: …`. */
const LINE_RE = /^\s*(FAIL|HINT)(?:\[([a-z]{2})\])?:\s?(.*)$/;

/**
 * Every `FAIL`/`HINT` line of a script's output, in order, prefix removed, trimmed, empty
 * ones dropped, each at most MAX_REASON_CHARS (docs/LESSON-FORMAT.md "Check messages").
 */
export function parseCheckMessages(...outputs: string[]): CheckMessage[] {
  const out: CheckMessage[] = [];
  for (const output of outputs) {
    for (const raw of output.split(/\r?\n/)) {
      const m = LINE_RE.exec(raw);
      if (!m) continue;
      const text = (m[3] ?? '').trim().slice(0, MAX_REASON_CHARS);
      if (text !== '') out.push({ kind: m[1] === 'FAIL' ? 'fail' : 'hint', lang: m[2] ?? null, text });
    }
  }
  return out;
}

/**
 * The lines a student reading `lang` sees: each plain line, or its translation when the
 * line right after it (of the same kind) is `KIND[lang]:`; a translated line without a
 * plain one before it stands alone; lines of other languages are dropped. English is the
 * plain language, so `en` shows the plain lines (and `FAIL[en]:` ones in their place).
 * At most MAX_REASON_LINES of each kind, repeated lines once.
 */
export function selectMessages(messages: readonly CheckMessage[], lang: string): CheckOutput {
  const failures: string[] = [];
  const hints: string[] = [];
  const add = (m: CheckMessage) => {
    const list = m.kind === 'fail' ? failures : hints;
    if (list.length < MAX_REASON_LINES && !list.includes(m.text)) list.push(m.text);
  };
  // The plain line waiting for a translation, per kind.
  const pending: Partial<Record<CheckMessage['kind'], CheckMessage>> = {};
  const flush = (kind: CheckMessage['kind']) => {
    const p = pending[kind];
    if (p) add(p);
    pending[kind] = undefined;
  };
  for (const m of messages) {
    if (m.lang === null) {
      flush(m.kind);
      pending[m.kind] = m;
    } else if (m.lang === lang) {
      pending[m.kind] = undefined; // replaces the plain line before it, if any
      add(m);
    }
  }
  flush('fail');
  flush('hint');
  return { failures, hints };
}

/**
 * Plain lines that have no `KIND[lang]:` translation right after them (of the same kind):
 * what a student reading `lang` would see in English.
 */
export function untranslated(messages: readonly CheckMessage[], lang: string): CheckMessage[] {
  const missing: CheckMessage[] = [];
  const pending: Partial<Record<CheckMessage['kind'], CheckMessage>> = {};
  for (const m of messages) {
    if (m.lang === null) {
      const p = pending[m.kind];
      if (p) missing.push(p);
      pending[m.kind] = m;
    } else if (m.lang === lang) pending[m.kind] = undefined;
  }
  for (const p of [pending.fail, pending.hint]) if (p) missing.push(p);
  return missing;
}

/**
 * The `FAIL:` and `HINT:` lines of a script's output as an English reader sees them, in
 * order, prefix removed, trimmed, empty ones dropped, at most MAX_REASON_LINES of each and
 * MAX_REASON_CHARS per line.
 */
export function parseCheckOutput(...outputs: string[]): CheckOutput {
  return selectMessages(parseCheckMessages(...outputs), 'en');
}

/** Options of one run. */
export interface RunScriptOptions {
  /** Seconds before the script is killed and counts as failed. */
  timeoutSeconds: number;
  /** Extra environment (e.g. PIER_STEP). */
  env?: Record<string, string>;
  /** Working directory inside the node; default /root. */
  cwd?: string;
  /** The student's language: given to the script as PIER_LANG, and picks its FAIL/HINT lines. Default `en`. */
  lang?: string;
}

/** `s` as one single-quoted shell word. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The whole environment every lesson script gets (nothing of the student's shell): pier's
 * folder first in PATH, so `bash` and `sh` inside a script are pier's shell too; no
 * BASH_ENV/ENV, so the shell reads no startup file.
 */
export const SCRIPT_ENV: Record<string, string> = {
  PATH: `${PIER_BIN_DIR}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
  HOME: '/root',
  LANG: 'C.UTF-8',
  TERM: 'dumb',
};

/** The command of every lesson script: pier's shell reading the script from stdin. */
export const SCRIPT_CMD = [PIER_BASH, '--norc', '--noprofile', '-s'];

/**
 * Runs `script` as root in sandbox `sandboxId` with pier's shell (script on stdin).
 * Never throws for the script's own failure; rejects only when the sandbox cannot exec.
 */
export async function runScript(driver: SandboxDriver, sandboxId: string, script: string, options: RunScriptOptions): Promise<ScriptResult> {
  const started = performance.now();
  const r = await driver.run(sandboxId, {
    cmd: SCRIPT_CMD,
    env: { ...SCRIPT_ENV, PIER_LANG: options.lang ?? 'en', ...options.env },
    // Started in / and moved to the working folder by the shell: a student who removed or
    // replaced /root gets a failing check, not an exec error.
    cwd: '/',
    input: `cd ${shellQuote(options.cwd ?? '/root')} 2>/dev/null || cd /\n${script}`,
    timeoutMs: options.timeoutSeconds * 1000,
    maxOutputBytes: SCRIPT_MAX_OUTPUT_BYTES,
  });
  const durationMs = Math.round(performance.now() - started);
  const messages = parseCheckMessages(r.stdout, r.stderr);
  const { failures, hints } = selectMessages(messages, options.lang ?? 'en');
  return {
    passed: r.exitCode === 0 && !r.timedOut,
    exitCode: r.exitCode,
    timedOut: r.timedOut,
    failures,
    hints,
    messages,
    stdout: r.stdout,
    stderr: r.stderr,
    durationMs,
  };
}
