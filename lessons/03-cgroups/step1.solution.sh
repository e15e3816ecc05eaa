#!/bin/bash
set -e
mkdir -p /root/answers
if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
  echo 2 > /root/answers/cgroup-version
  echo $(( $(cat /sys/fs/cgroup/memory.max) / 1048576 )) > /root/answers/memory-limit-mb
  cat /sys/fs/cgroup/pids.max > /root/answers/pids-max
else
  echo 1 > /root/answers/cgroup-version
  echo $(( $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes) / 1048576 )) > /root/answers/memory-limit-mb
  cat /sys/fs/cgroup/pids/pids.max > /root/answers/pids-max
fi
