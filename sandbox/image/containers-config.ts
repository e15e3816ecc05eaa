// The configuration of nested containers inside every sandbox: podman behind the `docker`
// command, its storage, registries and cgroup handling. Plain data; recipe.ts writes it
// into the image, the spec (sandbox/spec/nested.ts) binds the host-dependent parts.
import type { RecipeFile } from './recipe.js';

/**
 * Where the shared offline image set appears inside a sandbox (read-only): podman's
 * `additionalimagestores`. The directory exists in the image, so podman starts even when no
 * image set is built; then it is an empty, writable store in the sandbox's own root.
 */
export const NESTED_IMAGE_STORE = '/usr/lib/containers/storage';

/** The drop-in the spec binds from one of CGROUP_CONF_SOURCES, chosen by the host's cgroup mode. */
export const CGROUP_DROP_IN = '/etc/containers/containers.conf.d/10-pier-cgroups.conf';

/** Inside-image paths of the two cgroup drop-ins (the host decides which one is bound). */
export const CGROUP_CONF_SOURCES = {
  v1: '/usr/share/pier/containers/cgroups-v1.conf',
  v2: '/usr/share/pier/containers/cgroups-v2.conf',
} as const;

// keyring = false: the sandbox's seccomp filter denies keyctl, add_key and request_key, and
// answers ENOSYS (sandbox/spec/seccomp.ts, PIER_ENOSYS_SYSCALLS), which podman, runc and
// crun take as "no keyrings here"; the setting saves podman the try. The comment inside the
// file still says "refuses": the text is part of the image recipe, and rewording it would
// change the image id and force a rebuild for no change in behaviour.
const CONTAINERS_CONF = `# pier: podman inside the sandbox (runs as the sandbox's root, in its user namespace).
# Whether cgroups are used is host-dependent: see containers.conf.d/10-pier-cgroups.conf.
[containers]
# The sandbox's seccomp filter refuses new session keyrings (keyctl).
keyring = false

[engine]
# No systemd and no journald inside the sandbox.
cgroup_manager = "cgroupfs"
events_logger = "file"

[network]
network_backend = "netavark"
`;

/** crun without cgroups, for cgroup v1 hosts (see CGROUPS_V1). */
export const CRUN_WITHOUT_CGROUPS = '/usr/local/libexec/pier/crun-without-cgroups';

const CGROUPS_V1 = `# pier, cgroup v1 host: the sandbox's cgroup tree is read-only, so nested containers
# run without cgroups of their own (crun --cgroup-manager=disabled). The sandbox's limits
# still bound them all together; \`docker run --memory/--cpus/--pids-limit\` are accepted
# but not enforced per container here, and \`docker stats\` has nothing to show.
# Not cgroups = "disabled": podman then refuses --pid host and --pid container:NAME.
[containers]
cgroups = "no-conmon"

[engine]
runtime = "crun"

[engine.runtimes]
crun = ["${CRUN_WITHOUT_CGROUPS}"]
`;

const CRUN_WITHOUT_CGROUPS_COMMAND = `#!/bin/sh
# pier: crun without cgroups (cgroup v1 host, read-only cgroup tree; containers.conf.d).
exec /usr/bin/crun --cgroup-manager=disabled "$@"
`;

const CGROUPS_V2 = `# pier, cgroup v2 host: the sandbox owns a delegated subtree (its cgroup namespace), so
# nested containers get cgroups of their own and \`docker run --memory 50m\` limits.
[containers]
cgroups = "enabled"
`;

const STORAGE_CONF = `# pier: nested containers' storage.
[storage]
driver = "overlay"
runroot = "/run/containers/storage"
# On the sandbox's own disk (ext4, counted against its disk limit): nested overlay works.
graphroot = "/var/lib/containers/storage"

[storage.options]
# pier's offline image set, shared read-only by every sandbox (costs no disk here).
additionalimagestores = ["${NESTED_IMAGE_STORE}"]
`;

const REGISTRIES_CONF = `# pier: short names (nginx, redis…) resolve as on Docker Hub; pier's offline image set
# holds them as docker.io/library/<name>, which podman finds locally before any pull.
unqualified-search-registries = ["docker.io"]
short-name-mode = "permissive"

# A registry container on this node (docker run -d -p 5000:5000 registry) speaks plain HTTP.
[[registry]]
location = "localhost:5000"
insecure = true

[[registry]]
location = "127.0.0.1:5000"
insecure = true
`;

/**
 * The `docker` command: podman, with `docker compose` handed to podman-compose, and an
 * offline `docker pull` of an image that is already here answered from the local copy.
 */
const DOCKER_COMMAND = `#!/bin/sh
# pier: \`docker\` is podman (Debian's podman-docker, without its "Emulate Docker CLI" line).
case "$1" in
  compose)
    shift
    exec /usr/local/bin/docker-compose "$@"
    ;;
  pull)
    podman "$@" && exit 0
    status=$?
    image=
    for arg in "$@"; do
      case "$arg" in -*|pull) ;; *) image=$arg ;; esac
    done
    if [ -n "$image" ] && podman image exists "$image" 2>/dev/null; then
      echo "pier: 레지스트리에 연결할 수 없어, 이미 있는 이미지 $image 를 그대로 씁니다 (pier 오프라인 이미지)." >&2
      echo "pier: no registry reachable; using the copy of $image that is already here (pier's offline images)." >&2
      exit 0
    fi
    exit $status
    ;;
esac
exec podman "$@"
`;

