// Turns Docker's seccomp profile into a sandbox's OCI `linux.seccomp`, plus pier's policy.
// Docker's rules are selected for the granted capabilities and the host's architecture.
import { readFile } from 'node:fs/promises';
import { release } from 'node:os';
import { z } from 'zod';
import { SandboxError } from '../errors.js';
import type { LinuxSeccomp, LinuxSyscall, SeccompAction, SeccompArch, SeccompOperator } from './oci-types.js';

/** Where Debian's golang-github-containers-common installs the profile. */
export const DEFAULT_SECCOMP_PROFILE_PATH = '/usr/share/containers/seccomp.json';

/** A profile larger than this is not a seccomp profile (Debian's is 16 KiB). */
const MAX_PROFILE_BYTES = 1024 * 1024;

const EPERM = 1;
const ENOSYS = 38;

const SECCOMP_ACTIONS = [
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_LOG',
  'SCMP_ACT_NOTIFY',
] as const satisfies readonly SeccompAction[];

const SECCOMP_OPERATORS = [
  'SCMP_CMP_NE',
  'SCMP_CMP_LT',
  'SCMP_CMP_LE',
  'SCMP_CMP_EQ',
  'SCMP_CMP_GE',
  'SCMP_CMP_GT',
  'SCMP_CMP_MASKED_EQ',
] as const satisfies readonly SeccompOperator[];

const ArchName = z.string().regex(/^SCMP_ARCH_[A-Z0-9_]+$/) as z.ZodType<SeccompArch>;
const NameList = z.array(z.string().min(1).max(64)).max(1024);
const Errno = z.number().int().min(0).max(4095);

const DockerFilter = z.object({
  caps: NameList.optional(),
  arches: NameList.optional(),
  /** e.g. "4.8": the rule needs at least this kernel. */
  minKernel: z.string().max(32).optional(),
});

const DockerRule = z
  .object({
    names: NameList.optional(),
    /** Older profiles name one syscall per rule. */
    name: z.string().min(1).max(64).optional(),
    action: z.enum(SECCOMP_ACTIONS),
    errnoRet: Errno.optional(),
    args: z
      .array(
        z.object({
          index: z.number().int().min(0).max(5),
          // JSON numbers are exact up to 2^53; no profile compares beyond 32 bits.
          value: z.number().int().nonnegative(),
          valueTwo: z.number().int().nonnegative().optional(),
          op: z.enum(SECCOMP_OPERATORS),
        }),
      )
      .max(6)
      .nullish(),
    includes: DockerFilter.nullish(),
    excludes: DockerFilter.nullish(),
  })
  .refine((r) => (r.names?.length ?? 0) > 0 || r.name !== undefined, { message: 'a rule names no syscall' });

const DockerProfileSchema = z.object({
  defaultAction: z.enum(SECCOMP_ACTIONS),
  defaultErrnoRet: Errno.optional(),
  archMap: z.array(z.object({ architecture: ArchName, subArchitectures: z.array(ArchName).nullish() })).nullish(),
  syscalls: z.array(DockerRule).max(1024),
});

/** A seccomp profile in Docker's format (moby `profiles/seccomp/default.json`), validated. */
export type DockerSeccompProfile = z.infer<typeof DockerProfileSchema>;
type DockerSeccompRule = DockerSeccompProfile['syscalls'][number];

/**
 * Reads and validates a Docker-format seccomp profile.
 * @param path the JSON file (default: Debian's containers-common copy)
 * @throws SandboxError `HOST_UNSUPPORTED` when the file is missing, unreadable, not JSON or
 *   not a profile — the message names the file and what is wrong
 */
