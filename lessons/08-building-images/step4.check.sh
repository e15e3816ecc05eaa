#!/bin/bash
# Passes when the registry container runs and lists myapp:2, the local myapp:2 tag is gone,
# localhost:5000/myapp:2 is in the local store, and container from-registry ran it and printed version 2.
if [ "$(docker inspect registry --format '{{.State.Running}}' 2>/dev/null)" != true ]; then
  printf '%s\n' "FAIL: No running container named registry." "FAIL[ko]: 실행 중인 registry 컨테이너가 없습니다."
  echo "HINT: docker run -d -p 5000:5000 --name registry registry"
  exit 1
fi
if ! curl -s -m 3 http://localhost:5000/v2/myapp/tags/list | jq -e '.tags | index("2")' >/dev/null 2>&1; then
  printf '%s\n' "FAIL: The registry does not hold myapp:2." "FAIL[ko]: 레지스트리에 myapp:2 가 없습니다."
  echo "HINT: docker tag myapp:2 localhost:5000/myapp:2 && docker push localhost:5000/myapp:2"
  exit 1
fi
# Exact names only: a short name like myapp:2 would also match localhost:5000/myapp:2.
if docker images --format '{{.Repository}}:{{.Tag}}' | grep -qxE '(localhost/|docker\.io/library/)?myapp:2'; then
  printf '%s\n' "FAIL: The local myapp:2 is still here: remove it to pretend you are on another machine." "FAIL[ko]: 로컬 myapp:2 가 아직 있습니다. 다른 기계인 척 지우세요."
  echo "HINT: docker rmi localhost:5000/myapp:2 myapp:2"
  exit 1
fi
if ! docker image inspect localhost:5000/myapp:2 >/dev/null 2>&1; then
  printf '%s\n' "FAIL: localhost:5000/myapp:2 is not in the local store: pull it back." "FAIL[ko]: localhost:5000/myapp:2 가 로컬 저장소에 없습니다. 다시 pull 하세요."
  echo "HINT: docker pull localhost:5000/myapp:2"
  exit 1
fi
img=$(docker inspect from-registry --format '{{.Config.Image}}' 2>/dev/null)
if [ "$img" != localhost:5000/myapp:2 ] || ! docker logs from-registry 2>&1 | grep -q "Hello, version 2"; then
  printf '%s\n' "FAIL: No container from-registry that ran localhost:5000/myapp:2." "FAIL[ko]: localhost:5000/myapp:2 를 실행한 from-registry 컨테이너가 없습니다."
  echo "HINT: docker run --name from-registry localhost:5000/myapp:2"
  exit 1
fi
echo "registry flow ok"
