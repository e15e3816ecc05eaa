#!/bin/bash
set -e
mkdir -p /root/tiny/bin
cp /usr/bin/busybox /root/tiny/bin/
chroot /root/tiny /bin/busybox --install -s /bin
