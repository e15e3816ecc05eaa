#!/bin/bash
set -e
docker rm -f remote-cache >/dev/null 2>&1 || true
docker run -d -p 6379:6379 --name remote-cache redis
for i in $(seq 50); do docker exec remote-cache redis-cli ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
