#!/bin/bash
# Passes when a live process is PID 1 inside a PID namespace other than the node's.
mine=$(readlink /proc/1/ns/pid)
for d in /proc/[0-9]*; do
  ns=$(readlink "$d/ns/pid" 2>/dev/null) || continue
  [ "$ns" = "$mine" ] && continue
  last=$(awk '/^NSpid:/{print $NF}' "$d/status" 2>/dev/null)
  if [ "$last" = 1 ]; then echo "pid ok: ${d#/proc/} is PID 1 inside"; exit 0; fi
done
printf '%s\n' "FAIL: No running process is PID 1 of a PID namespace of its own." "FAIL[ko]: 자기 PID 네임스페이스에서 PID 1로 도는 프로세스가 없습니다."
printf '%s\n' "HINT: Without --fork, unshare itself stays in the old namespace and nothing becomes PID 1." "HINT[ko]: --fork 가 없으면 unshare 자신은 옛 네임스페이스에 남고 PID 1이 생기지 않습니다."
echo "HINT: unshare --pid --fork --mount-proc sleep infinity &"
exit 1
