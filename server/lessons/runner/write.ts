// The `{{write}}` action: a block's text written into a file of the student's node. Like an
// asset copy, the write happens *inside* the node (a script run as root there by pier's own
// shell), so the path — and any symlink a student planted on it — resolves in their own
// sandbox and nowhere else; the host never opens a file of the sandbox. The text travels
// base64-encoded inside the script, so no byte of it is ever parsed as shell.
import type { SandboxDriver } from '../../../sandbox/index.js';
import { runScript, type ScriptResult } from './script.js';

/** Largest text one write action may hold. */
export const MAX_WRITE_BYTES = 1024 * 1024;
/** Seconds a write may take. */
export const WRITE_TIMEOUT_S = 15;

/** What to write where. */
export interface NodeWrite {
  /** Absolute path in the node, without `..`. */
  file: string;
  mode: 'replace' | 'append';
  text: string;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The script that performs `w` in a node: makes the folder, then replaces or appends.
 * @throws Error when the path is not absolute or contains `..`, or the text is too large
 */
export function writeScript(w: NodeWrite): string {
  if (!w.file.startsWith('/') || w.file.split('/').includes('..') || w.file.includes('\0') || w.file.endsWith('/')) throw new Error(`not an absolute file path: ${w.file}`);
  const bytes = Buffer.from(w.text.endsWith('\n') ? w.text : `${w.text}\n`, 'utf8');
  if (bytes.length > MAX_WRITE_BYTES) throw new Error(`the text is larger than ${MAX_WRITE_BYTES} bytes`);
  const dir = w.file.slice(0, w.file.lastIndexOf('/')) || '/';
  return [
    'set -e',
    `mkdir -p -- ${quote(dir)}`,
    `base64 -d ${w.mode === 'append' ? '>>' : '>'} ${quote(w.file)} <<'PIER_WRITE_EOF'`,
    bytes.toString('base64').replace(/.{76}/g, '$&\n'),
    'PIER_WRITE_EOF',
    '',
  ].join('\n');
}

/** Writes `w` into sandbox `sandboxId` as root. Never throws for the write's own failure: see `passed`. */
export function writeNodeFile(driver: SandboxDriver, sandboxId: string, w: NodeWrite, env: Record<string, string> = {}): Promise<ScriptResult> {
  return runScript(driver, sandboxId, writeScript(w), { timeoutSeconds: WRITE_TIMEOUT_S, env });
}
