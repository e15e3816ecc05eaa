// The real Docker Engine inside every sandbox (Debian trixie's docker.io, containerd, compose
// v2, buildx) beside podman 5: the daemon's start script, its per-host configurations and the
// `docker` command. Plain data; recipe.ts writes it into the image, the spec binds the
// host-dependent file (sandbox/spec/nested.ts) and pier's init starts the daemon on first use
// (sandbox/native/pier-init.c).
import { CONTAINERS_FILES_PODMAN5 } from './containers-config.js';
import type { RecipeFile } from './recipe.js';

/** dockerd's configuration file: a read-only bind of one of DAEMON_CONF_SOURCES. */
export const DOCKER_DAEMON_CONF = '/etc/docker/daemon.json';

/**
 * Inside-image paths of the two daemon configurations; the host's cgroup mode decides which
 * one is bound (nestedCgroups in sandbox/spec/nested.ts: 'v2' only where the sandbox's cgroup
 * v2 subtree is delegated).
 */
export const DAEMON_CONF_SOURCES = {
  v1: '/usr/share/pier/docker/daemon-v1.json',
  v2: '/usr/share/pier/docker/daemon-v2.json',
} as const;

/** What pier's init runs on the first connection to DOCKER_SOCKET (pier-init.c DOCKERD). */
export const DOCKERD_START = '/usr/local/libexec/pier/dockerd';
/** The socket pier's init holds listening (pier-init.c SOCKET); /var/run is a link to /run. */
export const DOCKER_SOCKET = '/run/docker.sock';
/** dockerd's and containerd's output (pier-init.c LOG). */
export const DOCKERD_LOG = '/var/log/dockerd.log';

/**
 * No delegated cgroups (cgroup v1 or hybrid host, or v2 without delegation): the sandbox's
 * cgroup tree is read-only, and dockerd in rootless mode runs containers without cgroups of
 * their own (all bounded together by the sandbox's limits). Measured: without `rootless`
 * runc fails on the read-only /sys/fs/cgroup. registry-mirrors: see engine-status (mirror).
 */
const DAEMON_V1 = {
  rootless: true,
  'storage-driver': 'overlay2',
  'log-driver': 'json-file',
};

/** Delegated cgroup v2 subtree: containers get cgroups below the sandbox's, limits enforced. */
const DAEMON_V2 = {
  'exec-opts': ['native.cgroupdriver=cgroupfs'],
  'storage-driver': 'overlay2',
  'log-driver': 'json-file',
};

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * dockerd's start script. pier's init execs it in a fresh session with the listening socket
 * as fd 3 (LISTEN_FDS=1, LISTEN_PID = this process: exec keeps the pid), so dockerd serves
 * the very connection that woke it. Run by hand (no LISTEN_FDS) it listens on the path itself.
 */
const DOCKERD_START_SCRIPT = `#!/bin/sh
# pier: starts the Docker daemon on first use (pier's init holds ${DOCKER_SOCKET} until then).
# The daemon's settings: ${DOCKER_DAEMON_CONF} (chosen by the host: cgroups delegated or not).
if [ -n "\${LISTEN_FDS:-}" ]; then
  host=fd://
else
  host=unix://${DOCKER_SOCKET}
fi
set -- --host "$host" "$@"
# The host's image mirror for docker.io, when pier runs one (one line: its URL).
if [ -s /etc/pier/registry-mirror ]; then
  set -- "$@" --registry-mirror "$(cat /etc/pier/registry-mirror)"
fi
exec /usr/sbin/dockerd "$@"
`;

/**
 * The \`docker\` command: Docker's own CLI (/usr/bin/docker), after a short note while the
 * daemon starts, and a note where per-container limits are not enforced.
 */
