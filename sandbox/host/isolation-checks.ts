// `pier doctor`'s lines about what keeps one sandbox from hurting another: per-sandbox host
// uid ranges (mode, pool size, in use), the pier-idmap helper, idmapped-mount support, and
// the host sysctls that must hold every sandbox's share of the kernel's per-user counters.
import { release } from 'node:os';
import { idmapHelperPath, IDMAP_HELPER_RELATIVE } from '../idmap/helper.js';
import { ID_POOL_BASE, listIdRangeClaims } from '../idmap/ranges.js';
import { SANDBOX_ID_COUNT, type RuntimePaths } from '../layout.js';
import type { UidMode } from '../types.js';
import type { HostCheck } from './doctor.js';
import { readSysctl, requiredHostSysctls, SYSCTL_DROP_IN } from './shared-limits.js';

/** Idmapped mounts as overlayfs layers arrived in Linux 5.19. */
export const IDMAPPED_OVERLAY_KERNEL: [number, number] = [5, 19];

/** The checks for `mode` with a pool of `ranges` ranges. */
export async function checkIsolation(paths: RuntimePaths, mode: UidMode, ranges: number): Promise<HostCheck[]> {
  const checks: HostCheck[] = [];
  const used = (await listIdRangeClaims(paths)).length;
  const last = ID_POOL_BASE + ranges * SANDBOX_ID_COUNT - 1;
  checks.push(
    mode === 'per-sandbox'
      ? { name: 'uid ranges', status: 'ok', detail: `per-sandbox: ${ranges} ranges of ${SANDBOX_ID_COUNT} (host ids ${ID_POOL_BASE}..${last}), ${used} in use` }
      : {
          name: 'uid ranges',
          status: 'warn',
          detail: 'shared: every sandbox is host uid 100000 (one student can exhaust per-user kernel limits for all)',
          fix: 'set PIER_UID_MODE=per-sandbox (the default)',
        },
  );
  const helper = idmapHelperPath();
  checks.push({
    name: 'pier-idmap',
    status: helper ? 'ok' : mode === 'per-sandbox' ? 'fail' : 'warn',
    detail: helper ?? `${IDMAP_HELPER_RELATIVE} not built`,
    fix: 'bash scripts/setup.sh (builds it with cc)',
  });
  const [maj = 0, min = 0] = release().split('.').map((n) => parseInt(n, 10));
  const idmapOk = maj > IDMAPPED_OVERLAY_KERNEL[0] || (maj === IDMAPPED_OVERLAY_KERNEL[0] && min >= IDMAPPED_OVERLAY_KERNEL[1]);
  checks.push({
    name: 'idmapped mounts',
    status: idmapOk ? 'ok' : mode === 'per-sandbox' ? 'fail' : 'warn',
    detail: `kernel ${release()}${idmapOk ? '' : ` (idmapped overlay layers need ${IDMAPPED_OVERLAY_KERNEL.join('.')})`}`,
    fix: `Linux ≥ ${IDMAPPED_OVERLAY_KERNEL.join('.')}, or PIER_UID_MODE=shared`,
  });
  const low: string[] = [];
  for (const { key, value } of requiredHostSysctls(ranges)) {
    const now = await readSysctl(key);
    if (now !== null && now < value) low.push(`${key} ${now} < ${value}`);
  }
  checks.push({
    name: 'shared kernel limits',
    status: low.length === 0 ? 'ok' : 'warn',
    detail: low.length === 0 ? `room for ${ranges} sandboxes' inotify, fanotify and namespace shares` : low.join('; '),
    fix: `pier doctor --sysctl > ${SYSCTL_DROP_IN} && sysctl -p ${SYSCTL_DROP_IN} (scripts/setup.sh does it)`,
  });
  return checks;
}
