#!/bin/bash
# Passes when some live process sits in a UTS namespace other than the node's, named red,
# and the node itself was not renamed.
mine=$(readlink /proc/1/ns/uts)
if [ "$(hostname)" = red ]; then
  printf '%s\n' "FAIL: The node itself is now called red: the rename happened outside any new namespace." "FAIL[ko]: 노드 자체의 이름이 red가 되었습니다. 새 네임스페이스 밖에서 이름을 바꾼 것입니다."
  printf '%s\n' "HINT: Put it back with hostname $(cat /etc/hostname 2>/dev/null || echo node1), then run hostname red inside unshare --uts." "HINT[ko]: hostname $(cat /etc/hostname 2>/dev/null || echo node1) 로 되돌린 뒤, unshare --uts 안에서 hostname red 를 실행하세요."
  exit 1
fi
found=""; others=0
for d in /proc/[0-9]*; do
  ns=$(readlink "$d/ns/uts" 2>/dev/null) || continue
  [ "$ns" = "$mine" ] && continue
  others=$((others+1))
  if [ "$(nsenter -t "${d#/proc/}" -u hostname 2>/dev/null)" = red ]; then found=${d#/proc/}; break; fi
done
if [ -z "$found" ]; then
  if [ "$others" -gt 0 ]; then
    printf '%s\n' "FAIL: There is a process in another UTS namespace, but its hostname is not red." "FAIL[ko]: 다른 UTS 네임스페이스에 프로세스가 있지만 호스트 이름이 red가 아닙니다."
  else
    printf '%s\n' "FAIL: No running process is in a UTS namespace of its own." "FAIL[ko]: 자기만의 UTS 네임스페이스에서 돌고 있는 프로세스가 없습니다."
  fi
  printf '%s\n' "HINT: unshare --uts sh -c 'hostname red; exec sleep infinity' &   (the & keeps it running)" "HINT[ko]: 끝의 & 가 프로세스를 계속 살려 둡니다."
  exit 1
fi
echo "uts ok: pid $found"
