#!/bin/bash
# Runs as root in node1 (fed to bash -s). Exit 0 passes; FAIL: lines are the reason shown,
# HINT: lines are hints; FAIL[ko]:/HINT[ko]: right after one is its Korean form, shown
# instead to a student reading Korean. Anything else goes to the server log only.
if [ ! -f /root/tour/hello.txt ]; then
  echo "FAIL: /root/tour/hello.txt does not exist yet"
  echo "FAIL[ko]: /root/tour/hello.txt 가 아직 없습니다"
  echo "HINT: click the code block in the text to run it"
  echo "HINT[ko]: 본문의 코드 블록을 클릭해 실행하세요"
  exit 1
fi
if ! grep -qx 'hello pier' /root/tour/hello.txt; then
  echo "FAIL: /root/tour/hello.txt does not hold the line: hello pier"
  echo "FAIL[ko]: /root/tour/hello.txt 에 hello pier 줄이 없습니다"
  echo "HINT: run the code block again: it writes the line"
  echo "HINT[ko]: 코드 블록을 다시 실행하세요. 그 줄을 씁니다"
  exit 1
fi
