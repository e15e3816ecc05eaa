'use client';
// A class's join code shown big (ABC-DEF), its join link with a copy button, and the
// server-made QR code. The SVG is shown as an <img> from a data: URL, never inserted as
// HTML: an image cannot run script, whatever the server sent.
import { useState } from 'react';
import type { ClassView } from '../../../protocol/classroom';
import { formatJoinCode } from '../../_lib/join-code';
import { usePrefs } from '../prefs-provider';
import { SECONDARY_BUTTON } from './fields';

/** The SVG text as a base64 data: URL (UTF-8 safe). */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

/** The join code, link and QR code; `big` for the projector. */
export function JoinCodeCard({ view, big = false }: { view: ClassView; big?: boolean }) {
  const { t } = usePrefs();
  const [copied, setCopied] = useState(false);

  async function copy() {
    try {
      await navigator.clipboard.writeText(view.joinUrl);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // No clipboard (insecure origin): the link stays selectable.
    }
  }

  return (
    <section
      aria-label={t('code.title')}
      data-testid="join-code-card"
      className={`flex gap-4 rounded-lg border border-line bg-panel ${big ? 'flex-col items-center p-8 text-center lg:flex-row lg:text-left' : 'flex-col p-4 sm:flex-row sm:items-center'}`}
    >
      <img
        src={svgDataUrl(view.joinQrSvg)}
        alt={t('code.qr')}
        data-testid="join-qr"
        className={`shrink-0 rounded bg-white p-2 ${big ? 'size-72 lg:size-96' : 'size-32'}`}
      />
      <div className="flex min-w-0 flex-col gap-2">
        <p className="text-sm text-muted">{t('code.title')}</p>
        <p data-testid="join-code" className={`font-mono font-bold tracking-widest ${big ? 'text-7xl lg:text-8xl' : 'text-4xl'}`}>
          {formatJoinCode(view.joinCode)}
        </p>
        <p className="text-sm text-muted">{t('code.link')}</p>
        <p className="flex flex-wrap items-center gap-2">
          <a href={view.joinUrl} data-testid="join-url" className={`break-all font-mono text-accent underline ${big ? 'text-2xl' : 'text-sm'}`}>
            {view.joinUrl}
          </a>
          {!big && (
            <button type="button" onClick={() => void copy()} className={SECONDARY_BUTTON} data-testid="join-copy">
              {copied ? t('code.copied') : t('code.copy')}
            </button>
          )}
        </p>
        {big && <p className="text-xl">{t('code.howTo')}</p>}
      </div>
    </section>
  );
}
