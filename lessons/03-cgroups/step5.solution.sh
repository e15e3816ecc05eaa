#!/bin/bash
set -e
mkdir -p /root/answers
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then s=/sys/fs/cgroup/cpu.stat; else s=/sys/fs/cgroup/cpu/cpu.stat; fi
grep nr_throttled $s > /root/answers/throttled-before
time (timeout 3 sh -c 'while :; do :; done' & timeout 3 sh -c 'while :; do :; done' & wait) || true
grep nr_throttled $s > /root/answers/throttled-after
