'use client';
// Links to the TCP ports something listens on inside a node, through pier's port proxy: the
// path form (`/p/<session>/<node>/<port>/`) by default, and a smaller "own host" action that
// asks the API for a one-minute link to `<session>-<node>-<port>.<host>` (for apps that need
// the root path) and opens it in a new tab.
import { useEffect, useState } from 'react';
import { createPortLink } from '../_lib/api-client';
import { errorText } from '../_lib/error-text';
import { usePrefs } from './prefs-provider';

/** The proxy path of `port` on `node` of `sessionId`. */
export function portPath(sessionId: string, node: string, port: number): string {
  return `/p/${encodeURIComponent(sessionId)}/${encodeURIComponent(node)}/${port}/`;
}

/** Whether `hostname` (as `location.hostname` gives it) is an IP literal: no subdomain can go in front of it. */
export function isIpHostname(hostname: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.includes(':') || hostname.startsWith('[');
}

/**
 * Opens the port on its own host: a blank tab first (inside the click, so no popup blocker
 * stops it; cut from this page with `opener = null`), then the link once the API gave it.
 * @returns null when the tab was sent there, else the failure
 */
async function openOnOwnHost(sessionId: string, node: string, port: number) {
  const tab = window.open('about:blank', '_blank');
  if (tab) tab.opener = null;
  const link = await createPortLink(sessionId, node, port);
  if (!link.ok) {
    tab?.close();
    return link;
  }
  if (tab) tab.location.href = link.value.url;
  else window.open(link.value.url, '_blank', 'noopener,noreferrer');
  return null;
}

/** One link per open port, each opening a new browser tab. */
export function PortLinks({ sessionId, node, ports }: { sessionId: string; node: string; ports: readonly number[] }) {
  const { t, lang } = usePrefs();
  // Decided after mount (the server renders without a location): an IP host cannot have subdomains.
  const [ipHost, setIpHost] = useState(false);
  const [busy, setBusy] = useState<number | null>(null);
  const [failure, setFailure] = useState<{ port: number; text: string } | null>(null);
  useEffect(() => setIpHost(isIpHostname(window.location.hostname)), []);

  const openSubdomain = async (port: number) => {
    setBusy(port);
    setFailure(null);
    try {
      const failed = await openOnOwnHost(sessionId, node, port);
      if (failed) setFailure({ port, text: t('stats.portSubdomainFailed', { port, reason: errorText(lang, failed) }) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-labelledby="ports-title" className="flex flex-col gap-1.5 px-1">
      <h2 id="ports-title" className="text-xs font-semibold uppercase tracking-wide text-muted">
        {t('stats.ports')}
      </h2>
      {ports.length === 0 ? (
        <p data-testid="ports-empty" className="text-xs text-muted">
          {t('stats.noPorts')}
        </p>
      ) : (
        <ul className="flex flex-wrap gap-1.5">
          {ports.map((port) => (
            <li key={port} className="inline-flex items-center gap-1">
              <a
                href={portPath(sessionId, node, port)}
                target="_blank"
                rel="noopener noreferrer"
                data-testid="port-link"
                data-node={node}
                data-port={port}
                title={t('stats.portLink', { node, port })}
                className="inline-flex items-center gap-1 rounded-md border border-line px-2 py-0.5 font-mono text-xs text-accent hover:border-accent"
              >
                :{port} <span aria-hidden="true">↗</span>
              </a>
              <button
                type="button"
                data-testid="port-link-subdomain"
                data-node={node}
                data-port={port}
                disabled={ipHost || busy === port}
                aria-busy={busy === port}
                onClick={() => void openSubdomain(port)}
                title={ipHost ? t('stats.portSubdomainIp') : t('stats.portSubdomainTitle', { node, port })}
                aria-label={t('stats.portSubdomainTitle', { node, port })}
                className="rounded-md px-1 py-0.5 text-[0.65rem] text-muted underline decoration-dotted underline-offset-2 hover:text-accent disabled:cursor-not-allowed disabled:opacity-50"
              >
                {t('stats.portSubdomain')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {failure && (
        <p role="alert" data-testid="port-link-subdomain-error" className="text-xs text-danger">
          {failure.text}
        </p>
      )}
    </section>
  );
}
