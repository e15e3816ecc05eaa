#!/bin/bash
# Passes when nr_throttled grew between the two saved readings and the live counter agrees.
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then s=/sys/fs/cgroup/cpu.stat; else s=/sys/fs/cgroup/cpu/cpu.stat; fi
now=$(awk '$1=="nr_throttled"{print $2}' $s)
num(){ grep -o '[0-9]\+' "/root/answers/$1" 2>/dev/null | tail -n 1; }
b=$(num throttled-before); a=$(num throttled-after)
if [ -z "$b" ] || [ -z "$a" ]; then
  printf '%s\n' "FAIL: /root/answers/throttled-before and throttled-after must both exist." "FAIL[ko]: /root/answers/throttled-before 와 throttled-after 가 모두 있어야 합니다."
  printf '%s\n' "HINT: grep nr_throttled /sys/fs/cgroup/cpu/cpu.stat > /root/answers/throttled-before, run the two loops, then the same into throttled-after." "HINT[ko]: 먼저 before 를 저장하고, 반복문 두 개를 돌린 뒤 after 를 저장하세요."
  exit 1
fi
if [ "$a" -le "$b" ] || [ "$now" -lt "$a" ]; then
  printf '%s\n' "FAIL: nr_throttled did not grow between your two readings ($b → $a)." "FAIL[ko]: 두 기록 사이에 nr_throttled 가 늘지 않았습니다($b → $a)."
  printf '%s\n' "HINT: One loop fits in one CPU; run two at the same time for a few seconds." "HINT[ko]: 반복문 하나는 CPU 한 개에 들어갑니다. 두 개를 동시에 몇 초 돌리세요."
  exit 1
fi
echo "cpu ok: $b -> $a (now $now)"
