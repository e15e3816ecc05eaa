// The smallest way for other parts of the page (the lesson pane) to type into a terminal:
// each mounted TerminalView registers a writer under its terminal id; sendToTerminal() hands
// text to it as if the student typed it, or keeps it until that terminal is mounted.

type Writer = (data: string) => void;

const writers = new Map<string, Writer>();
const waiting = new Map<string, string[]>();

/**
 * Called by TerminalView once its terminal exists; text sent before that is delivered now.
 * @returns the function that unregisters it (on unmount)
 */
export function registerTerminalInput(terminalId: string, write: Writer): () => void {
  writers.set(terminalId, write);
  const queued = waiting.get(terminalId);
  waiting.delete(terminalId);
  for (const data of queued ?? []) write(data);
  return () => {
    if (writers.get(terminalId) === write) writers.delete(terminalId);
  };
}

/**
 * Types `data` into terminal `terminalId` (through the same path as keystrokes). If the
 * terminal is not on the page yet (a tab about to be shown), the text waits for it.
 */
export function sendToTerminal(terminalId: string, data: string): void {
  const write = writers.get(terminalId);
  if (write) write(data);
  else waiting.set(terminalId, [...(waiting.get(terminalId) ?? []), data]);
}

/** Drops text still waiting for terminals that are gone. */
export function forgetTerminalInput(aliveIds: readonly string[]): void {
  for (const id of waiting.keys()) if (!aliveIds.includes(id)) waiting.delete(id);
}