export async function loadDockerSeccompProfile(path: string = DEFAULT_SECCOMP_PROFILE_PATH): Promise<DockerSeccompProfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const hint = (err as NodeJS.ErrnoException).code === 'ENOENT' ? ' (install golang-github-containers-common)' : '';
    throw new SandboxError('HOST_UNSUPPORTED', `cannot read seccomp profile ${path}${hint}`, { cause: err });
  }
  if (text.length > MAX_PROFILE_BYTES) {
    throw new SandboxError('HOST_UNSUPPORTED', `seccomp profile ${path} is larger than ${MAX_PROFILE_BYTES} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SandboxError('HOST_UNSUPPORTED', `seccomp profile ${path} is not valid JSON`, { cause: err });
  }
  const parsed = DockerProfileSchema.safeParse(json);
  if (!parsed.success) {
    throw new SandboxError('HOST_UNSUPPORTED', `seccomp profile ${path} is malformed:\n${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** Node's `process.arch` → the architecture name Docker profiles use (Go's GOARCH). */
const DOCKER_ARCH_OF_NODE: Readonly<Record<string, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/** Docker's architecture name → libseccomp's native architecture token. */
const SCMP_ARCH_OF_DOCKER: Readonly<Record<string, SeccompArch>> = {
  amd64: 'SCMP_ARCH_X86_64',
  arm64: 'SCMP_ARCH_AARCH64',
  arm: 'SCMP_ARCH_ARM',
  ppc64le: 'SCMP_ARCH_PPC64LE',
  s390x: 'SCMP_ARCH_S390X',
  riscv64: 'SCMP_ARCH_RISCV64',
};

/** Where the translation happens: what the sandbox is granted and what the host is. */
export interface SeccompTarget {
  /** Capability names granted to the sandbox, with or without the `CAP_` prefix. */
  capabilities: readonly string[];
  /** Node's `process.arch` of the host, e.g. `x64` or `arm64`. */
  arch: string;
  /** Running kernel release for `includes.minKernel` (default `os.release()`). */
  kernel?: string;
}

interface Host {
  caps: ReadonlySet<string>;
  /** Docker's name of the host architecture, e.g. `amd64`. */
  arch: string;
  kernel: readonly number[];
}

const capName = (c: string): string => {
  const upper = c.toUpperCase();
  return upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
};

/** "6.18.44-fc" → [6, 18, 44]. */
const kernelVersion = (v: string): number[] => (v.match(/^\d+(\.\d+)*/)?.[0] ?? '0').split('.').map(Number);

const versionAtLeast = (have: readonly number[], want: readonly number[]): boolean => {
  for (let i = 0; i < Math.max(have.length, want.length); i++) {
    const h = have[i] ?? 0;
    const w = want[i] ?? 0;
    if (h !== w) return h > w;
  }
  return true;
};

/**
 * Docker's rule selection (moby `profiles/seccomp/seccomp_linux.go`): a rule is kept only
 * when every test passes.
 */
const RULE_TESTS: readonly { why: string; keep: (r: DockerSeccompRule, h: Host) => boolean }[] = [
  { why: 'every includes.caps is granted', keep: (r, h) => (r.includes?.caps ?? []).every((c) => h.caps.has(capName(c))) },
  { why: 'includes.arches, if any, name the host', keep: (r, h) => !r.includes?.arches?.length || r.includes.arches.includes(h.arch) },
  {
    why: 'includes.minKernel, if any, is not newer than the host',
    keep: (r, h) => !r.includes?.minKernel || versionAtLeast(h.kernel, kernelVersion(r.includes.minKernel)),
  },
  { why: 'no excludes.caps is granted', keep: (r, h) => !(r.excludes?.caps ?? []).some((c) => h.caps.has(capName(c))) },
  { why: 'excludes.arches do not name the host', keep: (r, h) => !(r.excludes?.arches ?? []).includes(h.arch) },
];

/** The OCI form of one Docker rule: `includes`/`excludes` dropped, args only when present. */
function toOciRule(r: DockerSeccompRule): LinuxSyscall {
  const rule: LinuxSyscall = { names: r.names?.length ? [...r.names] : [r.name ?? ''], action: r.action };
  if (r.errnoRet !== undefined) rule.errnoRet = r.errnoRet;
  if (r.args?.length) {
    rule.args = r.args.map((a) => ({ index: a.index, value: a.value, ...(a.valueTwo ? { valueTwo: a.valueTwo } : {}), op: a.op }));
  }
  return rule;
}

/**
 * Translates a Docker profile to OCI form exactly as Docker would for a container with
 * these capabilities on this host — no pier policy added.
 * Architectures: the host's native one plus the sub-architectures its `archMap` lists
 * (SCMP_ARCH_X86_64 → SCMP_ARCH_X86, SCMP_ARCH_X32).
 * @throws SandboxError `HOST_UNSUPPORTED` for an architecture pier does not know
 */
export function translateDockerSeccomp(profile: DockerSeccompProfile, target: SeccompTarget): LinuxSeccomp {
  const arch = DOCKER_ARCH_OF_NODE[target.arch];
  const native = arch === undefined ? undefined : SCMP_ARCH_OF_DOCKER[arch];
  if (arch === undefined || native === undefined) {
    throw new SandboxError('HOST_UNSUPPORTED', `no seccomp architecture known for node arch ${target.arch}`);
  }
  const host: Host = {
    caps: new Set(target.capabilities.map(capName)),
    arch,
    kernel: kernelVersion(target.kernel ?? release()),
  };
  const archEntry = profile.archMap?.find((a) => a.architecture === native);
  const seccomp: LinuxSeccomp = {
    defaultAction: profile.defaultAction,
    architectures: [native, ...(archEntry?.subArchitectures ?? [])],
    syscalls: profile.syscalls.filter((r) => RULE_TESTS.every((t) => t.keep(r, host))).map(toOciRule),
  };
  if (profile.defaultErrnoRet !== undefined) seccomp.defaultErrnoRet = profile.defaultErrnoRet;
  return seccomp;
}

// ---------------------------------------------------------------------------------------
// pier's policy on top of Docker's profile. Three named transforms, applied in this order
// by hardenSeccomp. Each was checked against libseccomp 2.5.4 / runc 1.1.5 on the CI host.
//
// Why names are first REMOVED from earlier rules, never just overridden by a later one:
// libseccomp keeps the first action for an unconditional rule and silently ignores a later
// unconditional rule with another action (`bpf` ALLOW then `bpf` ERRNO: rc 0, still
// ALLOW), and refuses with EEXIST — which fails `runc run` — to mix an unconditional rule
// with an argument-filtered one of another action for the same syscall (`socket` ALLOW +
// `socket` ERRNO if a0 == AF_VSOCK, in either order). So a deny list or an argument filter
// only works when it is the one rule that names its syscall.
// ---------------------------------------------------------------------------------------

/**
 * Syscalls pier denies whatever the profile says, and why (EPERM, or ENOSYS for those in
 * PIER_ENOSYS_SYSCALLS). Several are allowed
 * by Debian's containers-common profile (keyctl, syslog, reboot outright; bpf and
 * perf_event_open because it grants them with CAP_SYS_ADMIN, which for Docker means host
 * root but for pier means root of a user namespace; open_by_handle_at with
 * CAP_DAC_READ_SEARCH). The rest it already refuses, or does not name (then they would get
 * the default ENOSYS); listing them keeps docs/SECURITY.md attacks 14, 15 and 24 refused if the
 * profile or the capability set ever changes. A nested user namespace gives a student
 * every capability there, so seccomp — inherited by all descendants — is the one layer
 * that holds for these.
 */
export const PIER_DENIED_SYSCALLS: Readonly<Record<string, string>> = {
  keyctl: 'kernel keyrings: per-uid host state and a history of LPEs (CVE-2016-0728); Docker denies them',
  add_key: 'kernel keyrings (see keyctl)',
  request_key: 'kernel keyrings (see keyctl)',
  bpf: 'eBPF verifier bugs are a steady source of LPEs (CVE-2021-3490, CVE-2022-23222)',
  perf_event_open: 'perf events: LPEs (CVE-2013-2094, CVE-2023-2235) and host-wide side channels',
  userfaultfd: 'stalls kernel copies from user memory: the classic race-widening exploit primitive',
  io_uring_setup: 'io_uring: a large, fast-moving attack surface with many LPEs (CVE-2022-29582, CVE-2023-2598)',
  io_uring_enter: 'io_uring (see io_uring_setup)',
  io_uring_register: 'io_uring (see io_uring_setup)',
  open_by_handle_at: 'opens files by handle around the mount tree: the "shocker" container escape (2014)',
  syslog: 'kernel log leaks kernel addresses (KASLR) and host activity; attack 24 (dmesg)',
  reboot: 'nothing for a student to reboot; kept away from the host on principle',
  kexec_load: 'replaces the running kernel',
  kexec_file_load: 'replaces the running kernel',
  init_module: 'loads kernel code; attack 14',
  finit_module: 'loads kernel code; attack 14',
  delete_module: 'unloads kernel code; attack 14',
};

/**
 * Denied syscalls answered with ENOSYS instead of EPERM (issue 11 point 8, docs/SECURITY.md
 * attack 45). The keyring calls: runtimes inside the node (runc, crun, BuildKit, podman)
 * treat ENOSYS as "this kernel has no keyrings" and carry on without a session keyring,
 * where EPERM makes some of them fail. Still denied: the call never reaches the kernel.
 */
export const PIER_ENOSYS_SYSCALLS: ReadonlySet<string> = new Set(['keyctl', 'add_key', 'request_key']);

/** The errno a syscall of PIER_DENIED_SYSCALLS fails with (EPERM = 1 or ENOSYS = 38). */
export function deniedSyscallErrno(name: string): number {
  return PIER_ENOSYS_SYSCALLS.has(name) ? ENOSYS : EPERM;
}

/**
 * Socket families a sandbox may create, by `socket(2)`'s first argument. Everything else
 * (AF_ALG 38, AF_VSOCK 40, AF_XDP 44, AF_TIPC, AF_RDS, AF_CAN, bluetooth…) gets the
 * profile's default errno — docs/SECURITY.md attack 20. Chosen over denying single families:
 *  - libseccomp cannot combine the profile's unconditional `socket` ALLOW with an
 *    argument-filtered ERRNO (EEXIST, runc fails), so the ALLOW must become conditional;
 *  - an allowlist of SCMP_CMP_EQ also refuses a family smuggled in the upper 32 bits of
 *    the register (libseccomp compares all 64 bits; the kernel reads an int), where a
 *    denylist of SCMP_CMP_NE would let `0x1_0000_0028` through as AF_VSOCK;
 *  - one rule per family: several conditions on one argument in one rule mean AND in
 *    runtime-spec but OR in runc's fallback — separate rules mean OR everywhere.
 * AF_PACKET stays: raw frames only on the sandbox's own interfaces (own netns); tcpdump,
 * arping and DHCP lessons need it.
 */
export const ALLOWED_SOCKET_FAMILIES: Readonly<Record<string, number>> = {
  AF_UNIX: 1,
  AF_INET: 2,
  AF_INET6: 10,
  AF_NETLINK: 16,
  AF_PACKET: 17,
};

/** Removes `names` from every rule, dropping rules left naming nothing. */
function withoutSyscalls(seccomp: LinuxSeccomp, names: ReadonlySet<string>): LinuxSeccomp {
  const syscalls = seccomp.syscalls
    .map((r) => ({ ...r, names: r.names.filter((n) => !names.has(n)) }))
    .filter((r) => r.names.length > 0);
  return { ...seccomp, syscalls };
}

/**
 * Keeps only the native architecture. The compat ABIs go because (1) on i386 libseccomp
 * rewrites a `socket(2)` rule into `socketcall(SYS_SOCKET)` with the family unchecked
 * (it sits behind a pointer), and the profile allows `socketcall` outright, so a 32-bit
 * binary would walk around ALLOWED_SOCKET_FAMILIES; (2) the compat syscall layer is its own
 * exploit surface (CVE-2021-22555 reached netfilter's compat setsockopt with CAP_NET_ADMIN
 * in a user namespace). Cost: a 32-bit program dies with SIGSYS (libseccomp's bad-arch
 * action) — the image ships none.
 */
function withNativeArchitectureOnly(seccomp: LinuxSeccomp): LinuxSeccomp {
  return { ...seccomp, architectures: seccomp.architectures.slice(0, 1) };
}

/** Replaces every `socket` rule with one conditional ALLOW per allowed family. */
function withSocketFamilies(seccomp: LinuxSeccomp, families: Readonly<Record<string, number>>): LinuxSeccomp {
  const stripped = withoutSyscalls(seccomp, new Set(['socket']));
  const rules = Object.values(families).map(
    (family): LinuxSyscall => ({
      names: ['socket'],
      action: 'SCMP_ACT_ALLOW',
      args: [{ index: 0, value: family, op: 'SCMP_CMP_EQ' }],
    }),
  );
  return { ...stripped, syscalls: [...stripped.syscalls, ...rules] };
}

/**
 * Makes `names` fail with their deniedSyscallErrno: removed from every rule, then one final
 * ERRNO rule per errno (EPERM first, then ENOSYS).
 */
function withDeniedSyscalls(seccomp: LinuxSeccomp, names: readonly string[]): LinuxSeccomp {
  const stripped = withoutSyscalls(seccomp, new Set(names));
  const rules = [EPERM, ENOSYS]
    .map((errnoRet): LinuxSyscall => ({ names: names.filter((n) => deniedSyscallErrno(n) === errnoRet), action: 'SCMP_ACT_ERRNO', errnoRet }))
    .filter((r) => r.names.length > 0);
  return { ...stripped, syscalls: [...stripped.syscalls, ...rules] };
}

/**
 * Applies pier's policy to a translated profile: native architecture only, the socket
 * family allowlist, then the deny list as the final rules.
 */
export function hardenSeccomp(seccomp: LinuxSeccomp): LinuxSeccomp {
  const native = withNativeArchitectureOnly(seccomp);
  const sockets = withSocketFamilies(native, ALLOWED_SOCKET_FAMILIES);
  return withDeniedSyscalls(sockets, Object.keys(PIER_DENIED_SYSCALLS));
}

/**
 * Syscalls that libseccomp would refuse (EEXIST) or silently mis-merge: named by an
 * unconditional rule and by another rule with a different action or errno. Several
 * argument-filtered rules with different actions are fine (Docker's own profile has them).
 * @returns one line per conflict; empty when the filter is sound
 */
export function findSeccompConflicts(seccomp: LinuxSeccomp): string[] {
  const bySyscall = new Map<string, LinuxSyscall[]>();
  for (const rule of seccomp.syscalls) {
    for (const name of rule.names) bySyscall.set(name, [...(bySyscall.get(name) ?? []), rule]);
  }
  const verdict = (r: LinuxSyscall): string => `${r.action}(${r.errnoRet ?? ''})`;
  const conflicts: string[] = [];
  for (const [name, rules] of bySyscall) {
    const unconditional = rules.filter((r) => !r.args?.length);
    const first = unconditional[0];
    if (first && rules.some((r) => verdict(r) !== verdict(first))) {
      conflicts.push(`${name}: ${rules.map((r) => `${verdict(r)}${r.args?.length ? ' with args' : ''}`).join(', ')}`);
    }
  }
  return conflicts;
}

/**
 * The seccomp filter of a pier sandbox: Docker's profile translated for the granted
 * capabilities and host (translateDockerSeccomp), then pier's policy (hardenSeccomp).
 * @throws SandboxError `HOST_UNSUPPORTED` for an unknown architecture, or when the result
 *   would make libseccomp fail or mis-merge rules (see findSeccompConflicts)
 */
export function translateSeccomp(profile: DockerSeccompProfile, target: SeccompTarget): LinuxSeccomp {
  const seccomp = hardenSeccomp(translateDockerSeccomp(profile, target));
  const conflicts = findSeccompConflicts(seccomp);
  if (conflicts.length > 0) {
    throw new SandboxError('HOST_UNSUPPORTED', `seccomp profile has conflicting rules:\n${conflicts.join('\n')}`);
  }
  return seccomp;
}
