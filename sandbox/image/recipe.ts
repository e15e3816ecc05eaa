// The sandbox image recipe: one readable literal of what goes into the root filesystem,
// and the hash of it that names the built image.
import { createHash } from 'node:crypto';
import { CONTAINERS_FILES } from './containers-config.js';
import { ENGINE_FILES } from './engine-config.js';

/**
 * Bump when the build procedure changes in a way the literal below does not show (how
 * files are written, how ownership is shifted…): it changes every image id.
 */
export const RECIPE_VERSION = 1;

/** Length of an image id: the first hex characters of the recipe's sha256. */
export const IMAGE_ID_LENGTH = 12;

/** A file written into the tree after the packages are installed, before shifting. */
export interface RecipeFile {
  /** Absolute path inside the image. */
  path: string;
  /** Text written (UTF-8). */
  content: string;
  /** Permission bits, e.g. 0o644; owner is root (0:0) before the shift. */
  mode: number;
  /** Add to the end of the file the packages left there instead of replacing it. */
  append?: boolean;
}

/** Everything that decides an image's content. Changing any field changes its id. */
export interface ImageRecipe {
  version: number;
  /** Debian suite, e.g. `bookworm`. */
  suite: string;
  /** mmdebstrap variant: `apt` = Essential:yes packages plus apt. */
  variant: 'apt';
  /** Installed on top of the variant, with their hard dependencies (no Recommends). */
  packages: readonly string[];
  files: readonly RecipeFile[];
  /**
   * Where packages come from (config `imageMirror`): a URI, a `deb …` line or a sources
   * file; absent or empty: the host's Debian sources, else deb.debian.org (mirror.ts).
   * Not part of the image id: a nearer mirror of the same suite builds the same image.
   */
  mirror?: string;
}

const MOTD = `pier 실습장에 오신 것을 환영합니다. 이 셸은 여러분만의 샌드박스이고, 여러분이 root입니다.
마음껏 실험해 보세요. 여기서 무엇을 망가뜨려도 다른 사람이나 서버에는 영향이 없습니다.
Welcome to the pier playground. This shell is your own sandbox, and you are root.
Experiment freely: nothing you break here affects anyone else or the server.
`;

// `\$` prints `#` for root; `\w` is the working directory (`~` for /root).
const BASHRC = `
# pier: a coloured prompt, root@<hostname>:<cwd>#
PS1='\\[\\e[1;31m\\]\\u@\\h\\[\\e[0m\\]:\\[\\e[1;34m\\]\\w\\[\\e[0m\\]\\$ '
alias ls='ls --color=auto'
alias grep='grep --color=auto'
`;

/** Every image's shell, everyday tools and networking tools, whatever its suite. */
const EVERYDAY_PACKAGES = [
  // A shell and the everyday tools.
  'bash', 'bash-completion', 'coreutils', 'procps', 'psmisc', 'util-linux', 'less', 'file',
  'tree', 'htop', 'lsof', 'strace', 'jq', 'git', 'nano', 'vim', 'man-db', 'manpages',
  'python3', 'e2fsprogs',
  // Networking lessons.
  'iproute2', 'iputils-ping', 'netcat-openbsd', 'curl', 'ca-certificates', 'iptables',
] as const;

/**
 * The earlier recipe, Debian bookworm with podman behind `docker` (its image id unchanged):
 * what `imageSuite: bookworm` builds. Debian 12's docker.io 20.10 is not worth shipping
 * (BuildKit and `--privileged` broken there).
 */
export const BOOKWORM_RECIPE: ImageRecipe = {
  version: RECIPE_VERSION,
  suite: 'bookworm',
  variant: 'apt',
  packages: [
    ...EVERYDAY_PACKAGES,
    // Docker lessons: podman behind the `docker` command, nested in the sandbox's userns.
    // netavark is named because `container-network-stack` is virtual and apt would
    // otherwise pick whichever provider sorts first.
    'podman', 'podman-docker', 'buildah', 'catatonit', 'uidmap', 'fuse-overlayfs',
    'slirp4netns', 'netavark', 'aardvark-dns',
    // `docker compose` / `docker-compose` (containers-config.ts).
    'podman-compose',
    // A static busybox: `podman import` of a tiny hand-made image needs one.
    'busybox-static',
  ],
  files: [
    // Docker lessons: podman's configuration and the `docker` command (containers-config.ts).
    ...CONTAINERS_FILES,
    // Each sandbox sets its own hostname; this only replaces the build host's name.
    { path: '/etc/hostname', content: 'pier\n', mode: 0o644 },
    { path: '/etc/motd', content: MOTD, mode: 0o644 },
    { path: '/root/.bashrc', content: BASHRC, mode: 0o644, append: true },
  ],
};

/**
 * The recipe for Debian trixie (13), the default; `defaultRecipe()` sets the suite and mirror.
 * `docker` is the real Docker Engine (dockerd, containerd, runc; compose v2 and buildx
 * plugins), started on first use by pier's init; podman 5 stays as `podman`.
 */
export const BASE_RECIPE: ImageRecipe = {
  version: RECIPE_VERSION,
  suite: 'trixie',
  variant: 'apt',
  packages: [
    ...EVERYDAY_PACKAGES,
    // Docker lessons: the Docker Engine (engine-config.ts; docker-cli is only a Recommends of
    // docker.io), docker-compose is the v2 plugin.
    'docker.io', 'docker-cli', 'containerd', 'runc', 'docker-compose', 'docker-buildx',
    // podman 5 as `podman`, nested in the sandbox's userns (containers-config.ts). netavark is
    // named because `container-network-stack` is virtual; crun runs podman's containers on
    // cgroup v1 hosts (without cgroups, see CGROUPS_V1).
    'podman', 'buildah', 'crun', 'catatonit', 'uidmap', 'fuse-overlayfs', 'slirp4netns',
    'netavark', 'aardvark-dns',
    // trixie's netavark sets up podman's bridge networks with the `nft` command.
    'nftables',
    // A static busybox: `podman import` of a tiny hand-made image needs one.
    'busybox-static',
  ],
  files: [
    ...ENGINE_FILES,
    // Each sandbox sets its own hostname; this only replaces the build host's name.
    { path: '/etc/hostname', content: 'pier\n', mode: 0o644 },
    { path: '/etc/motd', content: MOTD, mode: 0o644 },
    { path: '/root/.bashrc', content: BASHRC, mode: 0o644, append: true },
  ],
};

/**
 * The recipe pier builds.
 * @param options.suite Debian suite (config `imageSuite`), default `trixie`; `bookworm` gets
 *   BOOKWORM_RECIPE, any other suite (e.g. `sid`) the trixie recipe's packages and files
 * @param options.mirror config `imageMirror`; empty or absent: see ImageRecipe.mirror
 */
export function defaultRecipe(options: { suite?: string | undefined; mirror?: string | undefined } = {}): ImageRecipe {
  const base = options.suite === BOOKWORM_RECIPE.suite ? BOOKWORM_RECIPE : BASE_RECIPE;
  const recipe: ImageRecipe = { ...base, suite: options.suite || base.suite };
  if (options.mirror) recipe.mirror = options.mirror;
  return recipe;
}

/** JSON with object keys sorted at every level, so equal recipes give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The image id of a recipe: the first IMAGE_ID_LENGTH hex characters of the sha256 of its
 * canonical JSON, without `mirror`.
 */
export function recipeHash(recipe: ImageRecipe): string {
  const { mirror: _notHashed, ...content } = recipe;
  return createHash('sha256').update(canonicalJson(content)).digest('hex').slice(0, IMAGE_ID_LENGTH);
}
