#!/bin/bash
# Passes when /root/answers/uts-pid names a live process in a foreign UTS namespace called red,
# and /root/answers/nsenter-hostname holds what nsenter printed there.
f=/root/answers/uts-pid; g=/root/answers/nsenter-hostname
if [ ! -s "$f" ]; then
  printf '%s\n' "FAIL: /root/answers/uts-pid does not exist yet." "FAIL[ko]: 아직 /root/answers/uts-pid 파일이 없습니다."
  printf '%s\n' "HINT: lsns -t uts shows one line per UTS namespace; the PID column of the one that is not the node's." "HINT[ko]: lsns -t uts 에서 노드 것이 아닌 줄의 PID 열입니다."
  exit 1
fi
pid=$(tr -d '[:space:]' < "$f")
if ! [[ "$pid" =~ ^[0-9]+$ ]] || [ ! -d /proc/$pid ]; then
  printf '%s\n' "FAIL: '$pid' is not a running process." "FAIL[ko]: '$pid' 는 살아 있는 프로세스가 아닙니다."
  printf '%s\n' "HINT: Is step 1's sleep still running? lsns -t uts" "HINT[ko]: 1단계의 sleep 이 아직 살아 있나요? lsns -t uts"
  exit 1
fi
if [ "$(readlink /proc/$pid/ns/uts)" = "$(readlink /proc/1/ns/uts)" ]; then
  printf '%s\n' "FAIL: Process $pid shares the node's UTS namespace." "FAIL[ko]: 프로세스 $pid 는 노드와 같은 UTS 네임스페이스에 있습니다."
  exit 1
fi
if [ "$(nsenter -t "$pid" -u hostname)" != red ]; then
  printf '%s\n' "FAIL: Process $pid is in another UTS namespace, but not the one named red." "FAIL[ko]: 프로세스 $pid 는 다른 UTS 네임스페이스에 있지만 red 는 아닙니다."
  exit 1
fi
if [ "$(tr -d '[:space:]' < "$g" 2>/dev/null)" != red ]; then
  printf '%s\n' "FAIL: /root/answers/nsenter-hostname should hold what nsenter -t $pid -u hostname prints." "FAIL[ko]: /root/answers/nsenter-hostname 에는 nsenter -t $pid -u hostname 의 출력이 있어야 합니다."
  echo "HINT: nsenter -t $pid -u hostname > /root/answers/nsenter-hostname"
  exit 1
fi
echo "lsns/nsenter ok: $pid"
