// Helpers of the Docker Engine tests: commands inside a real sandbox, and images for dockerd.
import assert from 'node:assert/strict';
import { sh, show } from './sandbox.js';

/** Generous for one docker command on a loaded 2-core machine. */
export const CMD_MS = 90_000;

/** Runs a script and asserts it exits 0; returns stdout+stderr (docker prints to both). */
export async function ok(id: string, script: string, timeoutMs = CMD_MS): Promise<string> {
  const r = await sh(id, script, { timeoutMs });
  assert.equal(r.exitCode, 0, `\`${script}\` failed: ${show(r)}`);
  return r.stdout + r.stderr;
}

/** Runs a script and asserts it exits 0; returns stdout only. */
export async function out(id: string, script: string, timeoutMs = CMD_MS): Promise<string> {
  const r = await sh(id, script, { timeoutMs });
  assert.equal(r.exitCode, 0, `\`${script}\` failed: ${show(r)}`);
  return r.stdout;
}

/** Polls a URL from inside the sandbox until its body shows up (a server takes a moment). */
export async function curlUntil(id: string, url: string, timeoutMs = 30_000): Promise<string> {
  const r = await sh(id, `for i in $(seq 1 ${Math.ceil(timeoutMs / 250)}); do curl -fsS ${url} && exit 0; sleep 0.25; done; exit 1`, { timeoutMs: timeoutMs + 5000 });
  assert.equal(r.exitCode, 0, `${url} never answered: ${show(r)}`);
  return r.stdout;
}

/**
 * Gives dockerd images of pier's offline set, which podman sees read-only in every sandbox
 * (`podman save | docker load`), tagged as Docker Hub names them (`nginx:latest`). The host
 * image mirror, where built, serves the same images to `docker pull`.
 */
export async function loadOffline(id: string, refs: readonly string[]): Promise<void> {
  const script = refs.map((r) => `podman save docker.io/library/${r} | docker load >/dev/null`).join(' && ');
  await ok(id, script, 5 * 60_000);
}

/** Whether this sandbox's dockerd runs without cgroups of its own (no delegated subtree). */
export async function rootlessDaemon(id: string): Promise<boolean> {
  return (await sh(id, `grep -q '"rootless": true' /etc/docker/daemon.json`)).exitCode === 0;
}
