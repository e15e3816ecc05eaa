#!/bin/bash
# Passes when hellonginx runs and serves nginx's default page (the student's page is gone with the old one).
if [ "$(docker inspect hellonginx --format '{{.State.Running}}' 2>/dev/null)" != true ]; then
  printf '%s\n' "FAIL: No running container named hellonginx." "FAIL[ko]: 실행 중인 hellonginx 컨테이너가 없습니다."
  echo "HINT: docker run -d -p 80:80 --name hellonginx nginx"
  exit 1
fi
page=$(curl -s -m 3 http://127.0.0.1/)
if echo "$page" | grep -q "hello from my container"; then
  printf '%s\n' "FAIL: Port 80 still serves your page: this is still the old container (stop and start keep the data)." "FAIL[ko]: 80번 포트가 아직 여러분의 페이지를 보여 줍니다. 예전 컨테이너 그대로입니다(stop/start 는 데이터를 지킵니다)."
  printf '%s\n' "HINT: docker rm -f hellonginx, then docker run -d -p 80:80 --name hellonginx nginx" "HINT[ko]: 지운 뒤 새로 만드세요."
  exit 1
fi
if ! echo "$page" | grep -qi "welcome to nginx"; then
  printf '%s\n' "FAIL: Port 80 does not serve nginx's default page." "FAIL[ko]: 80번 포트가 nginx 기본 페이지를 보여 주지 않습니다."
  exit 1
fi
echo "fresh container ok"
