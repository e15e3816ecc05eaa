#!/bin/bash
# Passes when the three answers match the node's own cgroup (v1 or v2).
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  v=2; mem=$(cat /sys/fs/cgroup/memory.max); pids=$(cat /sys/fs/cgroup/pids.max)
else
  v=1; mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes); pids=$(cat /sys/fs/cgroup/pids/pids.max)
fi
[[ "$mem" =~ ^[0-9]+$ ]] && mb=$((mem / 1048576)) || mb=$mem
a(){ tr -d '[:space:]' < "/root/answers/$1" 2>/dev/null; }
bad=0
if [ "$(a cgroup-version)" != "$v" ]; then
  printf '%s\n' "FAIL: /root/answers/cgroup-version should say which cgroup version this host uses." "FAIL[ko]: /root/answers/cgroup-version 에는 이 호스트의 cgroup 버전을 적어야 합니다."
  printf '%s\n' "HINT: stat -fc %T /sys/fs/cgroup prints tmpfs on v1 and cgroup2fs on v2." "HINT[ko]: stat -fc %T /sys/fs/cgroup 가 tmpfs면 v1, cgroup2fs면 v2 입니다."
  bad=1
fi
got=$(a memory-limit-mb)
if ! [[ "$got" =~ ^[0-9]+$ ]] || [ "$got" != "$mb" ]; then
  printf '%s\n' "FAIL: /root/answers/memory-limit-mb is not the node's memory limit in MiB." "FAIL[ko]: /root/answers/memory-limit-mb 가 노드의 메모리 한도(MiB)와 다릅니다."
  echo "HINT: echo \$(( \$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes) / 1048576 )) > /root/answers/memory-limit-mb"
  bad=1
fi
if [ "$(a pids-max)" != "$pids" ]; then
  printf '%s\n' "FAIL: /root/answers/pids-max is not the node's pids limit." "FAIL[ko]: /root/answers/pids-max 가 노드의 pids 한도와 다릅니다."
  echo "HINT: cat /sys/fs/cgroup/pids/pids.max > /root/answers/pids-max"
  bad=1
fi
[ $bad = 0 ] && echo "limits ok: v$v ${mb}MiB pids $pids"
exit $bad
