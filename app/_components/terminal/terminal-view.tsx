'use client';
// One terminal on screen: creates the xterm Terminal in an effect (disposed in the cleanup),
// loads fit, WebGL (DOM fallback), Unicode 11, web links, clipboard keys and the socket
// addon, and shows a small connection indicator. The component itself stays dumb.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SerializeAddon } from '@xterm/addon-serialize';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import '@xterm/xterm/css/xterm.css';
import { socketUrl } from '../../_lib/socket-client';
import { loadTerminalResume, removeTerminalResume, saveTerminalResume } from '../../_lib/terminal-resume-store';
import { usePrefs } from '../prefs-provider';
import { installClipboardKeys } from './clipboard-keys';
import { registerTerminalInput } from './terminal-input';
import { SocketAddon, terminalPath, type TerminalConnectionStatus } from './socket-addon';
import { terminalTheme } from './terminal-theme';

/** Refit at most this often while the box is being resized (ms). */
export const FIT_DEBOUNCE_MS = 60;
/** Lines of scrollback saved for a page reload (the screen itself is always saved). */
export const RESUME_SCROLLBACK_LINES = 1000;
/** Below this window width (px) the terminal uses a smaller font. */
export const SMALL_SCREEN_PX = 640;
/** Lines of scrollback xterm keeps. */
export const SCROLLBACK_LINES = 5000;

type Ended = { kind: 'exit'; code: number | null } | { kind: 'closed' } | { kind: 'error'; message: string };

/**
 * What the terminal's container element (data-testid="terminal") offers to end-to-end
 * tests, which cannot read a WebGL canvas: `el.pierReadBuffer()` returns the terminal's
 * buffer (scrollback and screen) as text, one line per row, trailing blanks trimmed.
 */
export type TerminalTestHandle = HTMLDivElement & { pierReadBuffer?: () => string };

function readBuffer(terminal: Terminal): string {
  const buffer = terminal.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < buffer.length; y += 1) lines.push(buffer.getLine(y)?.translateToString(true) ?? '');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/** Props of TerminalView. */
export type TerminalViewProps = {
  terminalId: string;
  /** Whether this terminal is the visible tab: it is then fitted and focused. */
  active: boolean;
  /**
   * The socket path when it is not the owner's /ws/terminals/:id, e.g. an instructor's
   * watch or join socket of a student's terminal. Such a view keeps no reload snapshot.
   */
  socketPath?: string;
};

