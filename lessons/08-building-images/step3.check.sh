#!/bin/bash
# Passes when myapp:latest and myapp:2 resolve to the same image id.
a=$(docker image inspect myapp:latest --format '{{.Id}}' 2>/dev/null); b=$(docker image inspect myapp:2 --format '{{.Id}}' 2>/dev/null)
if [ -z "$a" ]; then
  printf '%s\n' "FAIL: There is no image myapp:latest." "FAIL[ko]: myapp:latest 이미지가 없습니다."
  echo "HINT: docker tag myapp:2 myapp:latest"
  exit 1
fi
if [ "$a" != "$b" ]; then
  printf '%s\n' "FAIL: myapp:latest is not the same image as myapp:2." "FAIL[ko]: myapp:latest 가 myapp:2 와 같은 이미지가 아닙니다."
  printf '%s\n' "HINT: docker tag myapp:2 myapp:latest (it moves the tag)" "HINT[ko]: 태그를 옮기세요."
  exit 1
fi
echo "tag ok: ${a:0:12}"
