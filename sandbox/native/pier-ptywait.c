// pier-ptywait: runs `runc exec --detach …` and waits for the process it started, to hand
// its exit status to the server. It relays no bytes and holds no terminal: the pty master
// goes to the server over runc's console socket, so the server's death still hangs up the
// shell. A detached exec leaves its process to whoever reaps orphans; as a child subreaper
// this program is that one (PR_SET_CHILD_SUBREAPER, Linux ≥ 3.4).
//
//   pier-ptywait RUNTIME ARGS…
//
// fd 3 (a pipe from the server) gets "ready\n" once the runtime exited 0 (the master is then
// waiting on the console socket). Exit status: the runtime's own when it failed (before
// "ready"); else the started process's: its code, or 128 + the signal that killed it (what
// a non-detached runc exec reports).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int status_code(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return 255;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("usage: pier-ptywait RUNTIME ARGS...\n", stderr);
    return 2;
  }
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
    perror("pier-ptywait: PR_SET_CHILD_SUBREAPER");
    return 125;
  }
  // The status pipe is the server's, not the runtime's nor the shell's.
  int has_status = fcntl(3, F_SETFD, FD_CLOEXEC) == 0;
  // The server's terminal signals (it has none; a hang-up is the shell's business).
  signal(SIGHUP, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  pid_t runtime = fork();
  if (runtime < 0) {
    perror("pier-ptywait: fork");
    return 125;
  }
  if (runtime == 0) {
    signal(SIGHUP, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    execvp(argv[1], argv + 1);
    perror("pier-ptywait: exec");
    _exit(127);
  }
  int st;
  while (waitpid(runtime, &st, 0) < 0)
    if (errno != EINTR) return 125;
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) return status_code(st);
  if (has_status) {
    ssize_t n;
    do n = write(3, "ready\n", 6);
    while (n < 0 && errno == EINTR);
    close(3);
  }
  // The started process is an orphan now and ours; anything else that comes (nothing
  // should) is reaped too. The first one reaped is the started process: the runtime's own
  // helpers exited before it did, reaped by the runtime.
  int code = -1;
  for (;;) {
    pid_t p = waitpid(-1, &st, 0);
    if (p < 0) {
      if (errno == EINTR) continue;
      break; // ECHILD: nothing left
    }
    if (code < 0) code = status_code(st);
  }
  return code < 0 ? 0 : code;
}
