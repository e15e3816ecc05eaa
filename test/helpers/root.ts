// Guards for tests that need root and the real runtime: outside CI they may skip with a
// printed reason; in CI (CI=true) a missing prerequisite is a failure, never a skip.
import type { TestContext } from 'node:test';

/** True when the suite runs in CI, where nothing may skip. */
export const IN_CI = process.env.CI === 'true';

/** Why this process cannot run root tests, or null when it can. */
export function rootMissing(): string | null {
  return process.getuid?.() === 0 ? null : 'needs root (namespaces, cgroups, mounts)';
}

/**
 * Skips the test (outside CI) or fails it (in CI) when root is missing.
 * @returns true when the test may go on
 */
export function requireRoot(t: TestContext): boolean {
  const why = rootMissing();
  if (why === null) return true;
  if (IN_CI) throw new Error(`cannot run in CI: ${why}`);
  t.skip(why);
  return false;
}

/** Options for `describe`/`test` that skip a whole group outside CI when root is missing. */
export function rootSuite(): { skip?: string } {
  const why = rootMissing();
  if (why !== null && !IN_CI) return { skip: why };
  return {};
}
