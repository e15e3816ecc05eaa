#!/bin/bash
# Passes when the node's cgroup recorded an OOM kill and /root/answers/oom-exit holds 137.
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then n=$(awk '$1=="oom_kill"{print $2}' /sys/fs/cgroup/memory.events)
else n=$(awk '$1=="oom_kill"{print $2}' /sys/fs/cgroup/memory/memory.oom_control); fi
if [ "${n:-0}" -lt 1 ]; then
  printf '%s\n' "FAIL: The node's cgroup has not OOM-killed anything yet (oom_kill is 0)." "FAIL[ko]: 노드의 cgroup이 아직 아무것도 OOM 킬 하지 않았습니다(oom_kill 이 0)."
  printf '%s\n' "HINT: Ask for more than the limit: python3 -c 'data = b\"x\" * (700 << 20)'" "HINT[ko]: 한도보다 많이 요청하세요."
  exit 1
fi
got=$(tr -d '[:space:]' < /root/answers/oom-exit 2>/dev/null)
if [ "$got" != 137 ]; then
  printf '%s\n' "FAIL: /root/answers/oom-exit should hold the exit status of the killed python${got:+ (it now holds '$got')}." "FAIL[ko]: /root/answers/oom-exit 에는 죽은 python 의 종료 상태가 있어야 합니다${got:+ (지금 내용: '$got')}."
  printf '%s\n' "HINT: echo \$? right after the command prints its status; SIGKILL gives 128 + 9." "HINT[ko]: 명령 바로 뒤의 echo \$? 가 상태를 보여 줍니다. SIGKILL 은 128 + 9 입니다."
  exit 1
fi
echo "oom ok: oom_kill=$n"
