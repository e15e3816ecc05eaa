#!/bin/bash
set -e
mkdir -p /root/ov/lower /root/ov/upper /root/ov/work /root/ov/merged
echo "from the image" > /root/ov/lower/hello.txt
echo "delete me" > /root/ov/lower/remove-me.txt
mount -t overlay overlay \
  -o lowerdir=/root/ov/lower,upperdir=/root/ov/upper,workdir=/root/ov/work \
  /root/ov/merged
ls -l /root/ov/merged
