#!/bin/bash
set -e
chroot /root/tiny /bin/sh -c 'ls / > /seen-from-inside'
