#!/bin/bash
set -e
docker rm -f cache >/dev/null 2>&1 || true
docker network inspect appnet >/dev/null 2>&1 || docker network create appnet
docker run -d --name cache --network appnet redis
for i in $(seq 50); do docker run --rm --network appnet redis redis-cli -h cache ping 2>/dev/null | grep -q PONG && break; sleep 0.2; done
docker run --rm --network appnet redis redis-cli -h cache set course pier
