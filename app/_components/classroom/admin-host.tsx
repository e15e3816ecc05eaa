'use client';
// The administrator's line about the host: which OCI runtime runs the sandboxes, and — loudly —
// when that runtime has known container escapes (GET /api/admin/host).
import { useEffect, useState } from 'react';
import type { AdminHost } from '../../../protocol/classroom';
import { getAdminHost } from '../../_lib/classroom-client';
import { usePrefs } from '../prefs-provider';

/** The runtime notice at the top of /admin; nothing until the answer is in. */
export function AdminHostNotice() {
  const { t } = usePrefs();
  const [host, setHost] = useState<AdminHost | null>(null);
  useEffect(() => {
    let live = true;
    void getAdminHost().then((r) => {
      if (live && r.ok) setHost(r.value);
    });
    return () => {
      live = false;
    };
  }, []);
  if (host === null) return null;
  if (host.runtime === null) {
    return (
      <p role="alert" data-testid="admin-runtime" data-status="none" className="rounded-md border border-danger/40 bg-danger/10 px-3 py-2 text-sm text-danger">
        {t('admin.runtimeNone', { problem: host.problem ?? '' })}
      </p>
    );
  }
  if (host.cves.length > 0) {
    return (
      <div role="alert" data-testid="admin-runtime" data-status="cve" className="flex flex-col gap-1 rounded-md border border-danger/60 bg-danger/10 px-3 py-2 text-sm text-danger">
        <strong>{t('admin.runtimeCveTitle', { cves: host.cves.join(', ') })}</strong>
        <span>{t('admin.runtimeCveFix')}</span>
        <span className="font-mono text-xs text-muted">{host.runtime}</span>
      </div>
    );
  }
  return (
    <p data-testid="admin-runtime" data-status="ok" className="text-sm text-muted">
      {t('admin.runtimeOk', { runtime: host.runtime })}
    </p>
  );
}
