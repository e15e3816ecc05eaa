#!/bin/bash
# Passes when host-uid matches uid_map and shared-ns lists exactly the namespace types of PID 1
# that still have the kernel's initial (fixed, small) inode numbers.
want_uid=$(awk 'NR==1{print $2}' /proc/self/uid_map)
got_uid=$(tr -d '[:space:]' < /root/answers/host-uid 2>/dev/null)
if [ "$got_uid" != "$want_uid" ]; then
  printf '%s\n' "FAIL: /root/answers/host-uid should hold the host uid that root here maps to${got_uid:+ (it now holds '$got_uid')}." "FAIL[ko]: /root/answers/host-uid 에는 이곳의 root가 대응하는 호스트 uid가 있어야 합니다${got_uid:+ (지금 내용: '$got_uid')}."
  printf '%s\n' "HINT: The line 0 X N in /proc/self/uid_map means uid 0 here is uid X on the host." "HINT[ko]: /proc/self/uid_map 의 0 X N 은 이곳의 uid 0 이 호스트의 uid X 라는 뜻입니다."
  exit 1
fi
want=$(for f in /proc/1/ns/*; do t=$(basename "$f"); case $t in *_for_children) continue;; esac
  i=$(readlink "$f" | tr -dc 0-9); [ "$i" -ge 4026531834 ] && [ "$i" -le 4026531841 ] && echo "$t"; done | sort -u)
got=$(tr -s ' ,\t' '\n' < /root/answers/shared-ns 2>/dev/null | sed '/^$/d' | tr '[:upper:]' '[:lower:]' | sort -u)
if [ "$got" != "$want" ]; then
  printf '%s\n' "FAIL: /root/answers/shared-ns does not list the namespace types the node shares with the host." "FAIL[ko]: /root/answers/shared-ns 가 노드가 호스트와 함께 쓰는 네임스페이스 종류와 다릅니다."
  printf '%s\n' "HINT: In ls -l /proc/1/ns/, look for inode numbers between 4026531834 and 4026531841." "HINT[ko]: ls -l /proc/1/ns/ 에서 4026531834~4026531841 사이의 번호를 찾으세요."
  exit 1
fi
echo "pier inside ok: uid $want_uid, shared: $(echo $want)"
