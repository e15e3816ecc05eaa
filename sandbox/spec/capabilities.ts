// The capabilities a sandbox's root holds, and why each is safe to grant.
//
// Why any of this is safe: the sandbox runs in its own user namespace, whose root maps to
// an unprivileged host uid (SANDBOX_ID_BASE). A capability held there is checked by the
// kernel with ns_capable() against the user namespace that OWNS the object acted on: the
// sandbox's own mount, network, pid, ipc and uts namespaces (all created with it) pass;
// host objects are owned by the initial user namespace, where the sandbox holds nothing.
// Operations the kernel reserves for the initial namespace (capable(): loading modules,
// setting the clock, raw I/O, mounting block devices…) stay refused whatever the set.
// With the 3 capabilities of `runc spec --rootless`, nested `unshare` fails with EPERM
// (measured when the spec was first written), and students must be able to run unshare, mount, ip netns and podman.
//
// Left out on purpose: SYS_MODULE, SYS_RAWIO, SYS_TIME, SYS_BOOT, SYS_NICE, SYS_PACCT,
// SYS_TTY_CONFIG, SYSLOG, MAC_ADMIN, MAC_OVERRIDE, WAKE_ALARM, BLOCK_SUSPEND, AUDIT_CONTROL,
// AUDIT_READ, BPF, PERFMON, CHECKPOINT_RESTORE: no lesson needs them, and most guard
// host-global state. (A student can still create a nested user namespace and hold every
// capability there; that is why seccomp, not the capability set, is the last word on
// syscalls such as bpf and perf_event_open — see seccomp.ts.)

/**
 * The capability names granted in the bounding, effective and permitted sets (never
 * ambient or inheritable), in runtime-spec spelling.
 */
export const GRANTED_CAPABILITIES: readonly string[] = [
  // File ownership and permission bypass — only over inodes whose uid/gid map into the
  // sandbox's namespace (capable_wrt_inode_uidgid); host files owned by unmapped ids stay
  // out of reach (they show as nobody:nogroup and the checks fail).
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH', // open_by_handle_at, the one dangerous use, is denied by seccomp
  'CAP_FOWNER',
  'CAP_FSETID',
  // Signals — the sandbox's pid namespace holds only its own processes.
  'CAP_KILL',
  // Changing ids — only to ids mapped in the namespace; no_new_privs blocks gaining more.
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  // chattr +i/+a — on the sandbox's own overlay files.
  'CAP_LINUX_IMMUTABLE',
  // Network — checked against the owner of the sandbox's own network namespace: ports
  // below 1024, broadcast, interfaces/routes/iptables, raw and packet sockets there only.
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  // SysV IPC and mlock — its own ipc namespace; locked memory counts against the memory cgroup.
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  // chroot — inside its own mount namespace, and chroot is no way out of a pivot_root'ed fs.
  'CAP_SYS_CHROOT',
  // ptrace — processes of its own pid and user namespace only (strace, gdb lessons).
  'CAP_SYS_PTRACE',
  // SYS_ADMIN — needed for unshare(2)/setns(2), mount(2) (overlay, tmpfs, proc, bind) and
  // podman. Each check is ns_capable() against the user namespace owning the resource:
  // mounts in the sandbox's own mount namespace pass; mounting a block device or a
  // filesystem without FS_USERNS_MOUNT fails, since the kernel asks for SYS_ADMIN in the
  // initial namespace. The cgroup mount is read-only, and a fresh v1 mount inside is rooted at
  // the sandbox's cgroup namespace, where no release_agent exists (CVE-2022-0492) and every
  // file belongs to the host's root. Masked paths can be unmounted or a fresh procfs mounted:
  // they are not what protects the host (see build-spec.ts MASKED_PATHS).
  'CAP_SYS_ADMIN',
  // Raising rlimits — bounded by the sandbox's cgroup limits, which it cannot write.
  'CAP_SYS_RESOURCE',
  // mknod — the kernel asks for MKNOD in the initial namespace for device nodes (only
  // overlayfs whiteouts, 0:0, pass), and the device cgroup denies all but runc's defaults.
  'CAP_MKNOD',
  // File leases — on its own files.
  'CAP_LEASE',
  // Writing to the audit log — denied to non-initial user namespaces by the kernel;
  // granted so that login/sudo-like tools that insist on it do not fail.
  'CAP_AUDIT_WRITE',
  // Setting file capabilities — namespaced (v3 security.capability xattrs are bound to the
  // sandbox's root uid), and under no_new_privs exec never raises capabilities from them.
  'CAP_SETFCAP',
];