/**
 * `podman`: Debian's, except that image builds run their RUN steps on the sandbox's own
 * network. Inside the sandbox buildah counts as rootless and would use slirp4netns, which
 * needs /dev/net/tun, which sandboxes do not get. Docker runs RUN steps on its default
 * bridge; here they share the sandbox's network namespace (still inside the sandbox).
 */
const PODMAN_COMMAND = `#!/bin/sh
# pier: podman; \`build\` steps use the sandbox's network (no /dev/net/tun for slirp4netns).
case "$1 \${2:-}" in
  "build "*|"image build"|"buildx build") ;;
  *) exec /usr/bin/podman "$@" ;;
esac
for arg in "$@"; do
  case "$arg" in --network|--network=*|--net|--net=*) exec /usr/bin/podman "$@" ;; esac
done
if [ "$1" = build ]; then
  shift
  exec /usr/bin/podman build --network=host "$@"
fi
group=$1
shift 2
exec /usr/bin/podman "$group" build --network=host "$@"
`;

/**
 * `docker-compose` and `docker compose`: Debian's podman-compose 1.0.3, minus what it prints
 * besides the containers' own output (every podman command line it runs, "exit code: 0",
 * its podman version check) and minus its one-second pause after each podman command.
 */
const DOCKER_COMPOSE_COMMAND = `#!/usr/bin/python3
# pier: docker-compose is Debian's podman-compose, quieter and without its pauses.
import builtins
import re
import sys

import podman_compose

NOISE = re.compile(r"^(\\['podman'|podman |using podman version: |exit code: |\\*\\* excluding: )")


def quiet_print(*args, **kwargs):
    """podman-compose's own print, without the lines Docker Compose does not print."""
    if NOISE.match(" ".join(str(a) for a in args)):
        return
    builtins.print(*args, **kwargs)


podman_compose.print = quiet_print
run_defaults = list(podman_compose.Podman.run.__defaults__)
run_defaults[3] = 0  # sleep=1 after every podman command
podman_compose.Podman.run.__defaults__ = tuple(run_defaults)
sys.exit(podman_compose.main())
`;

const STORE_PLACEHOLDER = `pier mounts its offline image set here, read-only (podman's additionalimagestores).
`;

/** Files of the nested-container configuration, written into the sandbox image. */
export const CONTAINERS_FILES: readonly RecipeFile[] = [
  // Nested podman maps the sandbox's uids 1..65535 (all it has besides root).
  { path: '/etc/subuid', content: 'root:1:65535\n', mode: 0o644 },
  { path: '/etc/subgid', content: 'root:1:65535\n', mode: 0o644 },
  // Silences podman-docker's "Emulate Docker CLI using podman" on every command.
  { path: '/etc/containers/nodocker', content: '', mode: 0o644 },
  { path: '/etc/containers/containers.conf', content: CONTAINERS_CONF, mode: 0o644 },
  { path: '/etc/containers/storage.conf', content: STORAGE_CONF, mode: 0o644 },
  { path: '/etc/containers/registries.conf', content: REGISTRIES_CONF, mode: 0o644 },
  { path: CGROUP_CONF_SOURCES.v1, content: CGROUPS_V1, mode: 0o644 },
  { path: CGROUP_CONF_SOURCES.v2, content: CGROUPS_V2, mode: 0o644 },
  { path: `${NESTED_IMAGE_STORE}/README`, content: STORE_PLACEHOLDER, mode: 0o644 },
  { path: '/usr/local/bin/docker', content: DOCKER_COMMAND, mode: 0o755 },
  { path: '/usr/local/bin/podman', content: PODMAN_COMMAND, mode: 0o755 },
  { path: CRUN_WITHOUT_CGROUPS, content: CRUN_WITHOUT_CGROUPS_COMMAND, mode: 0o755 },
  { path: '/usr/local/bin/docker-compose', content: DOCKER_COMPOSE_COMMAND, mode: 0o755 },
];

/**
 * The same for the trixie image, where `docker` is the real Docker Engine (engine-config.ts):
 * podman 5 keeps its own name and configuration; no podman-docker, no podman-compose.
 */
export const CONTAINERS_FILES_PODMAN5: readonly RecipeFile[] = CONTAINERS_FILES.filter(
  (f) => !['/etc/containers/nodocker', '/usr/local/bin/docker', '/usr/local/bin/docker-compose'].includes(f.path),
).map((f) =>
  // podman 5 warns on every command that cgroup v1 is deprecated: the host's business, not the student's.
  f.path === '/usr/local/bin/podman' ? { ...f, content: f.content.replace('\ncase ', '\nexport PODMAN_IGNORE_CGROUPSV1_WARNING=1\ncase ') } : f,
);
