#!/bin/bash
set -e
mkdir -p /root/myapp && cd /root/myapp
echo "Hello, version 1" > greeting.txt
printf '#!/bin/sh\necho "$(cat /app/greeting.txt) (from inside an image)"\n' > hello.sh
cat > Dockerfile <<'DOCKERFILE'
FROM busybox
WORKDIR /app
COPY hello.sh .
RUN chmod +x hello.sh
COPY greeting.txt .
CMD ["/app/hello.sh"]
DOCKERFILE
docker pull -q busybox >/dev/null
docker build -t myapp:1 .
docker run --rm myapp:1
