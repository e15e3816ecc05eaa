#!/bin/bash
# Runs as root in node2, again and again while the step is open (watch: true).
if [ ! -f /root/from-node2.txt ]; then
  echo "FAIL: /root/from-node2.txt does not exist on node2 yet"
  echo "HINT: the command must run on node2"
  exit 1
fi
grep -q 'node2 says hi' /root/from-node2.txt || { echo "FAIL: /root/from-node2.txt does not hold peer-info's output"; exit 1; }
