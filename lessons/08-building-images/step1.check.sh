#!/bin/bash
# Passes when /root/myapp/Dockerfile exists, image myapp:1 exists with a CMD, and running it prints version 1.
if [ ! -f /root/myapp/Dockerfile ]; then
  printf '%s\n' "FAIL: /root/myapp/Dockerfile does not exist." "FAIL[ko]: /root/myapp/Dockerfile 이 없습니다."
  printf '%s\n' "HINT: Run the first block of this step." "HINT[ko]: 이 단계의 첫 블록을 실행하세요."
  exit 1
fi
if ! docker image inspect myapp:1 >/dev/null 2>&1; then
  printf '%s\n' "FAIL: There is no image myapp:1." "FAIL[ko]: myapp:1 이미지가 없습니다."
  echo "HINT: cd /root/myapp && docker build -t myapp:1 ."
  exit 1
fi
out=$(timeout 40 docker run --rm myapp:1 2>&1)
if ! echo "$out" | grep -q "Hello, version 1"; then
  printf '%s\n' "FAIL: docker run --rm myapp:1 does not print 'Hello, version 1'." "FAIL[ko]: docker run --rm myapp:1 이 'Hello, version 1' 을 출력하지 않습니다."
  echo "HINT: $(echo "$out" | tail -n 1)"
  exit 1
fi
echo "build ok"
