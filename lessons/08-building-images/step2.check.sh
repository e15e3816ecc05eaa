#!/bin/bash
# Passes when myapp:2 prints version 2 and shares every layer but the last with myapp:1.
if ! docker image inspect myapp:2 >/dev/null 2>&1; then
  printf '%s\n' "FAIL: There is no image myapp:2." "FAIL[ko]: myapp:2 이미지가 없습니다."
  echo "HINT: echo \"Hello, version 2\" > /root/myapp/greeting.txt && docker build -t myapp:2 /root/myapp"
  exit 1
fi
if ! timeout 40 docker run --rm myapp:2 2>&1 | grep -q "Hello, version 2"; then
  printf '%s\n' "FAIL: myapp:2 does not print 'Hello, version 2'." "FAIL[ko]: myapp:2 가 'Hello, version 2' 를 출력하지 않습니다."
  exit 1
fi
l1=$(docker image inspect myapp:1 --format '{{range .RootFS.Layers}}{{println .}}{{end}}' 2>/dev/null | sed '/^$/d')
l2=$(docker image inspect myapp:2 --format '{{range .RootFS.Layers}}{{println .}}{{end}}' | sed '/^$/d')
n1=$(echo "$l1" | wc -l); n2=$(echo "$l2" | wc -l)
if [ -z "$l1" ] || [ "$n1" != "$n2" ] || [ "$(echo "$l1" | head -n -1)" != "$(echo "$l2" | head -n -1)" ] || [ "$(echo "$l1" | tail -n 1)" = "$(echo "$l2" | tail -n 1)" ]; then
  printf '%s\n' "FAIL: myapp:2 should share all layers but the last with myapp:1 (was the Dockerfile changed, or only greeting.txt?)." "FAIL[ko]: myapp:2 는 마지막을 뺀 모든 레이어를 myapp:1 과 함께 써야 합니다(Dockerfile 을 바꿨나요, greeting.txt 만 바꿨나요?)."
  printf '%s\n' "HINT: Change only greeting.txt between the two builds." "HINT[ko]: 두 빌드 사이에 greeting.txt 만 바꾸세요."
  exit 1
fi
echo "cache ok: $n2 layers, $((n2 - 1)) shared"
