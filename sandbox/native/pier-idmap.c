// pier-idmap: the kernel operations pier needs for per-sandbox host uid ranges that neither
// Debian 12's runc 1.1.5 nor its util-linux 2.38 (X-mount.idmap= came in 2.39) can do. Run as host root by the sandbox driver (sandbox/idmap/helper.ts); operations joined
// by "+" run in order in one call (a sandbox's whole set-up is one fork):
//
//   pier-idmap mount FROM TO COUNT SOURCE TARGET
//       An idmapped, read-only clone of SOURCE at TARGET (an empty directory): a file owned
//       by FROM+n on disk is seen as TO+n through it. open_tree(OPEN_TREE_CLONE) +
//       mount_setattr(MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY) + move_mount. The mapping comes
//       from a throwaway user namespace (uid_map/gid_map "FROM TO COUNT") that dies when
//       this program exits; the mount keeps its own reference to the idmapping.
//
//   pier-idmap overlay FROM TO COUNT IMAGE VIEW UPPER WORK TARGET
//       The sandbox's root: `mount` of IMAGE at VIEW, overlayfs at TARGET over it, VIEW
//       unmounted and removed again (see op_overlay).
//
//   pier-idmap umount TARGET...
//       umount2 of each; not mounted counts as done, busy ones are detached.
//
//   pier-idmap userns OWNER COUNT PIN [max_NAME=VALUE...]
//       The sandbox's user namespace, root = host uid OWNER (uid_map/gid_map "0 OWNER
//       COUNT"), nested in an outer namespace (OWNER.. mapped onto itself) whose
//       /proc/sys/user/max_NAME limits (inotify, fanotify, namespaces) are the sandbox's
//       share and out of its reach (see op_userns). Bind-mounted at PIN (an empty regular
//       file) for `runc run` to join.
//
// Why a helper and not a Node addon: unshare(CLONE_NEWUSER) needs a single-threaded process
// (Node never is), so a child process is needed anyway; a fault here cannot take the server
// down; and it needs no rebuild when Node changes. Each call takes a few ms (one fork).
//
// Safety: every argument is checked (numbers in range, absolute paths); nothing is
// resolved through a sandbox's own files (SOURCE is an image or image store directory
// owned by pier, TARGET and PIN lie in pier's state directory). The clone is read-only at
// the mount, so even a mistaken recursive delete through TARGET cannot touch the image.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/mount.h>

#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif

/** Highest host id accepted (the kernel's uid_t is 32-bit; (uid_t)-1 is invalid). */
#define ID_MAX 4294967294UL

static void die(const char *what) {
  fprintf(stderr, "pier-idmap: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void usage(void) {
  fprintf(stderr,
          "usage: pier-idmap mount FROM TO COUNT SOURCE TARGET\n"
          "       pier-idmap overlay FROM TO COUNT IMAGE VIEW UPPER WORK TARGET\n"
          "       pier-idmap umount TARGET...\n"
          "       pier-idmap userns OWNER COUNT PIN [max_NAME=VALUE...]\n"
          "       (several operations separated by + run in order)\n");
  exit(2);
}

/** Parses a decimal id in 0..ID_MAX; exits with usage on anything else. */
static unsigned long parse_id(const char *text) {
  char *end = NULL;
  if (text[0] < '0' || text[0] > '9') usage();
  errno = 0;
  unsigned long v = strtoul(text, &end, 10);
  if (errno != 0 || *end != '\0' || v > ID_MAX) usage();
  return v;
}

static void check_path(const char *p) {
  if (p[0] != '/' || strlen(p) >= PATH_MAX) usage();
}

/** Writes `text` to /proc/PID/NAME. */
static void write_proc(pid_t pid, const char *name, const char *text) {
  char file[64];
  snprintf(file, sizeof file, "/proc/%d/%s", (int)pid, name);
  int fd = open(file, O_WRONLY | O_CLOEXEC);
  if (fd < 0) die(file);
  ssize_t len = (ssize_t)strlen(text);
  if (write(fd, text, (size_t)len) != len) die(file);
  close(fd);
}

/** A pipe pair, both ends close-on-exec. */
static void make_pipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) < 0) die("pipe");
}

/** Reads one byte; false on end of file (the other side exited). */
static int wait_byte(int fd) {
  char c;
  return read(fd, &c, 1) == 1;
}

static void send_byte(int fd) {
  char c = 'x';
  if (write(fd, &c, 1) != 1) die("pipe write");
}

