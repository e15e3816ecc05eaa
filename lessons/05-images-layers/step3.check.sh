#!/bin/bash
# Passes when /root/answers/nginx-layers equals the number of layers of the nginx image.
want=$(docker image inspect nginx --format '{{len .RootFS.Layers}}' 2>/dev/null)
if [ -z "$want" ]; then
  printf '%s\n' "FAIL: There is no nginx image on this node yet: fetch it with docker pull nginx." "FAIL[ko]: 이 노드에 아직 nginx 이미지가 없습니다. docker pull nginx 로 받아 오세요."
  exit 1
fi
got=$(tr -d '[:space:]' < /root/answers/nginx-layers 2>/dev/null)
if [ "$got" != "$want" ]; then
  printf '%s\n' "FAIL: /root/answers/nginx-layers should hold the number of nginx's layers${got:+ (it now holds '$got')}." "FAIL[ko]: /root/answers/nginx-layers 에는 nginx 의 레이어 개수가 있어야 합니다${got:+ (지금 내용: '$got')}."
  printf '%s\n' "HINT: Count the lines of docker image inspect nginx --format '{{range .RootFS.Layers}}{{println .}}{{end}}'" "HINT[ko]: 레이어 목록의 줄 수를 세세요."
  exit 1
fi
echo "layers ok: $want"
