#!/bin/bash
# Passes when /mnt/note exists in some other mount namespace (on a tmpfs there) but not in the node's.
if [ -e /mnt/note ]; then
  printf '%s\n' "FAIL: /mnt/note is visible from the node, so it was not made inside a private mount namespace." "FAIL[ko]: 노드에서 /mnt/note 가 보입니다. 별도의 마운트 네임스페이스 안에서 만든 것이 아닙니다."
  printf '%s\n' "HINT: Clean up with umount /mnt 2>/dev/null; rm -f /mnt/note — then do the mount inside unshare --mount." "HINT[ko]: umount /mnt 2>/dev/null; rm -f /mnt/note 로 정리한 뒤 unshare --mount 안에서 마운트하세요."
  exit 1
fi
mine=$(readlink /proc/1/ns/mnt)
for d in /proc/[0-9]*; do
  ns=$(readlink "$d/ns/mnt" 2>/dev/null) || continue
  [ "$ns" = "$mine" ] && continue
  p=${d#/proc/}
  if nsenter -t "$p" -m test -f /mnt/note 2>/dev/null && [ "$(nsenter -t "$p" -m findmnt -n -o FSTYPE /mnt 2>/dev/null)" = tmpfs ]; then
    echo "mnt ok: pid $p"; exit 0
  fi
done
printf '%s\n' "FAIL: No process lives in a mount namespace with a tmpfs on /mnt holding /mnt/note." "FAIL[ko]: /mnt 에 tmpfs가 있고 /mnt/note 가 든 마운트 네임스페이스에 사는 프로세스가 없습니다."
printf '%s\n' "HINT: End the sh -c '…' with exec sleep infinity and start it with & so the namespace stays alive." "HINT[ko]: sh -c '…' 끝에 exec sleep infinity 를 두고 & 로 실행해야 네임스페이스가 살아 있습니다."
exit 1