/** Writes the same single-line mapping as uid_map and gid_map of `pid`. */
static void write_maps(pid_t pid, unsigned long inside, unsigned long outside, unsigned long count) {
  char map[96];
  snprintf(map, sizeof map, "%lu %lu %lu\n", inside, outside, count);
  // The writer holds CAP_SETGID in the parent namespace, so setgroups need not be denied
  // (nested podman inside the sandbox needs setgroups).
  write_proc(pid, "uid_map", map);
  write_proc(pid, "gid_map", map);
}

/** Fails unless the child `pid` exited 0. */
static void reap(pid_t pid, const char *what) {
  int status = 0;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "pier-idmap: %s failed (status %d)\n", what, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    exit(1);
  }
}

static void idmapped_mount(unsigned long from, unsigned long to, unsigned long count, const char *source, const char *target) {
  int ready[2], hold[2];
  make_pipe(ready);
  make_pipe(hold);
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    close(ready[0]);
    close(hold[1]);
    if (unshare(CLONE_NEWUSER) < 0) _exit(4);
    send_byte(ready[1]);
    (void)wait_byte(hold[0]); // lives until the parent has opened its namespace
    _exit(0);
  }
  close(ready[1]);
  close(hold[0]);
  if (!wait_byte(ready[0])) reap(child, "unshare of the mapping namespace");
  write_maps(child, from, to, count);
  char nspath[64];
  snprintf(nspath, sizeof nspath, "/proc/%d/ns/user", (int)child);
  int userns = open(nspath, O_RDONLY | O_CLOEXEC);
  if (userns < 0) die(nspath);
  close(hold[1]);
  reap(child, "mapping namespace");

  int tree = (int)syscall(SYS_open_tree, AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0) die("open_tree");
  struct mount_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY;
  attr.userns_fd = (uint64_t)userns;
  if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) die("mount_setattr");
  if (syscall(SYS_move_mount, tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0) die("move_mount");
  close(tree);
  close(userns);
}

/** Unmounts `target`; "not mounted" and "no such path" count as done, a busy one is detached. */
static void unmount_quietly(const char *target) {
  if (umount2(target, UMOUNT_NOFOLLOW) == 0 || errno == EINVAL || errno == ENOENT) return;
  if (errno == EBUSY && umount2(target, MNT_DETACH | UMOUNT_NOFOLLOW) == 0) return;
  die(target);
}

/*
 * The sandbox's root in one process: an idmapped view of the image at VIEW, overlayfs at
 * TARGET with the view as lower layer, then the view unmounted again (overlayfs keeps
 * private clones of its layers) and its directory removed. Replaces three mount(8) and
 * umount(8) runs (~10 ms each here) with syscalls.
 */
static void op_overlay(unsigned long from, unsigned long to, unsigned long count, char **paths) {
  const char *image = paths[0], *view = paths[1], *upper = paths[2], *work = paths[3], *target = paths[4];
  for (int i = 0; i < 5; i++)
    if (strpbrk(paths[i], ",:") != NULL) usage(); // overlayfs splits its options on both
  idmapped_mount(from, to, count, image, view);
  char options[3 * PATH_MAX + 64];
  snprintf(options, sizeof options, "lowerdir=%s,upperdir=%s,workdir=%s", view, upper, work);
  int failed = mount("overlay", target, "overlay", 0, options) < 0;
  int saved = errno;
  unmount_quietly(view);
  (void)rmdir(view);
  if (failed) {
    errno = saved;
    die("overlay mount");
  }
}

/** A per-namespace limit to set in the outer namespace: /proc/sys/user/NAME = VALUE. */
struct limit {
  const char *name;
  const char *value;
};

