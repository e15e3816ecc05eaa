#!/bin/bash
set -e
docker rm -f hellonginx >/dev/null 2>&1 || true
docker run -d -p 80:80 --name hellonginx nginx
for i in $(seq 50); do curl -s -m 1 http://127.0.0.1/ >/dev/null && break; sleep 0.1; done
curl -s http://127.0.0.1/ | head -5