/** An interactive terminal attached to pier terminal `terminalId`. */
export function TerminalView({ terminalId, active, socketPath }: TerminalViewProps) {
  const { t, theme } = usePrefs();
  const hostRef = useRef<HTMLDivElement>(null);
  const boxRef = useRef<TerminalTestHandle>(null);
  const terminalRef = useRef<Terminal | null>(null);
  const fitRef = useRef<(() => void) | null>(null);
  const [status, setStatus] = useState<TerminalConnectionStatus>('connecting');
  const [readOnly, setReadOnly] = useState(false);
  const [ended, setEnded] = useState<Ended | null>(null);
  // Bumped to start over with a fresh screen and connection: a new shell after `exit`, or
  // the reopened terminal of a reset node (the server spawns the shell on attach).
  const [generation, setGeneration] = useState(0);
  const restartingRef = useRef(false);
  const endedRef = useRef<Ended | null>(null);
  endedRef.current = ended;
  // Only the owner's own terminal restarts its shell (a watcher's view is not theirs to start).
  const canRestart = socketPath === undefined;
  const restart = useCallback(() => {
    restartingRef.current = true;
    setEnded(null);
    setGeneration((g) => g + 1);
  }, []);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    if (restartingRef.current) {
      restartingRef.current = false;
      removeTerminalResume(terminalId); // the old screen belongs to the old shell
    }
    // Only the owner's own terminal is restored after a reload (its snapshot is the owner's).
    const resumable = socketPath === undefined;
    const resume = resumable ? loadTerminalResume(terminalId) : null;
    const terminal = new Terminal({
      allowProposedApi: true, // terminal.unicode
      cursorBlink: true,
      fontFamily: 'ui-monospace, "JetBrains Mono", "D2Coding", "Noto Sans Mono CJK KR", Menlo, Consolas, monospace',
      // A phone-sized screen gets a slightly smaller font: ~45 columns at 390 px instead of ~37.
      fontSize: fontSizeFor(window.innerWidth),
      scrollback: SCROLLBACK_LINES,
      macOptionIsMeta: true,
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.loadAddon(new Unicode11Addon());
    terminal.unicode.activeVersion = '11';
    terminal.loadAddon(
      new WebLinksAddon((event, uri) => {
        event.preventDefault();
        window.open(uri, '_blank', 'noopener,noreferrer');
      }),
    );
    const serializer = new SerializeAddon();
    terminal.loadAddon(serializer);
    terminal.open(host);
    loadRenderer(terminal);
    const clipboard = installClipboardKeys(terminal);

    // A reload restores the screen it saved, then asks only for what came after it.
    // Until xterm has parsed that snapshot, the saved entry stays the truth (see saveForReload).
    let restored = resume === null;
    if (resume) terminal.write(resume.snapshot, () => (restored = true));
    const socket = new SocketAddon({
      url: socketUrl(socketPath ?? terminalPath(terminalId), window.location),
      startOffset: resume?.offset ?? 0,
      onStatus: setStatus,
      onReady: (info) => setReadOnly(info.readOnly),
      onExit: ({ code }) => setEnded({ kind: 'exit', code }),
      onError: ({ code, message }) => {
        // Only failures that end the connection change the view; others are logged.
        // A reset node's terminal comes back by itself, on the new sandbox.
        if (code === 'TERMINAL_RESET' && canRestart) restart();
        else if (code === 'TERMINAL_CLOSED' || code === 'NOT_FOUND' || code === 'TERMINAL_RESET') setEnded({ kind: 'closed' });
        else if (/^44\d\d$/.test(code)) setEnded({ kind: 'error', message: message || code });
      },
    });

    const doFit = () => {
      // A hidden tab has no size; it is fitted when shown (the observer fires then).
      if (host.clientWidth === 0 || host.clientHeight === 0) return;
      const fontSize = fontSizeFor(window.innerWidth);
      if (terminal.options.fontSize !== fontSize) terminal.options.fontSize = fontSize;
      try {
        fit.fit();
      } catch (err) {
        console.warn('pier: terminal fit failed', err);
      }
    };
    fitRef.current = doFit;
    doFit(); // before connecting, so hello carries the real size
    terminal.loadAddon(socket);

    let fitTimer: ReturnType<typeof setTimeout> | null = null;
    const observer = new ResizeObserver(() => {
      if (fitTimer !== null) clearTimeout(fitTimer);
      fitTimer = setTimeout(() => {
        fitTimer = null;
        doFit();
      }, FIT_DEBOUNCE_MS);
    });
    observer.observe(host);

    const saveForReload = () => {
      // The snapshot and the offset must describe the same bytes: xterm calls write
      // callbacks right after parsing each chunk, so the buffer holds exactly the bytes up to
      // renderedOffset — except a restored snapshot not parsed yet, whose entry is kept.
      if (!restored || !resumable) return;
      saveTerminalResume(terminalId, {
        offset: socket.renderedOffset,
        snapshot: serializer.serialize({ scrollback: RESUME_SCROLLBACK_LINES }),
      });
    };
    window.addEventListener('pagehide', saveForReload);

    // After `exit`, Enter starts a new shell (the prompt says so).
    const enterRestarts = terminal.onData((data) => {
      if (canRestart && endedRef.current?.kind === 'exit' && (data === '\r' || data === '\n')) restart();
    });

    // The lesson pane types into terminals through this (as the keyboard would).
    const unregisterInput = registerTerminalInput(terminalId, (data) => terminal.input(data, true));

    terminalRef.current = terminal;
    const box = boxRef.current;
    if (box) box.pierReadBuffer = () => readBuffer(terminal);
    return () => {
      if (box) delete box.pierReadBuffer;
      unregisterInput();
      enterRestarts.dispose();
      window.removeEventListener('pagehide', saveForReload);
      if (restartingRef.current) removeTerminalResume(terminalId);
      else saveForReload(); // also when the page navigates away inside the app
      observer.disconnect();
      if (fitTimer !== null) clearTimeout(fitTimer);
      clipboard.dispose();
      fitRef.current = null;
      terminalRef.current = null;
      terminal.dispose(); // disposes every loaded addon, the socket addon included
    };
  }, [terminalId, socketPath, generation, canRestart, restart]);

  // The terminal follows the page theme (this also sets it right after creation: effects
  // run in order, before the browser paints).
  useEffect(() => {
    const terminal = terminalRef.current;
    if (terminal) terminal.options.theme = terminalTheme(theme);
  }, [theme]);

  // A tab becoming visible is fitted and takes the keyboard.
  useEffect(() => {
    if (!active) return;
    const frame = requestAnimationFrame(() => {
      fitRef.current?.();
      terminalRef.current?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [active]);

  return (
    <div ref={boxRef} data-testid="terminal" data-terminal-id={terminalId} data-status={status} data-read-only={readOnly} className="relative h-full w-full">
      <div ref={hostRef} className="pier-terminal h-full w-full" />
      <div className="pointer-events-none absolute top-1.5 right-3 flex gap-2">
        {readOnly && <span className="rounded bg-raised px-2 py-0.5 text-xs text-muted">{t('term.readOnly')}</span>}
        {status === 'reconnecting' && !ended && (
          <span role="status" data-testid="terminal-reconnecting" className="flex items-center gap-1.5 rounded bg-raised/90 px-2 py-0.5 text-xs text-warn">
            <span aria-hidden="true" className="size-1.5 animate-pulse rounded-full bg-warn" />
            {t('term.reconnecting')}
          </span>
        )}
        {status === 'connecting' && !ended && (
          // Shown only if connecting takes a while, so a fast start does not flicker.
          <span role="status" data-testid="terminal-connecting" className="pier-delayed rounded bg-raised/90 px-2 py-0.5 text-xs text-muted">
            {t('term.connecting')}
          </span>
        )}
      </div>
      {ended && (
        <div data-testid="terminal-ended" data-kind={ended.kind} className="absolute inset-x-0 bottom-0 flex flex-wrap items-center gap-x-4 gap-y-1 border-t border-line bg-panel/95 px-4 py-2 text-sm text-muted">
          <span>
            {ended.kind === 'exit'
              ? ended.code === null
                ? t('term.exited')
                : t('term.exitedCode', { code: ended.code })
              : ended.kind === 'closed'
                ? t('term.closed')
                : t('term.error', { message: ended.message })}
          </span>
          {ended.kind === 'exit' && canRestart && (
            <button
              type="button"
              data-testid="restart-shell"
              onClick={restart}
              title={t('term.restartHint')}
              className="rounded-md bg-accent px-3 py-1 font-medium text-accent-fg hover:brightness-110"
            >
              {t('term.restart')} <kbd className="ml-1 rounded border border-current/40 px-1 font-mono text-xs">Enter</kbd>
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** The terminal's font size at a window width (px). */
function fontSizeFor(windowWidth: number): number {
  return windowWidth < SMALL_SCREEN_PX ? 13 : 14;
}

/**
 * Draws with WebGL where the browser allows it, else keeps xterm's DOM renderer; a lost
 * WebGL context (GPU reset, too many contexts) falls back to the DOM renderer too.
 */
function loadRenderer(terminal: Terminal): void {
  try {
    const webgl = new WebglAddon();
    webgl.onContextLoss(() => webgl.dispose());
    terminal.loadAddon(webgl);
  } catch (err) {
    console.info('pier: WebGL renderer unavailable, using the DOM renderer', err);
  }
}
