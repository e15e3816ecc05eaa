#!/bin/bash
setsid -f unshare --pid --fork --mount --uts --root=/root/tiny /bin/sh -c 'mount -t proc proc /proc; hostname tiny; exec sleep 3600' </dev/null >/dev/null 2>&1
sleep 0.3
