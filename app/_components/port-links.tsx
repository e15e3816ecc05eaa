'use client';
// Links to the TCP ports something listens on inside a node, through pier's port proxy.
import { usePrefs } from './prefs-provider';

/** The proxy path of `port` on `node` of `sessionId`. */
export function portPath(sessionId: string, node: string, port: number): string {
  return `/p/${encodeURIComponent(sessionId)}/${encodeURIComponent(node)}/${port}/`;
}

/** One link per open port, each opening a new browser tab. */
export function PortLinks({ sessionId, node, ports }: { sessionId: string; node: string; ports: readonly number[] }) {
  const { t } = usePrefs();
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
            <li key={port}>
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
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
