// Gets a lesson's nodes ready before the student's prompt: in every node, the lesson's
// assets for that node, then its setup script (as root, script on stdin). Reports progress
// as a fraction so the page can show "preparing…".
import { readFileSync } from 'node:fs';
import type { SandboxDriver } from '../../../sandbox/index.js';
import type { LoadedLesson } from '../model.js';
import { copyAssets } from './assets.js';
import { runScript, type ScriptResult } from './script.js';

/** Seconds a setup script may run in one node. */
export const SETUP_TIMEOUT_S = 300;

/** Why preparing failed: which node and what happened (the message is fit for the page). */
export class PrepareError extends Error {
  override name = 'PrepareError';
  constructor(
    message: string,
    readonly node: string,
    readonly result?: ScriptResult,
  ) {
    super(message);
  }
}

/** What happened in one node, for logs and `pier lesson test`. */
export interface PreparedNode {
  node: string;
  assetsMs: number;
  setup: ScriptResult | null;
  /** The lesson's best-effort background script, when it has one. */
  background: ScriptResult | null;
  /** What went wrong without failing the start (a failed background script). */
  warnings: string[];
}

/**
 * Copies assets and runs setup in each node of `nodes` (node name → sandbox id), nodes in
 * parallel. `onProgress` gets 0…1 as nodes finish their parts.
 * @throws PrepareError naming the node that failed
 */
export async function prepareLesson(
  driver: SandboxDriver,
  lesson: LoadedLesson,
  nodes: ReadonlyMap<string, string>,
  onProgress: (fraction: number, message: string) => void = () => undefined,
): Promise<PreparedNode[]> {
  const setupScript = lesson.setupPath === undefined ? null : readFileSync(lesson.setupPath, 'utf8');
  const backgroundScript = lesson.backgroundPath === undefined ? null : readFileSync(lesson.backgroundPath, 'utf8');
  const partsPerNode = 2;
  const total = nodes.size * partsPerNode;
  let done = 0;
  const tick = (message: string) => onProgress(Math.min(1, ++done / total), message);
  return Promise.all(
    [...nodes].map(async ([node, sandboxId]): Promise<PreparedNode> => {
      const started = performance.now();
      try {
        await copyAssets(driver, sandboxId, lesson.dir, lesson.meta.assets.filter((a) => a.node === node));
      } catch (err) {
        throw new PrepareError(`${node}: ${(err as Error).message}`, node);
      }
      const assetsMs = Math.round(performance.now() - started);
      tick(`${node}: assets copied`);
      let setup: ScriptResult | null = null;
      if (setupScript !== null) {
        setup = await runScript(driver, sandboxId, setupScript, { timeoutSeconds: SETUP_TIMEOUT_S, env: { PIER_NODE: node, PIER_LESSON: lesson.id } });
        if (!setup.passed) {
          const why = setup.timedOut ? `timed out after ${SETUP_TIMEOUT_S} s` : `exited ${setup.exitCode}`;
          throw new PrepareError(`${node}: the setup script ${why}`, node, setup);
        }
      }
      // Killercoda's background: waited for (so step 1 sees its work), but best-effort.
      let background: ScriptResult | null = null;
      const warnings: string[] = [];
      if (backgroundScript !== null) {
        background = await runScript(driver, sandboxId, backgroundScript, { timeoutSeconds: SETUP_TIMEOUT_S, env: { PIER_NODE: node, PIER_LESSON: lesson.id } });
        if (!background.passed) warnings.push(`${node}: the background script ${background.timedOut ? `timed out after ${SETUP_TIMEOUT_S} s` : `exited ${background.exitCode}`} (best-effort: the lesson starts anyway)`);
      }
      tick(`${node}: set up`);
      return { node, assetsMs, setup, background, warnings };
    }),
  );
}
