#!/bin/bash
# Passes when the node's IPC namespace has a message queue, and another live IPC namespace has
# a queue whose id/key set differs from the node's.
queues(){ awk '$1 ~ /^0x/ {print $1"/"$2}' | sort; }
node=$(ipcs -q | queues)
if [ -z "$node" ]; then
  printf '%s\n' "FAIL: The node has no message queue (ipcs -q lists none)." "FAIL[ko]: 노드에 메시지 큐가 없습니다(ipcs -q 에 아무것도 없음)."
  printf '%s\n' "HINT: ipcmk -Q creates one." "HINT[ko]: ipcmk -Q 로 하나 만드세요."
  exit 1
fi
mine=$(readlink /proc/1/ns/ipc)
for d in /proc/[0-9]*; do
  ns=$(readlink "$d/ns/ipc" 2>/dev/null) || continue
  [ "$ns" = "$mine" ] && continue
  theirs=$(nsenter -t "${d#/proc/}" -i ipcs -q 2>/dev/null | queues)
  if [ -n "$theirs" ] && [ "$theirs" != "$node" ]; then echo "ipc ok: pid ${d#/proc/}"; exit 0; fi
done
printf '%s\n' "FAIL: No running process has its own IPC namespace with a queue in it." "FAIL[ko]: 자기 큐를 가진 별도의 IPC 네임스페이스에서 도는 프로세스가 없습니다."
echo "HINT: unshare --ipc sh -c 'ipcmk -Q && exec sleep infinity' &"
exit 1
