// The host pid of a sandbox's init, for tests that inspect host processes. The driver keeps
// host pids to itself (issue 17: the public listing shows none), so tests ask runc directly.
import { containerId } from '../../sandbox/layout.js';
import { runcState } from '../../sandbox/runc/runc.js';
import { runtime } from './sandbox.js';

/** The init pid of running sandbox `id` under `runcRoot` (default the tests' runtime), or null. */
export async function initPid(id: string, runcRoot: string = runtime.paths.runcRoot): Promise<number | null> {
  const state = await runcState(runcRoot, containerId(id)).catch(() => null);
  return state !== null && state.status === 'running' && state.pid > 0 ? state.pid : null;
}
