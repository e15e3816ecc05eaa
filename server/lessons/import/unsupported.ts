// Constructs of Killercoda/Katacoda scenarios pier cannot honour, found in a lesson's
// scripts and in the commands its text runs, each with its file and line. Used by the
// import report and by `pier lesson lint` (as warnings, so `pier lesson test` refuses the
// lesson until the author rewrites or removes the part). One table of rules, then a loop.
import { OFFLINE_IMAGE_TAGS } from '../../../sandbox/index.js';

/** One construct pier cannot honour. */
export interface Unsupported {
  file: string;
  line: number;
  /** Short name of the construct, e.g. `systemctl`. */
  construct: string;
  /** Why pier cannot honour it and what to do instead. */
  reason: string;
}

/** What the deployment offers. */
export interface ScanOptions {
  /** Whether sandboxes reach the internet (config `outbound`). */
  outbound: boolean;
  /** Repositories the lesson builds, tags, commits or imports itself (see localImages). */
  localImages?: ReadonlySet<string>;
}

interface Rule {
  construct: string;
  re: RegExp;
  reason: string;
  /** Only when the deployment has no internet. */
  offline?: boolean;
}

const CMD = String.raw`(?:^|[;&|({\s]|\bsudo\s+)`;

const RULES: readonly Rule[] = [
  { construct: 'block devices / LVM', re: new RegExp(`${CMD}(?:losetup|pvcreate|vgcreate|lvcreate|lvextend|lvresize|mkfs(?:\\.\\w+)?|fdisk|sfdisk|parted|mdadm|dmsetup|wipefs)\\b`), reason: 'sandboxes have no block devices and cannot make loop devices or LVM volumes' },
  { construct: 'block devices / LVM', re: /\bmount\s+(?:-\S+\s+)*\/dev\/(?:sd|vd|xvd|nvme|loop|mapper|md)/, reason: 'sandboxes have no block devices to mount' },
  { construct: 'host cgroups', re: new RegExp(`${CMD}(?:cgcreate|cgset|cgexec|cgclassify|cgdelete)\\b|mount\\s+-t\\s+cgroup|/sys/fs/cgroup/(?:system\\.slice|user\\.slice|kubepods|init\\.scope|cgroup\\.subtree_control)`), reason: "a node sees only its own cgroup: the host's hierarchy (slices, subtree_control, libcgroup tools) cannot be written" },
  { construct: 'systemctl', re: new RegExp(`${CMD}(?:systemctl|journalctl)\\b`), reason: 'nodes do not run systemd: start services directly (setsid -f NAME …) and read their logs from files' },
  { construct: '/etc/docker/daemon.json', re: /\/etc\/docker\/daemon\.json/, reason: "docker in pier is podman answering as docker: /etc/docker/daemon.json is not read (no registry mirrors, log drivers or daemon restart)" },
  { construct: 'Kubernetes', re: new RegExp(`${CMD}(?:kubectl|kubeadm|minikube|kind\\s+create|helm|k3s|microk8s)\\b`), reason: 'pier provides no Kubernetes backend' },
  { construct: 'package install', re: new RegExp(`${CMD}(?:apt-get|apt|yum|dnf|apk)\\s+(?:-\\S+\\s+)*(?:install|update|upgrade|add)\\b|${CMD}(?:pip3?|npm|gem)\\s+install\\b`), reason: 'the deployment has no internet (outbound is off): install nothing at run time; use what the node image has, or ask the admin to enable outbound', offline: true },
  { construct: 'download', re: new RegExp(`${CMD}(?:curl|wget)\\b(?![^\\n]*--unix-socket)[^\\n]*\\bhttps?://(?!localhost|127\\.|10\\.|192\\.168\\.|\\[)[a-z0-9-]+\\.[a-z0-9.-]*[a-z]|${CMD}git\\s+clone\\s+(?:-\\S+\\s+)*(?:https?|git|ssh)://|${CMD}git\\s+clone\\s+git@`), reason: 'the deployment has no internet (outbound is off): ship the file as an asset instead', offline: true },
];

