#!/bin/bash
# Runs as root in node2, again and again while the step is open (watch: true).
if [ ! -f /root/from-node2.txt ]; then
  echo "FAIL: /root/from-node2.txt does not exist on node2 yet"
  echo "FAIL[ko]: node2 에 아직 /root/from-node2.txt 가 없습니다"
  echo "HINT: click the first command of the text: it runs on node2"
  echo "HINT[ko]: 본문의 첫 명령을 클릭하세요. node2 에서 실행됩니다"
  exit 1
fi
grep -q 'node2 says hi' /root/from-node2.txt || { printf '%s\n' "FAIL: /root/from-node2.txt does not hold peer-info's output: run the first command again" "FAIL[ko]: /root/from-node2.txt 에 peer-info 의 출력이 없습니다. 첫 명령을 다시 실행하세요"; exit 1; }