/** Writes each limit in the calling process's own user namespace (child side). */
static int write_limits(const struct limit *limits, int n) {
  for (int i = 0; i < n; i++) {
    char file[96];
    snprintf(file, sizeof file, "/proc/sys/user/%s", limits[i].name);
    int fd = open(file, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t len = (ssize_t)strlen(limits[i].value);
    if (write(fd, limits[i].value, (size_t)len) != len) return -1;
    close(fd);
  }
  return 0;
}

/*
 * Two nested namespaces. The outer one is created by host root (so runc, as root, keeps
 * its owner's rights over everything below it: it sets rlimits with prlimit(2), which on
 * a host root without CAP_SYS_RESOURCE works only through ownership) and maps OWNER..
 * onto itself (the host ids, unchanged); its /proc/sys/user limits (inotify, fanotify,
 * namespaces) are the sandbox's share, and the sandbox cannot raise them: it lives in the
 * inner namespace (0..COUNT-1 → OWNER.., so its uid_map reads "0 OWNER COUNT" from inside,
 * as if runc had made it) and has no capability in its parent. The kernel charges every
 * such counter at each level (ucounts), so these caps hold against nested namespaces too.
 */
static void op_userns(unsigned long owner, unsigned long count, const char *pin, const struct limit *limits, int nlimits) {
  if (owner == 0) usage(); // a sandbox's root is never host root
  int ready[2], go[2], hold[2];
  make_pipe(ready);
  make_pipe(go);
  make_pipe(hold);
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    close(ready[0]);
    close(go[1]);
    close(hold[1]);
    if (unshare(CLONE_NEWUSER) < 0) _exit(4);
    send_byte(ready[1]);
    if (!wait_byte(go[0])) _exit(5); // the outer maps are written
    if (write_limits(limits, nlimits) < 0) _exit(6);
    // Become OWNER (mapped in the outer namespace, as itself): the inner namespace's creator
    // must be mapped there.
    if (setresgid((gid_t)owner, (gid_t)owner, (gid_t)owner) < 0 || setresuid((uid_t)owner, (uid_t)owner, (uid_t)owner) < 0) _exit(7);
    if (unshare(CLONE_NEWUSER) < 0) _exit(8);
    send_byte(ready[1]);
    (void)wait_byte(hold[0]);
    _exit(0);
  }
  close(ready[1]);
  close(go[0]);
  close(hold[0]);
  if (!wait_byte(ready[0])) reap(child, "unshare of the outer namespace");
  write_maps(child, owner, owner, count);
  char nspath[64];
  snprintf(nspath, sizeof nspath, "/proc/%d/ns/user", (int)child);
  int outer = open(nspath, O_RDONLY | O_CLOEXEC);
  if (outer < 0) die(nspath);
  send_byte(go[1]);
  if (!wait_byte(ready[0])) reap(child, "limits or the inner namespace");
  // Only a process in the inner namespace's parent may write its maps: a writer joins the
  // outer namespace (host root may) and maps the inner one's 0.. onto OWNER..
  pid_t writer = fork();
  if (writer < 0) die("fork");
  if (writer == 0) {
    if (setns(outer, CLONE_NEWUSER) < 0) _exit(9);
    write_maps(child, 0, owner, count);
    _exit(0);
  }
  reap(writer, "inner namespace maps");
  if (mount(nspath, pin, NULL, MS_BIND, NULL) < 0) die("bind mount of the user namespace");
  close(hold[1]);
  reap(child, "namespace holder");
  close(outer);
}

/** Limit names accepted: the per-namespace counters of /proc/sys/user. */
static int valid_limit_name(const char *name) {
  if (strncmp(name, "max_", 4) != 0 || strlen(name) > 40) return 0;
  for (const char *c = name; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || *c == '_')) return 0;
  return 1;
}

/** Runs one operation, argv[0] its name; returns only on success (failures exit). */
static void run_op(int argc, char **argv) {
  if ((strcmp(argv[0], "mount") == 0 && argc == 6) || (strcmp(argv[0], "overlay") == 0 && argc == 9)) {
    unsigned long from = parse_id(argv[1]), to = parse_id(argv[2]), count = parse_id(argv[3]);
    if (count == 0 || from + count - 1 > ID_MAX || to + count - 1 > ID_MAX) usage();
    for (int i = 4; i < argc; i++) check_path(argv[i]);
    if (argv[0][0] == 'o') op_overlay(from, to, count, argv + 4);
    else idmapped_mount(from, to, count, argv[4], argv[5]);
    return;
  }
  if (strcmp(argv[0], "umount") == 0 && argc >= 2) {
    for (int i = 1; i < argc; i++) check_path(argv[i]);
    for (int i = 1; i < argc; i++) unmount_quietly(argv[i]);
    return;
  }
  if (strcmp(argv[0], "userns") == 0 && argc >= 4 && argc <= 4 + 16) {
    unsigned long owner = parse_id(argv[1]), count = parse_id(argv[2]);
    if (count == 0 || owner + count - 1 > ID_MAX) usage();
    check_path(argv[3]);
    struct limit limits[16];
    int n = 0;
    for (int i = 4; i < argc; i++, n++) {
      char *eq = strchr(argv[i], '=');
      if (eq == NULL) usage();
      *eq = '\0';
      if (!valid_limit_name(argv[i])) usage();
      (void)parse_id(eq + 1);
      limits[n].name = argv[i];
      limits[n].value = eq + 1;
    }
    op_userns(owner, count, argv[3], limits, n);
    return;
  }
  usage();
}

/** Operations separated by "+" run in order in one process (one fork for a sandbox's set-up). */
int main(int argc, char **argv) {
  if (argc < 2) usage();
  int start = 1;
  for (int i = 1; i <= argc; i++) {
    if (i == argc || strcmp(argv[i], "+") == 0) {
      if (i == start) usage();
      run_op(i - start, argv + start);
      start = i + 1;
    }
  }
  return 0;
}
