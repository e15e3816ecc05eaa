// Per-network files every node of the network sees read-only, besides hosts and resolv.conf:
// where the host image mirror is (podman's registries drop-in, the mirror URL for dockerd),
// whether the network has internet, and the shell's one-line explanation when it has not.
// Rendering is pure; the files are written once, when the network is created.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where each file is bound inside a node. */
export const NODE_FILE_TARGETS = {
  registries: '/etc/containers/registries.conf.d/50-pier-mirror.conf',
  mirrorUrl: '/etc/pier/registry-mirror',
  network: '/etc/pier/network',
  offlineHint: '/etc/profile.d/90-pier-offline.sh',
} as const;

type NodeFile = keyof typeof NODE_FILE_TARGETS;

/** The host files of a network (in its directory). */
export function nodeFilePaths(networkDir: string): Record<NodeFile, string> {
  return {
    registries: path.join(networkDir, 'registries-mirror.conf'),
    mirrorUrl: path.join(networkDir, 'registry-mirror'),
    network: path.join(networkDir, 'network-state'),
    offlineHint: path.join(networkDir, 'offline-hint.sh'),
  };
}

/**
 * podman's drop-in: docker.io is served by the mirror on the gateway (plain HTTP, pull
 * only). Location, not mirror: with a mirror entry podman would fall back to docker.io
 * itself and print that failure instead of the mirror's "not available offline" line.
 */
export function renderMirrorRegistries(gateway: string, port: number): string {
  return [
    '# pier: docker.io through the host image mirror on this network\'s gateway.',
    '[[registry]]',
    'prefix = "docker.io"',
    `location = "${gateway}:${port}"`,
    'insecure = true',
    '',
  ].join('\n');
}

/**
 * The shell hook of an offline network (sourced by login shells): after a command that
 * needs the internet fails (apt, curl, wget, pip, git clone, npm install), one line says
 * why (docker/podman pulls get their line from the mirror itself). The sandbox has no name server and no route out, so those commands fail at
 * once; this only puts the reason in words.
 */
export function renderOfflineHint(images: readonly string[]): string {
  const list = images.length > 0 ? images.join(', ') : 'none';
  return `# pier: this network has no internet; say so when a command that needs it fails.
__pier_offline_hint() {
  local status=$? failed
  local last
  last=$(HISTTIMEFORMAT= history 1 2>/dev/null | sed 's/^ *[0-9]* *//')
  # apt-get update "succeeds" offline (warnings, exit 0): it gets the line whatever its status.
  failed=$status
  case "$last" in
    apt\\ update*|apt-get\\ update*|*\\ apt\\ update*|*\\ apt-get\\ update*) failed=100 ;;
  esac
  [ "$failed" -eq 0 ] && return 0
  local needs=
  case "$last" in
    apt\\ *|apt-get\\ *|*\\ apt\\ *|*\\ apt-get\\ *|curl\\ *|*\\ curl\\ *|wget\\ *|*\\ wget\\ *|pip\\ *|pip3\\ *|git\\ clone*|git\\ pull*|git\\ fetch*|npm\\ install*|npm\\ i\\ *) needs=1 ;;
  esac
  # Docker Engine falls back from the mirror to Docker Hub and prints Hub's lookup error,
  # not the mirror's line (podman, whose docker.io *is* the mirror, prints the mirror's).
  if [ -x /usr/bin/dockerd ]; then
    case "$last" in docker\\ pull\\ *|docker\\ image\\ pull\\ *) needs=1 ;; esac
  fi
  [ -n "$needs" ] && printf '%s\\n' "pier: offline — this playground has no internet. Available without it: the shipped images (${list}). An admin can enable internet. / 이 실습 환경은 인터넷이 없습니다. 관리자가 인터넷을 켤 수 있습니다." >&2
  return "$status"
}
case ";\${PROMPT_COMMAND:-};" in
  *";__pier_offline_hint;"*) ;;
  *) PROMPT_COMMAND="__pier_offline_hint\${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;;
esac
`;
}

/** What a network's node files say. */
export interface NodeFilesOptions {
  gateway: string;
  outbound: boolean;
  /** Gateway port of the host image mirror; null when this process runs none. */
  mirrorPort: number | null;
  /** Images available offline, as students type them (for the hint). */
  offlineImages: readonly string[];
}

/** Writes the network's node files (only those that apply). */
export async function writeNodeFiles(networkDir: string, o: NodeFilesOptions): Promise<void> {
  const p = nodeFilePaths(networkDir);
  await writeFile(p.network, `${o.outbound ? 'internet' : 'offline'}\n`, { mode: 0o644 });
  if (o.mirrorPort !== null) {
    await writeFile(p.registries, renderMirrorRegistries(o.gateway, o.mirrorPort), { mode: 0o644 });
    await writeFile(p.mirrorUrl, `http://${o.gateway}:${o.mirrorPort}\n`, { mode: 0o644 });
  }
  if (!o.outbound) await writeFile(p.offlineHint, renderOfflineHint(o.offlineImages), { mode: 0o644 });
}

/** The read-only binds of the node files that exist (older networks have none). */
export function nodeFileBinds(networkDir: string): { source: string; destination: string; readonly: boolean }[] {
  const p = nodeFilePaths(networkDir);
  return (Object.keys(NODE_FILE_TARGETS) as NodeFile[])
    .filter((k) => existsSync(p[k]))
    .map((k) => ({ source: p[k], destination: NODE_FILE_TARGETS[k], readonly: true }));
}
