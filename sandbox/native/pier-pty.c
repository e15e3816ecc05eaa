// pier-pty: a Node addon (N-API) that takes a terminal's pty master from `runc exec
// --console-socket` and sizes it. Node cannot receive a file descriptor over a Unix socket
// (no recvmsg with SCM_RIGHTS) nor issue TIOCSWINSZ; these few calls are all it adds.
// Every descriptor it makes is close-on-exec: a master inherited by any child of the
// server would keep the terminal open after the server died (no hang-up for the shell).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static napi_value throw_errno(napi_env env, const char *what) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(errno));
  napi_throw_error(env, NULL, msg);
  return NULL;
}

static int arg_int(napi_env env, napi_value v, int32_t *out) {
  return napi_get_value_int32(env, v, out) == napi_ok;
}

/** listen(path): a listening Unix socket at `path` (mode 0600), non-blocking; returns its fd. */
static napi_value js_listen(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  size_t len = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], addr.sun_path, sizeof addr.sun_path, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "listen(path): path must be a string");
    return NULL;
  }
  if (len == 0 || len >= sizeof addr.sun_path - 1) {
    napi_throw_range_error(env, NULL, "listen(path): path empty or too long for a Unix socket");
    return NULL;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return throw_errno(env, "socket");
  // Only root (runc) may connect: the socket is made 0600 before anyone can reach it.
  mode_t old = umask(0177);
  int r = bind(fd, (struct sockaddr *)&addr, sizeof addr);
  umask(old);
  if (r < 0 || listen(fd, 1) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return throw_errno(env, "bind/listen console socket");
  }
  napi_value out;
  napi_create_int32(env, fd, &out);
  return out;
}

/**
 * receive(listenFd): accepts one connection (from root only) and takes the one descriptor
 * it carries, which must be a pty master. Returns the master's fd (close-on-exec), or -1
 * when no connection is waiting. Throws on anything else.
 */
static napi_value js_receive(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t lfd;
  if (argc < 1 || !arg_int(env, argv[0], &lfd)) {
    napi_throw_type_error(env, NULL, "receive(fd): fd must be a number");
    return NULL;
  }
  napi_value out;
  int conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      napi_create_int32(env, -1, &out);
      return out;
    }
    return throw_errno(env, "accept console socket");
  }
  struct ucred cred;
  socklen_t clen = sizeof cred;
  if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 || cred.uid != 0) {
    close(conn);
    napi_throw_error(env, NULL, "console socket: peer is not root");
    return NULL;
  }
  // The sender wrote before its runc exited, so the message is there: a blocking read
  // returns at once (the connection was accepted blocking).
  char name[256];
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE(sizeof(int) * 4)];
  } control;
  struct iovec iov = {.iov_base = name, .iov_len = sizeof name};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
  ssize_t n;
  do n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  int e = errno;
  close(conn);
  if (n < 0) {
    errno = e;
    return throw_errno(env, "recvmsg console socket");
  }
  int master = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    int *fds = (int *)CMSG_DATA(c);
    for (size_t i = 0; i < count; i++) {
      if (master < 0) master = fds[i];
      else close(fds[i]); // one is expected; never keep extras
    }
  }
  if (master < 0) {
    napi_throw_error(env, NULL, "console socket: no descriptor received");
    return NULL;
  }
  unsigned int ptn;
  if (ioctl(master, TIOCGPTN, &ptn) < 0) {
    close(master);
    napi_throw_error(env, NULL, "console socket: the descriptor is not a pty master");
    return NULL;
  }
  napi_create_int32(env, master, &out);
  return out;
}

/** resize(fd, cols, rows): TIOCSWINSZ on a pty master (the shell gets SIGWINCH). */
static napi_value js_resize(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd, cols, rows;
  if (argc < 3 || !arg_int(env, argv[0], &fd) || !arg_int(env, argv[1], &cols) || !arg_int(env, argv[2], &rows) || cols < 1 ||
      rows < 1 || cols > 0xffff || rows > 0xffff) {
    napi_throw_range_error(env, NULL, "resize(fd, cols, rows): bad arguments");
    return NULL;
  }
  struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
  if (ioctl(fd, TIOCSWINSZ, &ws) < 0) return throw_errno(env, "TIOCSWINSZ");
  return NULL;
}

/**
 * peer(fd): the pty's other side, opened from its master (TIOCGPTPEER, Linux ≥ 4.13) without
 * making it a controlling terminal, close-on-exec. Held by the server, it keeps the master
 * from ever reporting EIO, a read error on which Node's stream drops what it had buffered.
 */
static napi_value js_peer(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  if (argc < 1 || !arg_int(env, argv[0], &fd)) {
    napi_throw_type_error(env, NULL, "peer(fd): fd must be a number");
    return NULL;
  }
  int peer = ioctl(fd, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (peer < 0) return throw_errno(env, "TIOCGPTPEER");
  napi_value out;
  napi_create_int32(env, peer, &out);
  return out;
}

/** pending(fd): bytes waiting to be read on a pty master (FIONREAD). */
static napi_value js_pending(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  if (argc < 1 || !arg_int(env, argv[0], &fd)) {
    napi_throw_type_error(env, NULL, "pending(fd): fd must be a number");
    return NULL;
  }
  int n = 0;
  if (ioctl(fd, FIONREAD, &n) < 0) return throw_errno(env, "FIONREAD");
  napi_value out;
  napi_create_int32(env, n, &out);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"listen", NULL, js_listen, NULL, NULL, NULL, napi_enumerable, NULL},
      {"receive", NULL, js_receive, NULL, NULL, NULL, napi_enumerable, NULL},
      {"peer", NULL, js_peer, NULL, NULL, NULL, napi_enumerable, NULL},
      {"pending", NULL, js_pending, NULL, NULL, NULL, napi_enumerable, NULL},
      {"resize", NULL, js_resize, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
