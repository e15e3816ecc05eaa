// Copy and paste in the terminal the way terminal emulators do it: Ctrl-Shift-C / V (and
// Cmd-Shift-C / V), plus copy on selection. Only these keys are intercepted, so the IME
// (Korean composition) and every other key reach xterm untouched.
import type { IDisposable, Terminal } from '@xterm/xterm';

/** Which clipboard shortcut a key event is, if any. */
export function clipboardShortcut(ev: Pick<KeyboardEvent, 'type' | 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey' | 'isComposing'>): 'copy' | 'paste' | null {
  if (ev.type !== 'keydown' || ev.isComposing || !ev.shiftKey || ev.altKey) return null;
  if (!(ev.ctrlKey || ev.metaKey)) return null;
  // `code` is the physical key, so a Korean keyboard layout (ㅊ / ㅍ) still matches.
  if (ev.code === 'KeyC' || ev.key.toLowerCase() === 'c') return 'copy';
  if (ev.code === 'KeyV' || ev.key.toLowerCase() === 'v') return 'paste';
  return null;
}

function writeClipboard(text: string): void {
  if (!text) return;
  navigator.clipboard?.writeText(text).catch(() => {
    // No permission (insecure origin, or the page lacks focus): the selection stays for the
    // browser's own Ctrl/Cmd-C, which xterm supports through its textarea.
  });
}

/**
 * Installs the shortcuts and copy-on-selection on `terminal`.
 * @returns the listener to dispose with the terminal
 */
export function installClipboardKeys(terminal: Terminal): IDisposable {
  terminal.attachCustomKeyEventHandler((ev) => {
    const shortcut = clipboardShortcut(ev);
    if (shortcut === 'copy') {
      // Also stops Chrome's Ctrl-Shift-C (inspect element) from opening devtools.
      ev.preventDefault();
      if (terminal.hasSelection()) writeClipboard(terminal.getSelection());
      return false;
    }
    if (shortcut === 'paste') {
      // Let the browser's paste go ahead: it fires a paste event on xterm's textarea,
      // which xterm sends to the shell (bracketed when the shell asks for it).
      return false;
    }
    return true;
  });
  return terminal.onSelectionChange(() => {
    if (terminal.hasSelection()) writeClipboard(terminal.getSelection());
  });
}
