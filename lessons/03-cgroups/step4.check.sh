#!/bin/bash
# Passes when the pids controller has refused forks (pids.events max > 0) and /root/answers/forks
# shows a fork loop that got close to pids.max.
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then d=/sys/fs/cgroup; else d=/sys/fs/cgroup/pids; fi
max=$(cat $d/pids.max); refused=$(awk '$1=="max"{print $2}' $d/pids.events)
if [ "${refused:-0}" -lt 1 ]; then
  printf '%s\n' "FAIL: The pids limit has not refused a single fork yet (pids.events: max 0)." "FAIL[ko]: pids 한도가 아직 fork 를 한 번도 거절하지 않았습니다(pids.events: max 0)."
  echo "HINT: python3 /root/forkbomb.py | tee /root/answers/forks"
  exit 1
fi
n=$(tail -n 1 /root/answers/forks 2>/dev/null | tr -d '[:space:]')
if ! [[ "$n" =~ ^[0-9]+$ ]] || [ "$n" -ge "$max" ] || [ "$n" -lt $((max / 2)) ]; then
  printf '%s\n' "FAIL: /root/answers/forks should end with the number of children the fork bomb made (a bit below $max)." "FAIL[ko]: /root/answers/forks 의 마지막 줄은 포크 폭탄이 만든 자식 수($max 보다 조금 적음)여야 합니다."
  printf '%s\n' "HINT: Close extra terminals, run python3 /root/forkbomb.py | tee /root/answers/forks again." "HINT[ko]: 남는 터미널을 닫고 다시 실행해 보세요."
  exit 1
fi
echo "pids ok: $n children, $refused refusals, max $max"
