/*
 * pier-init: PID 1 of every sandbox.
 *
 * Like `catatonit -P` it runs no child of its own and reaps every orphan, so `kill -9 -1`
 * inside (which spares PID 1) never ends the sandbox. In addition, when the image has the
 * Docker Engine (DOCKERD exists), it holds SOCKET listening from the start and, on the first
 * connection, forks and execs DOCKERD with the listening socket as fd 3 (systemd socket
 * activation: LISTEN_FDS=1, LISTEN_PID=the daemon's pid), so dockerd answers the very
 * connection that woke it. Until then nothing runs: an idle sandbox pays for this process
 * only. When the daemon exits (or is killed), the socket is watched again and the next
 * connection starts it anew (at most once per RESTART_GAP_MS).
 *
 * SIGTERM and SIGINT end init (and with it the sandbox's pid namespace), as with catatonit.
 * Built statically by scripts/setup.sh; bound read-only into each sandbox at /.pier/init.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DOCKERD "/usr/local/libexec/pier/dockerd"
#define SOCKET "/run/docker.sock"
#define LOG "/var/log/dockerd.log"
#define RESTART_GAP_MS 2000

static long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* A listening unix socket at SOCKET (mode 0660), or -1 (the sandbox runs without Docker). */
static int listen_socket(void) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strncpy(addr.sun_path, SOCKET, sizeof addr.sun_path - 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  unlink(SOCKET);
  mode_t old = umask(0117);
  int bound = bind(fd, (struct sockaddr *)&addr, sizeof addr);
  umask(old);
  if (bound < 0 || listen(fd, SOMAXCONN) < 0) {
    fprintf(stderr, "pier-init: cannot listen on %s: %s\n", SOCKET, strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

/* Forks the daemon with `lfd` as fd 3; returns its pid (or -1). */
static pid_t start_daemon(int lfd, const sigset_t *mask) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  sigprocmask(SIG_UNBLOCK, mask, NULL);
  setsid();
  int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int log = open(LOG, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (null >= 0) dup2(null, 0);
  if (log >= 0) {
    dup2(log, 1);
    dup2(log, 2);
  }
  if (lfd == 3) {
    if (fcntl(3, F_SETFD, 0) < 0) _exit(127);
  } else if (dup2(lfd, 3) < 0) {
    _exit(127);
  }
  char pidtext[24];
  snprintf(pidtext, sizeof pidtext, "%d", (int)getpid());
  setenv("LISTEN_FDS", "1", 1);
  setenv("LISTEN_PID", pidtext, 1);
  setenv("LISTEN_FDNAMES", "docker.sock", 1);
  execl(DOCKERD, DOCKERD, (char *)NULL);
  fprintf(stderr, "pier-init: cannot run %s: %s\n", DOCKERD, strerror(errno));
  _exit(127);
}

int main(void) {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) return 1;
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  if (sfd < 0) {
    perror("pier-init: signalfd");
    return 1;
  }
  int lfd = access(DOCKERD, X_OK) == 0 ? listen_socket() : -1;
  pid_t daemon = 0;
  long started = -RESTART_GAP_MS;

  for (;;) {
    int timeout = -1;
    int watch = daemon == 0 && lfd >= 0;
    if (watch && now_ms() - started < RESTART_GAP_MS) {
      timeout = (int)(RESTART_GAP_MS - (now_ms() - started));
      watch = 0;
    }
    struct pollfd fds[2] = {{.fd = sfd, .events = POLLIN}, {.fd = watch ? lfd : -1, .events = POLLIN}};
    if (poll(fds, 2, timeout) < 0) {
      if (errno == EINTR) continue;
      perror("pier-init: poll");
      return 1;
    }
    if (fds[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) return 0;
        pid_t done;
        while ((done = waitpid(-1, NULL, WNOHANG)) > 0) {
          if (done == daemon) daemon = 0;
        }
      }
    }
    if (fds[1].revents & POLLIN) {
      started = now_ms();
      daemon = start_daemon(lfd, &mask);
      if (daemon < 0) daemon = 0;
    }
  }
}
