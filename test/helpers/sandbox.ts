// Test helpers over the real sandbox runtime, opened exactly as `pier` opens it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { openRuntime } from '../../server/runtime.js';
import { ociRuntimeBinary, type SandboxCreateSpec, type SandboxInfo, type RunResult, type SandboxDriver } from '../../sandbox/index.js';

/** The runtime used by every integration and security test. */
export const runtime = openRuntime();
export const driver: SandboxDriver = runtime.driver;

/** Path of the `pier` command line. */
// From the sources (test/helpers/) or from the build (dist/test/helpers/, as in the VM suite).
export const PIER_BIN = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../bin/pier' : '../../../bin/pier', import.meta.url));

/** Creates a sandbox, runs `fn`, and destroys it whatever happens. */
export async function withSandbox<T>(spec: Partial<SandboxCreateSpec>, fn: (s: SandboxInfo) => Promise<T>): Promise<T> {
  const info = await driver.create({ hostname: 'node1', ...spec });
  try {
    return await fn(info);
  } finally {
    await driver.destroy(info.id);
  }
}

/** Runs a shell script inside as root; resolves with its result (never throws on exit code). */
export function sh(id: string, script: string, options: { timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
  return driver.run(id, { cmd: ['/bin/sh', '-c', script], timeoutMs: options.timeoutMs ?? 30_000, ...(options.input !== undefined ? { input: options.input } : {}) });
}

/** Runs a shell script inside and returns stdout; throws with stderr when it exits non-zero. */
export async function shOk(id: string, script: string, options: { timeoutMs?: number } = {}): Promise<string> {
  const r = await sh(id, script, options);
  if (r.exitCode !== 0) throw new Error(`\`${script}\` exited ${r.exitCode ?? r.signal}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Runs `pier ARGS…` synchronously and returns stdout. */
export function pier(args: string[], options: { input?: string; timeoutMs?: number } = {}): string {
  return execFileSync(PIER_BIN, args, { encoding: 'utf8', input: options.input ?? '', timeout: options.timeoutMs ?? 120_000 });
}

/** Host objects pier names with its prefixes: to compare before and after a test. */
export function hostObjects(): { links: string[]; mounts: string[]; cgroups: string[]; containers: string[] } {
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(': ')[1]?.split('@')[0] ?? '')
    .filter((n) => n.startsWith('pier'));
  const mounts = execFileSync('cat', ['/proc/self/mountinfo'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(`${runtime.paths.stateDir}/sandboxes/`));
  const cgroups = execFileSync('find', ['/sys/fs/cgroup', '-maxdepth', '3', '-type', 'd', '-name', 'pier-*'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  const containers = execFileSync(ociRuntimeBinary(), ['--root', runtime.paths.runcRoot, 'list', '-q'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  return { links, mounts, cgroups, containers };
}

/** Compact form of a result for assertion messages. */
export function show(r: RunResult): string {
  return JSON.stringify({ exit: r.exitCode, signal: r.signal, timedOut: r.timedOut, stdout: r.stdout.slice(0, 3000), stderr: r.stderr.slice(0, 3000) });
}

/**
 * Runs a python program inside with JSON on stdin and parses its JSON stdout.
 * `prefix` wraps it (e.g. `['unshare', '-Ur']`).
 */
export async function python<T>(id: string, code: string, input: unknown, options: { prefix?: string[]; timeoutMs?: number } = {}): Promise<T> {
  const r = await driver.run(id, { cmd: [...(options.prefix ?? []), 'python3', '-c', code], input: JSON.stringify(input), timeoutMs: options.timeoutMs ?? 15_000 });
  assert.equal(r.exitCode, 0, `python failed: ${show(r)}`);
  return JSON.parse(r.stdout) as T;
}

/** A host file's content, or null when it is absent or unreadable. */
export function hostRead(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
