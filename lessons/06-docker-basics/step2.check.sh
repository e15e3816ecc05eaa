#!/bin/bash
# Passes when container hellonginx runs from nginx and port 80 of the node answers with nginx's page.
st=$(docker inspect hellonginx --format '{{.State.Running}} {{.Config.Image}}' 2>/dev/null)
if [ -z "$st" ]; then
  printf '%s\n' "FAIL: There is no container named hellonginx." "FAIL[ko]: hellonginx 라는 컨테이너가 없습니다."
  echo "HINT: docker run -d -p 80:80 --name hellonginx nginx"
  exit 1
fi
case "$st" in true\ *nginx*) ;; *)
  printf '%s\n' "FAIL: hellonginx exists but is not a running nginx container ($st)." "FAIL[ko]: hellonginx 가 있지만 실행 중인 nginx 컨테이너가 아닙니다($st)."
  printf '%s\n' "HINT: docker rm -f hellonginx, then docker run -d -p 80:80 --name hellonginx nginx" "HINT[ko]: docker rm -f hellonginx 후 다시 실행하세요."
  exit 1;; esac
if ! curl -s -m 3 http://127.0.0.1:80/ | grep -qi nginx; then
  printf '%s\n' "FAIL: Port 80 of the node does not answer with the nginx page: was -p 80:80 given?" "FAIL[ko]: 노드의 80번 포트가 nginx 페이지로 응답하지 않습니다. -p 80:80 을 주었나요?"
  printf '%s\n' "HINT: docker port hellonginx shows what is published." "HINT[ko]: docker port hellonginx 로 공개된 포트를 확인하세요."
  exit 1
fi
echo "nginx ok"
