#!/bin/bash
set -e
docker ps
docker exec hellonginx sh -c 'echo "hello from my container" > /usr/share/nginx/html/index.html'
curl -s http://127.0.0.1/
docker logs hellonginx 2>&1 | tail -3
