#!/bin/bash
mkdir -p /root/answers
pkill -f 'b"x" \* \(200' || true
python3 -c 'data = b"x" * (700 << 20)'
echo $? > /root/answers/oom-exit
