#!/bin/bash
# Passes when hellonginx runs, serves the student's page, and its logs contain a GET request.
if [ "$(docker inspect hellonginx --format '{{.State.Running}}' 2>/dev/null)" != true ]; then
  printf '%s\n' "FAIL: hellonginx is not running." "FAIL[ko]: hellonginx 가 실행 중이 아닙니다."
  printf '%s\n' "HINT: docker start hellonginx (or run it again as in the last step)" "HINT[ko]: docker start hellonginx (또는 지난 단계처럼 다시 실행)"
  exit 1
fi
if ! curl -s -m 3 http://127.0.0.1/ | grep -q "hello from my container"; then
  printf '%s\n' "FAIL: The page on port 80 does not say 'hello from my container'." "FAIL[ko]: 80번 포트의 페이지에 'hello from my container' 가 없습니다."
  printf '%s\n' "HINT: docker exec -it hellonginx bash, then echo \"hello from my container\" > /usr/share/nginx/html/index.html" "HINT[ko]: 컨테이너 안에서 index.html 을 바꾸세요."
  exit 1
fi
if ! docker logs hellonginx 2>&1 | grep -q '"GET /'; then
  printf '%s\n' "FAIL: docker logs hellonginx shows no request yet." "FAIL[ko]: docker logs hellonginx 에 아직 요청이 없습니다."
  printf '%s\n' "HINT: curl -s localhost, then docker logs hellonginx" "HINT[ko]: curl -s localhost 한 뒤 docker logs hellonginx"
  exit 1
fi
echo "exec/logs ok"
