#!/bin/bash
set -e
mkdir -p /root/answers
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then u=/sys/fs/cgroup/memory.current; else u=/sys/fs/cgroup/memory/memory.usage_in_bytes; fi
cat $u > /root/answers/mem-before
setsid -f python3 -c 'import time; data = b"x" * (200 << 20); time.sleep(3600)' </dev/null >/dev/null 2>&1
# wait (bounded) until the 200 MiB are resident
for i in $(seq 50); do [ "$(ps -e -o rss= | awk '$1 >= 200*1024' | wc -l)" -ge 1 ] && break; sleep 0.1; done
cat $u > /root/answers/mem-after
