// pier up: prepares the host for serving (reconciles sandboxes left by a previous run).
// The web playground itself lands with the playground issue; until then this says so.
import { openRuntime } from '../../server/runtime.js';

/** `pier up` */
export async function upCommand(_argv: string[]): Promise<number> {
  const rt = openRuntime();
  const image = await rt.images.current();
  const report = await rt.driver.reconcile();
  console.log(`pier: image ${image.id}; adopted ${report.adopted.length} live sandbox(es), removed ${report.removed.length} broken.`);
  console.error(
    'pier up: the web playground is not built yet (see the open "Playground" issue).\n' +
      'The sandbox runtime is ready: try `node bin/pier sandbox run -- bash`.',
  );
  return 1;
}
