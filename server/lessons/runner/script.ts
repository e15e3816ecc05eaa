// Runs one lesson script (a check, a solution, a setup script, a background script) as root
// inside a node: the script goes on stdin to pier's own static bash (/.pier/bash, bound
// read-only from the host: the node's /bin/bash, /bin/sh, setsid and PATH play no part),
// so nothing of it is ever written into the student's filesystem. A timeout kills the script's whole process tree; output is capped. The
// output's `FAIL: …` and `HINT: …` lines are what a student sees; the rest is for the log.
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
  /** `FAIL: …` lines without the prefix (stdout and stderr). */
  failures: string[];
  /** `HINT: …` lines without the prefix. */
  hints: string[];
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

const LINE_RE = /^\s*(FAIL|HINT):\s?(.*)$/;

/**
 * The `FAIL:` and `HINT:` lines of a script's output, in order, prefix removed, trimmed,
 * empty ones dropped, at most MAX_REASON_LINES of each and MAX_REASON_CHARS per line.
 */
export function parseCheckOutput(...outputs: string[]): CheckOutput {
  const failures: string[] = [];
  const hints: string[] = [];
  for (const output of outputs) {
    for (const raw of output.split(/\r?\n/)) {
      const m = LINE_RE.exec(raw);
      if (!m) continue;
      const text = (m[2] ?? '').trim().slice(0, MAX_REASON_CHARS);
      if (text === '') continue;
      const list = m[1] === 'FAIL' ? failures : hints;
      if (list.length < MAX_REASON_LINES && !list.includes(text)) list.push(text);
    }
  }
  return { failures, hints };
}

/** Options of one run. */
export interface RunScriptOptions {
  /** Seconds before the script is killed and counts as failed. */
  timeoutSeconds: number;
  /** Extra environment (e.g. PIER_STEP). */
  env?: Record<string, string>;
  /** Working directory inside the node; default /root. */
  cwd?: string;
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
    env: { ...SCRIPT_ENV, ...options.env },
    // Started in / and moved to the working folder by the shell: a student who removed or
    // replaced /root gets a failing check, not an exec error.
    cwd: '/',
    input: `cd ${shellQuote(options.cwd ?? '/root')} 2>/dev/null || cd /\n${script}`,
    timeoutMs: options.timeoutSeconds * 1000,
    maxOutputBytes: SCRIPT_MAX_OUTPUT_BYTES,
  });
  const durationMs = Math.round(performance.now() - started);
  const { failures, hints } = parseCheckOutput(r.stdout, r.stderr);
  return {
    passed: r.exitCode === 0 && !r.timedOut,
    exitCode: r.exitCode,
    timedOut: r.timedOut,
    failures,
    hints,
    stdout: r.stdout,
    stderr: r.stderr,
    durationMs,
  };
}