/** docker/podman subcommands that take an image, and flags of `run`/`create` that take a value. */
const IMAGE_CMD_RE = /(?:^|[;&|(\s])(?:sudo\s+)?(?:docker|podman)\s+(?:container\s+|image\s+)?(run|create|pull)\s+([^;&|\n]*)/g;
const VALUE_FLAGS = new Set(['-p', '--publish', '-v', '--volume', '-e', '--env', '--name', '-w', '--workdir', '--network', '--net', '-u', '--user', '-h', '--hostname', '--mount', '--entrypoint', '-l', '--label', '--restart', '-m', '--memory', '--cpus', '--add-host', '--env-file', '--platform', '--ip', '--dns', '--pid', '--ipc', '--cap-add', '--cap-drop', '--device', '--log-driver', '--security-opt', '--tmpfs', '--ulimit', '--expose', '--link', '--network-alias', '--health-cmd']);
const FROM_RE = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/i;

/** `nginx` → `docker.io/library/nginx:latest`, `me/app:1` → `docker.io/me/app:1`. */
export function fullImageName(image: string): string {
  let name = image.replace(/@sha256:[0-9a-f]+$/, '');
  const first = name.split('/')[0]!;
  if (!name.includes('/')) name = `docker.io/library/${name}`;
  else if (!/[.:]/.test(first) && first !== 'localhost') name = `docker.io/${name}`;
  if (!/:[^/]+$/.test(name)) name = `${name}:latest`;
  return name;
}

/** The image a `docker run|create|pull` argument list names, or null. */
function imageOf(args: string): string | null {
  const tokens = args.trim().split(/\s+/).filter((t) => t !== '');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.startsWith('-')) {
      if (!t.includes('=') && VALUE_FLAGS.has(t)) i++;
      continue;
    }
    return /^[a-z0-9][\w.\-/:@]*$/i.test(t) && !t.includes('$') ? t : null;
  }
  return null;
}

/** The repository of an image name, without tag: `docker.io/library/nginx`. */
const repository = (image: string): string => fullImageName(image).replace(/:[^/:]+$/, '');

/** Whether `image` needs no internet: in the offline set, made by the lesson, or in a registry of its own nodes. */
function offlineImage(image: string, local: ReadonlySet<string> | undefined): boolean {
  const first = image.split('/')[0]!;
  if (image.includes('/') && (first.startsWith('localhost') || /^[a-z0-9-]+:\d+$/.test(first) || /^\d+\.\d+\.\d+\.\d+(:\d+)?$/.test(first))) return true;
  return OFFLINE_IMAGE_TAGS.includes(fullImageName(image)) || (local?.has(repository(image)) ?? false);
}

/** Repositories that `docker build -t`, `docker tag`, `commit` and `import` make in these texts. */
export function localImages(texts: readonly string[]): Set<string> {
  const out = new Set<string>();
  const add = (name: string | undefined) => {
    if (name && /^[a-z0-9][\w.\-/:]*$/i.test(name)) out.add(repository(name));
  };
  for (const raw of texts) {
    const text = raw.replace(/\\\r?\n\s*/g, ' ');
    for (const m of text.matchAll(/(?:docker|podman)\s+(?:image\s+|container\s+)?(?:import|commit)\b([^\n]*)/g)) add(m[1]!.trim().split(/\s+/).pop());
    for (const m of text.matchAll(/(?:\s-t|--tag)[=\s]+([^\s;&|'"]+)/g)) add(m[1]);
    for (const m of text.matchAll(/(?:docker|podman)\s+(?:image\s+)?tag\s+\S+\s+([^\s;&|'"]+)/g)) add(m[1]);
  }
  return out;
}

/**
 * Scans shell text (a script, or the commands of a step's text starting at `firstLine`).
 * Comment lines are skipped; a construct is named once per line.
 */
export function scanShell(file: string, text: string, o: ScanOptions, firstLine = 1): Unsupported[] {
  const out: Unsupported[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '$1');
    if (line.trim() === '' || /^\s*#!/.test(raw)) return;
    const at = firstLine + i;
    const seen = new Set<string>();
    for (const r of RULES) {
      if (r.offline && o.outbound) continue;
      if (seen.has(r.construct) || !r.re.test(line)) continue;
      seen.add(r.construct);
      out.push({ file, line: at, construct: r.construct, reason: r.reason });
    }
    if (o.outbound) return;
    // A command substitution or a quoted string is one word (`--add-host n2:$(getent hosts n2 | cut …)`).
    const words = line.replace(/\$\([^()]*\)/g, '$SUB').replace(/"[^"]*"|'[^']*'/g, 'QUOTED');
    for (const m of words.matchAll(IMAGE_CMD_RE)) {
      const image = imageOf(m[2]!);
      if (image !== null && !offlineImage(image, o.localImages)) out.push({ file, line: at, construct: `image ${image}`, reason: `"${image}" is not in the offline image set and the deployment has no internet; use one of ${offlineNames()}` });
    }
    const from = FROM_RE.exec(raw);
    if (from && /Dockerfile|Containerfile/i.test(file) && from[1] !== 'scratch' && !/^\$/.test(from[1]!) && !offlineImage(from[1]!, o.localImages)) {
      out.push({ file, line: at, construct: `image ${from[1]}`, reason: `"${from[1]}" is not in the offline image set and the deployment has no internet; use one of ${offlineNames()}` });
    }
  });
  return out;
}

/** The offline set in short names, for messages. */
function offlineNames(): string {
  return [...new Set(OFFLINE_IMAGE_TAGS.map((t) => t.replace(/^docker\.io\/library\//, '')))].join(', ');
}
