#!/bin/bash
# Passes when a live process sits in a user namespace whose uid_map maps 0 inside to 1000 outside.
for d in /proc/[0-9]*; do
  m=$(tr -s ' \n' ' ' < "$d/uid_map" 2>/dev/null | sed 's/^ //;s/ $//')
  if [ "$m" = "0 1000 1" ]; then echo "user ok: pid ${d#/proc/}"; exit 0; fi
done
printf '%s\n' "FAIL: No running process has a uid_map of 0 1000 1 (root inside = user 1000 outside)." "FAIL[ko]: uid_map 이 0 1000 1 (안의 root = 바깥의 사용자 1000)인 프로세스가 없습니다."
printf '%s\n' "HINT: Run it as user 1000 first (setpriv --reuid=1000 --regid=1000 --clear-groups …), then unshare --user --map-root-user sleep infinity & " "HINT[ko]: 먼저 사용자 1000으로 바꾼 뒤(setpriv …) unshare --user --map-root-user sleep infinity & 를 실행하세요."
exit 1
