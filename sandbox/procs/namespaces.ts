// Namespace ids of a host process, as `lsns` shows them: read from /proc/<pid>/ns/* links.
// Only the driver knows a sandbox's host pids; the server asks it for a sandbox's ids.
import { readlink } from 'node:fs/promises';

/** Namespace kinds shown for a node, as `lsns` names them (and /proc/<pid>/ns/ files). */
export const NAMESPACE_KINDS = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'user', 'uts'] as const;

/** Parses a /proc/<pid>/ns/<kind> link (`net:[4026532188]`) into its inode number. */
export function parseNamespaceLink(link: string): number | null {
  const m = /^[a-z_]+:\[(\d+)\]$/.exec(link);
  return m ? Number(m[1]) : null;
}

/** Reads the namespace ids of host process `pid`; kinds that cannot be read are left out. */
export async function readNamespaces(pid: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  await Promise.all(
    NAMESPACE_KINDS.map(async (kind) => {
      const id = parseNamespaceLink(await readlink(`/proc/${pid}/ns/${kind}`).catch(() => ''));
      if (id !== null) out[kind] = id;
    }),
  );
  return out;
}
