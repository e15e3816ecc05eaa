#!/bin/bash
# Passes when /root/answers/processes holds a number close to this node's real process count.
f=/root/answers/processes
if [ ! -s "$f" ]; then
  printf '%s\n' "FAIL: /root/answers/processes does not exist yet." "FAIL[ko]: 아직 /root/answers/processes 파일이 없습니다."
  echo "HINT: ps -e --no-headers | wc -l > /root/answers/processes"
  exit 1
fi
got=$(tr -d '[:space:]' < "$f")
if ! [[ "$got" =~ ^[0-9]+$ ]]; then
  printf '%s\n' "FAIL: The file should hold one number, not '$got'." "FAIL[ko]: 파일에는 숫자 하나만 있어야 합니다('$got'이 아니라)."
  exit 1
fi
# Count the node's processes without this check's own shell and its children.
now=$(ps -e --no-headers -o pid=,ppid= | awk -v me=$$ '$1!=me && $2!=me' | wc -l)
diff=$(( got > now ? got - now : now - got ))
if [ "$diff" -gt 5 ]; then
  printf '%s\n' "FAIL: You wrote $got, but the node runs about $now processes now." "FAIL[ko]: $got이라고 적었지만 지금 노드에는 프로세스가 약 ${now}개 있습니다."
  printf '%s\n' "HINT: Count again with ps -e --no-headers | wc -l; a few more or less is fine." "HINT[ko]: ps -e --no-headers | wc -l 로 다시 세어 보세요. 몇 개 차이는 괜찮습니다."
  exit 1
fi
echo "processes ok: $got (now $now)"
