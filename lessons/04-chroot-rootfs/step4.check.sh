#!/bin/bash
# Passes when a live process has /root/tiny as its root, is PID 1 of its own PID namespace,
# and its UTS namespace is called tiny.
mypid=$(readlink /proc/1/ns/pid); seen=0
for d in /proc/[0-9]*; do
  [ "$(readlink "$d/root" 2>/dev/null)" = /root/tiny ] || continue
  seen=1
  [ "$(readlink "$d/ns/pid")" != "$mypid" ] || continue
  [ "$(awk '/^NSpid:/{print $NF}' "$d/status")" = 1 ] || continue
  if [ "$(nsenter -t "${d#/proc/}" -u hostname 2>/dev/null)" = tiny ]; then echo "mini container ok: pid ${d#/proc/}"; exit 0; fi
done
if [ $seen = 1 ]; then
  printf '%s\n' "FAIL: A process runs in /root/tiny, but not as PID 1 of its own PID namespace with hostname tiny." "FAIL[ko]: /root/tiny 에서 도는 프로세스는 있지만, 자기 PID 네임스페이스의 PID 1이면서 호스트 이름이 tiny 인 것은 아닙니다."
else
  printf '%s\n' "FAIL: No running process has /root/tiny as its root." "FAIL[ko]: 루트가 /root/tiny 인 프로세스가 돌고 있지 않습니다."
fi
echo "HINT: unshare --pid --fork --mount --uts --root=/root/tiny /bin/sh -c 'mount -t proc proc /proc; hostname tiny; exec sleep 3600' &"
exit 1
