#!/bin/bash
set -e
mkdir -p /root/stack && cd /root/stack
cat > compose.yaml <<'YAML'
services:
  web:
    image: nginx
    ports:
      - "8080:80"
    depends_on: [cache, db]
  cache:
    image: redis
  db:
    image: postgres
    environment:
      POSTGRES_PASSWORD: example
    volumes:
      - dbdata:/var/lib/postgresql/data
volumes:
  dbdata:
YAML
docker compose up -d
for i in $(seq 60); do db=$(docker ps --filter label=com.docker.compose.project=stack --filter label=com.docker.compose.service=db --format '{{.Names}}' | head -n 1); [ -n "$db" ] && docker exec "$db" pg_isready -q -U postgres 2>/dev/null && break; sleep 0.5; done
docker compose ps
