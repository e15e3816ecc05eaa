#!/bin/bash
# Passes when network appnet exists, container cache runs on it, and cache holds course=pier.
if ! docker network inspect appnet >/dev/null 2>&1; then
  printf '%s\n' "FAIL: There is no network named appnet." "FAIL[ko]: appnet 이라는 네트워크가 없습니다."
  echo "HINT: docker network create appnet"
  exit 1
fi
if [ "$(docker inspect cache --format '{{.State.Running}}' 2>/dev/null)" != true ] || ! docker inspect cache --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' | grep -qw appnet; then
  printf '%s\n' "FAIL: No running container cache attached to appnet." "FAIL[ko]: appnet 에 붙은 실행 중인 cache 컨테이너가 없습니다."
  echo "HINT: docker run -d --name cache --network appnet redis"
  exit 1
fi
v=$(docker exec cache redis-cli get course 2>/dev/null)
if [ "$v" != pier ]; then
  printf '%s\n' "FAIL: cache does not hold course = pier yet." "FAIL[ko]: cache 에 아직 course = pier 가 없습니다."
  echo "HINT: docker run --rm --network appnet redis redis-cli -h cache set course pier"
  exit 1
fi
echo "network ok"
