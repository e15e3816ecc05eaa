#!/bin/bash
# Passes when mem-after - mem-before >= 150 MiB, a process with >= 150 MiB resident is alive,
# and the cgroup's usage right now really is above mem-before + 150 MiB.
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then usage=$(cat /sys/fs/cgroup/memory.current)
else usage=$(cat /sys/fs/cgroup/memory/memory.usage_in_bytes); fi
b=$(tr -d '[:space:]' < /root/answers/mem-before 2>/dev/null); a=$(tr -d '[:space:]' < /root/answers/mem-after 2>/dev/null)
if ! [[ "$b" =~ ^[0-9]+$ && "$a" =~ ^[0-9]+$ ]]; then
  printf '%s\n' "FAIL: /root/answers/mem-before and mem-after must both hold a byte count." "FAIL[ko]: /root/answers/mem-before 와 mem-after 에 바이트 수가 있어야 합니다."
  printf '%s\n' "HINT: cat /sys/fs/cgroup/memory/memory.usage_in_bytes > /root/answers/mem-before (then start the 200 MiB process, then mem-after)" "HINT[ko]: 먼저 mem-before 를 저장하고, 200 MiB 프로세스를 띄운 뒤 mem-after 를 저장하세요."
  exit 1
fi
min=$((150 << 20))
if [ $((a - b)) -lt $min ]; then
  printf '%s\n' "FAIL: mem-after is only $(( (a - b) >> 20 )) MiB above mem-before." "FAIL[ko]: mem-after 가 mem-before 보다 $(( (a - b) >> 20 )) MiB 많을 뿐입니다."
  printf '%s\n' "HINT: Save mem-after after the python process started (give it a second or two)." "HINT[ko]: python 프로세스가 시작된 뒤(1~2초 후) mem-after 를 저장하세요."
  exit 1
fi
big=$(ps -e -o rss= | awk '$1 >= 150*1024' | wc -l)
if [ "$big" -lt 1 ] || [ "$usage" -lt $((b + min)) ]; then
  printf '%s\n' "FAIL: The 200 MiB process is not running any more, so the memory is not in use now." "FAIL[ko]: 200 MiB 프로세스가 더 이상 돌지 않아 지금은 메모리를 쓰고 있지 않습니다."
  printf '%s\n' "HINT: Start it again with & at the end and leave it running." "HINT[ko]: 끝에 & 를 붙여 다시 띄우고 그대로 두세요."
  exit 1
fi
echo "memory ok: +$(( (a - b) >> 20 )) MiB, now $((usage >> 20)) MiB"
