#!/bin/bash
# Passes when volume site has index.html with the text, hellonginx mounts it and serves it on :80,
# and hellonginx was created after the file was last written (a new container, same data).
mp=$(docker volume inspect site --format '{{.Mountpoint}}' 2>/dev/null)
if [ -z "$mp" ]; then
  printf '%s\n' "FAIL: There is no volume named site." "FAIL[ko]: site 라는 볼륨이 없습니다."
  echo "HINT: docker volume create site"
  exit 1
fi
if ! grep -q "saved in a volume" "$mp/index.html" 2>/dev/null; then
  printf '%s\n' "FAIL: The volume site has no index.html saying 'saved in a volume'." "FAIL[ko]: site 볼륨에 'saved in a volume' 이라고 적힌 index.html 이 없습니다."
  printf '%s\n' "HINT: Run nginx with -v site:/usr/share/nginx/html and write the page through docker exec." "HINT[ko]: -v site:/usr/share/nginx/html 로 nginx 를 띄우고 docker exec 로 페이지를 쓰세요."
  exit 1
fi
if [ "$(docker inspect hellonginx --format '{{.State.Running}}' 2>/dev/null)" != true ] || ! docker inspect hellonginx --format '{{range .Mounts}}{{.Name}} {{end}}' | grep -qw site; then
  printf '%s\n' "FAIL: No running hellonginx container with the volume site mounted." "FAIL[ko]: site 볼륨을 마운트한 실행 중인 hellonginx 컨테이너가 없습니다."
  echo "HINT: docker run -d -p 80:80 --name hellonginx -v site:/usr/share/nginx/html nginx"
  exit 1
fi
# podman's Created is a time (.Unix works); Docker's is an RFC 3339 string.
created=$(docker inspect hellonginx --format '{{.Created.Unix}}' 2>/dev/null) || created=$(date -d "$(docker inspect hellonginx --format '{{.Created}}' 2>/dev/null)" +%s 2>/dev/null || echo 0)
written=$(stat -c %Y "$mp/index.html")
if [ "$created" -lt "$written" ]; then
  printf '%s\n' "FAIL: This hellonginx was created before the page was written: show that the page outlives a container." "FAIL[ko]: 이 hellonginx 는 페이지를 쓰기 전에 만들어졌습니다. 페이지가 컨테이너보다 오래 산다는 것을 보여 주세요."
  printf '%s\n' "HINT: docker rm -f hellonginx, then run it again with the same -v site:/usr/share/nginx/html" "HINT[ko]: 지우고 같은 -v 로 다시 띄우세요."
  exit 1
fi
if ! curl -s -m 3 http://127.0.0.1/ | grep -q "saved in a volume"; then
  printf '%s\n' "FAIL: Port 80 does not serve the page from the volume." "FAIL[ko]: 80번 포트가 볼륨의 페이지를 보여 주지 않습니다."
  exit 1
fi
echo "volume ok"
