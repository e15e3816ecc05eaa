#!/bin/bash
# Passes when compose project "stack" runs web, cache and db: web answers on :8080, cache PONGs,
# db accepts connections, and web resolves db and cache by name.
if [ ! -f /root/stack/compose.yaml ] && [ ! -f /root/stack/docker-compose.yml ] && [ ! -f /root/stack/compose.yml ] && [ ! -f /root/stack/docker-compose.yaml ]; then
  printf '%s\n' "FAIL: There is no compose file in /root/stack." "FAIL[ko]: /root/stack 에 compose 파일이 없습니다."
  printf '%s\n' "HINT: Run the first block of this step." "HINT[ko]: 이 단계의 첫 블록을 실행하세요."
  exit 1
fi
svc(){ docker ps --filter "label=com.docker.compose.project=stack" --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -n 1; }
web=$(svc web); cache=$(svc cache); db=$(svc db)
if [ -z "$web" ] || [ -z "$cache" ] || [ -z "$db" ]; then
  printf '%s\n' "FAIL: The compose project stack is not running all of web, cache and db." "FAIL[ko]: compose 프로젝트 stack 의 web, cache, db 가 모두 돌고 있지 않습니다."
  printf '%s\n' "HINT: cd /root/stack && docker compose up -d; docker compose ps" "HINT[ko]: 상태를 보고, 멈춘 서비스는 docker compose logs 로 확인하세요."
  exit 1
fi
if ! curl -s -m 3 http://127.0.0.1:8080/ | grep -qi nginx; then
  printf '%s\n' "FAIL: Port 8080 does not answer with nginx." "FAIL[ko]: 8080번 포트가 nginx 로 응답하지 않습니다."
  exit 1
fi
if [ "$(docker exec "$cache" redis-cli ping 2>/dev/null)" != PONG ]; then
  printf '%s\n' "FAIL: The cache service does not answer PONG." "FAIL[ko]: cache 서비스가 PONG 으로 답하지 않습니다."
  exit 1
fi
ok=0; for i in $(seq 20); do docker exec "$db" pg_isready -q -U postgres 2>/dev/null && { ok=1; break; }; sleep 1; done
if [ $ok = 0 ]; then
  printf '%s\n' "FAIL: The db service does not accept connections (yet)." "FAIL[ko]: db 서비스가 (아직) 접속을 받지 않습니다."
  printf '%s\n' "HINT: docker compose logs db — is POSTGRES_PASSWORD set?" "HINT[ko]: POSTGRES_PASSWORD 를 설정했나요?"
  exit 1
fi
if ! docker exec "$web" getent hosts db >/dev/null 2>&1 || ! docker exec "$web" getent hosts cache >/dev/null 2>&1; then
  printf '%s\n' "FAIL: From web, the names db and cache do not resolve." "FAIL[ko]: web 에서 db 와 cache 라는 이름을 찾지 못합니다."
  exit 1
fi
echo "compose ok: $web $cache $db"
