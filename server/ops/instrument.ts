// Counts session starts and check results without the session core knowing about metrics:
// the manager's `create` and `checkStep` are wrapped once, at start-up, on the instance.
import { isServerError } from '../errors.js';
import type { SessionManager } from '../sessions/manager.js';
import type { PierMetrics } from './metrics.js';

/** Wraps `manager.create` (start count and duration) and `manager.checkStep` (results). */
export function instrumentSessions(manager: SessionManager<unknown>, metrics: PierMetrics): void {
  const create = manager.create.bind(manager);
  manager.create = async (...args) => {
    const started = performance.now();
    try {
      const view = await create(...args);
      metrics.observeStart((performance.now() - started) / 1000, 'ok');
      return view;
    } catch (err) {
      metrics.observeStart((performance.now() - started) / 1000, isServerError(err) ? err.code : 'INTERNAL');
      throw err;
    }
  };
  const checkStep = manager.checkStep.bind(manager);
  manager.checkStep = async (...args) => {
    try {
      const result = await checkStep(...args);
      metrics.observeCheck(result.timedOut ? 'timeout' : result.passed ? 'passed' : 'failed');
      return result;
    } catch (err) {
      metrics.observeCheck('error');
      throw err;
    }
  };
}