const DOCKER_COMMAND = `#!/bin/sh
# pier: \`docker\` is Docker's own CLI (/usr/bin/docker). The daemon starts on first use: this
# only says so while it starts, and says when per-container limits are not enforced here.
if [ -z "\${DOCKER_HOST:-}" ] && [ -z "\${PIER_DOCKER_QUIET:-}" ]; then
  case "\${1:-}" in
    ""|-h|--help|help|-v|--version|completion|context) ;;
    *)
      pid=$(cat /run/docker.pid 2>/dev/null)
      if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "pier: Docker 엔진을 시작하는 중… / starting Docker…" >&2
        if [ ! -S ${DOCKER_SOCKET} ]; then
          # No pier init holding the socket (an older sandbox): start the daemon directly.
          setsid ${DOCKERD_START} </dev/null >>${DOCKERD_LOG} 2>&1 &
        fi
        if ! timeout 60 /usr/bin/docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
          echo "pier: Docker가 60초 안에 시작되지 않았습니다. 로그: ${DOCKERD_LOG}" >&2
          echo "pier: Docker did not start within 60 s; its log is ${DOCKERD_LOG}:" >&2
          tail -n 5 ${DOCKERD_LOG} >&2 2>/dev/null
          exit 1
        fi
      fi
      ;;
  esac
  # Offline, dockerd falls back from the host's mirror to Docker Hub and prints a resolver
  # error: ask the mirror first, so a pull of an image it lacks fails at once with its line.
  if [ "$(cat /etc/pier/network 2>/dev/null)" = offline ] && [ -s /etc/pier/registry-mirror ]; then
    case "\${1:-} \${2:-}" in
      "pull "*|"image pull")
        for ref in "$@"; do :; done
        name=\${ref%@*}; at=latest
        [ "$name" != "$ref" ] && at=\${ref#*@}
        case "$name" in docker.io/*) name=\${name#docker.io/} ;; esac
        case "$name" in
          */*) first=\${name%%/*} ;;
          *) first=; name=library/$name ;;
        esac
        base=\${name##*/}
        case "$base" in *:*) [ "$at" = latest ] && at=\${base##*:}; name=\${name%:*} ;; esac
        case "$first" in *.*|*:*|localhost) ;; *)
          case "$ref" in -*|"") ;; *)
            msg=$(curl -s -m 5 -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json' \
              "$(cat /etc/pier/registry-mirror)/v2/$name/manifests/$at" 2>/dev/null | jq -r '.errors[0].message // empty' 2>/dev/null)
            if [ -n "$msg" ]; then
              echo "Error response from daemon: $msg" >&2
              exit 1
            fi
            ;;
          esac
          ;;
        esac
        ;;
    esac
  fi
  if grep -q '"rootless": true' ${DOCKER_DAEMON_CONF} 2>/dev/null; then
    limits=
    case "\${1:-} \${2:-}" in
      "run "*|"create "*|"update "*|"container run"|"container create"|"container update")
        prev=
        for arg in "$@"; do
          case "$arg" in
            --memory|--memory=*|--memory-swap*|--memory-reservation*|--cpus|--cpus=*|--cpu-shares*|--cpu-quota*|--cpu-period*|--cpuset-*|--pids-limit*|--blkio-weight*|--device-read-*|--device-write-*) limits=1 ;;
            -m[0-9]*) limits=1 ;;
            [0-9]*) [ "$prev" = -m ] && limits=1 ;;
          esac
          prev=$arg
        done
        ;;
      "stats "*|"container stats") limits=1 ;;
      "top "*|"container top")
        # runc's \`ps\` needs the container's cgroup: list its pid namespace's processes instead.
        [ "$1" = container ] && shift
        shift
        name=\${1:-}
        [ -n "$name" ] && shift
        pid=$(/usr/bin/docker inspect --format '{{.State.Pid}}' "$name") || exit 1
        if [ "$pid" -le 0 ] 2>/dev/null || [ "$pid" = 0 ]; then
          echo "Error response from daemon: container $name is not running" >&2
          exit 1
        fi
        ns=$(readlink /proc/"$pid"/ns/pid)
        pids=
        for d in /proc/[0-9]*; do
          [ "$(readlink "$d"/ns/pid 2>/dev/null)" = "$ns" ] && pids="$pids\${pids:+,}\${d#/proc/}"
        done
        # As dockerd does: the student's ps options, limited to the container's processes.
        [ $# -gt 0 ] || set -- -ef
        exec ps "$@" -q "$pids"
        ;;
    esac
    if [ -n "$limits" ]; then
      echo "pier: 이 호스트에서는 컨테이너별 제한(--memory, --cpus, --pids-limit)이 적용되지 않고, docker stats는 샌드박스 전체의 사용량을 보여 줍니다 (위임된 cgroup 없음). 샌드박스 전체의 제한은 그대로 적용됩니다." >&2
      echo "pier: on this host per-container limits (--memory, --cpus, --pids-limit) are accepted but not enforced, and docker stats shows the whole sandbox's usage (no delegated cgroups); the sandbox's own limits still bound everything." >&2
    fi
  fi
fi
exec /usr/bin/docker "$@"
`;

/** Files of the Docker Engine configuration, written into the trixie image. */
export const ENGINE_FILES: readonly RecipeFile[] = [
  ...CONTAINERS_FILES_PODMAN5,
  { path: DAEMON_CONF_SOURCES.v1, content: json(DAEMON_V1), mode: 0o644 },
  { path: DAEMON_CONF_SOURCES.v2, content: json(DAEMON_V2), mode: 0o644 },
  // The bind's target; also the configuration where no bind is made.
  { path: DOCKER_DAEMON_CONF, content: json(DAEMON_V1), mode: 0o644 },
  { path: DOCKERD_START, content: DOCKERD_START_SCRIPT, mode: 0o755 },
  { path: '/usr/local/bin/docker', content: DOCKER_COMMAND, mode: 0o755 },
];
