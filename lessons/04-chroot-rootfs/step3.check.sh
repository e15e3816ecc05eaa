#!/bin/bash
# Passes when /root/tiny/ps-inside is a ps listing made in the chroot that shows the node's PID 1.
f=/root/tiny/ps-inside
pid1=$(cat /proc/1/comm)
if [ ! -s "$f" ]; then
  printf '%s\n' "FAIL: /root/tiny/ps-inside does not exist yet." "FAIL[ko]: 아직 /root/tiny/ps-inside 가 없습니다."
  printf '%s\n' "HINT: chroot /root/tiny /bin/sh, then mkdir -p /proc && mount -t proc proc /proc, then ps > /ps-inside" "HINT[ko]: chroot 안에서 proc 을 마운트한 뒤 ps > /ps-inside"
  exit 1
fi
if ! grep -q "$pid1" "$f" || ! head -n 1 "$f" | grep -q PID; then
  printf '%s\n' "FAIL: /root/tiny/ps-inside does not list the node's processes (no $pid1 in it)." "FAIL[ko]: /root/tiny/ps-inside 에 노드의 프로세스가 없습니다($pid1 이 없음)."
  printf '%s\n' "HINT: Without /proc mounted inside, ps has nothing to read." "HINT[ko]: 안에 /proc 이 마운트되어 있지 않으면 ps 가 읽을 것이 없습니다."
  exit 1
fi
echo "chroot sees all processes: ok"
