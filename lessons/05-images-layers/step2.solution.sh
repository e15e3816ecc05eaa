#!/bin/bash
set -e
echo "changed in the container" >> /root/ov/merged/hello.txt
rm /root/ov/merged/remove-me.txt
ls -l /root/ov/upper
