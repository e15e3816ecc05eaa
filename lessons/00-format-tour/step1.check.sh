#!/bin/bash
# Runs as root in node1 (fed to bash -s). Exit 0 passes; FAIL: lines are the reason shown,
# HINT: lines are hints; anything else goes to the server log only.
if [ ! -f /root/tour/hello.txt ]; then
  echo "FAIL: /root/tour/hello.txt does not exist yet"
  echo "HINT: click the code block in the text to run it"
  exit 1
fi
if ! grep -qx 'hello pier' /root/tour/hello.txt; then
  echo "FAIL: /root/tour/hello.txt does not hold the line: hello pier"
  exit 1
fi
