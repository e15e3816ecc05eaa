#!/bin/bash
# Passes when docker-version matches the client version and run-belongs-to is "container".
want=$(docker version --format '{{.Client.Version}}' 2>/dev/null)
got=$(tr -d '[:space:]' < /root/answers/docker-version 2>/dev/null)
if [ -z "$got" ] || [ "$got" != "$want" ]; then
  printf '%s\n' "FAIL: /root/answers/docker-version should hold the client version${got:+ (it now holds '$got')}." "FAIL[ko]: /root/answers/docker-version 에는 클라이언트 버전이 있어야 합니다${got:+ (지금 내용: '$got')}."
  echo "HINT: docker version --format '{{.Client.Version}}' > /root/answers/docker-version"
  exit 1
fi
m=$(tr -d '[:space:]' < /root/answers/run-belongs-to 2>/dev/null | tr '[:upper:]' '[:lower:]')
if [ "$m" != container ]; then
  printf '%s\n' "FAIL: /root/answers/run-belongs-to: which management command has run as a sub-command (docker ??? run)?" "FAIL[ko]: /root/answers/run-belongs-to: run 을 하위 명령으로 가진 관리 명령은 무엇인가요(docker ??? run)?"
  printf '%s\n' "HINT: docker --help lists the management commands; try docker <each> --help." "HINT[ko]: docker --help 의 관리 명령마다 --help 를 보세요."
  exit 1
fi
echo "basics ok: $want"
