#!/bin/bash
set -e
docker volume create site
docker rm -f hellonginx >/dev/null 2>&1 || true
docker run -d -p 80:80 --name hellonginx -v site:/usr/share/nginx/html nginx
docker exec hellonginx sh -c 'echo "saved in a volume" > /usr/share/nginx/html/index.html'
sleep 1
docker rm -f hellonginx
docker run -d -p 80:80 --name hellonginx -v site:/usr/share/nginx/html nginx
for i in $(seq 50); do curl -s -m 1 http://127.0.0.1/ | grep -q "saved in a volume" && break; sleep 0.1; done
curl -s http://127.0.0.1/
