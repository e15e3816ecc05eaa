#!/bin/bash
# A bounded fork loop for step 4: forks until the kernel refuses, then cleans up.
mkdir -p /root/answers
cat > /root/forkbomb.py <<'PY'
# A *bounded* fork bomb: keep forking children that just sleep, until the kernel says no
# (or 5000 children), then kill them all. Prints how many forks succeeded.
import os, signal, time
children = []
try:
    while len(children) < 5000:
        pid = os.fork()
        if pid == 0:          # the child: sleep a while, then leave quietly
            time.sleep(30)
            os._exit(0)
        children.append(pid)
except OSError as err:        # EAGAIN: "Resource temporarily unavailable"
    print("fork refused after", len(children), "children:", err)
for pid in children:
    os.kill(pid, signal.SIGKILL)
for pid in children:
    os.waitpid(pid, 0)
print(len(children))
PY
