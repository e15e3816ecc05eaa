#!/bin/bash
set -e
chroot /root/tiny /bin/sh -c 'mkdir -p /proc && mount -t proc proc /proc && ps > /ps-inside; umount /proc'
