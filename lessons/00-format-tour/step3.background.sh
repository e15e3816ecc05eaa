#!/bin/bash
# Started in node1 when step 3 opens (300 s at most); its output goes to the server log.
cat > /root/tour/index.html <<'HTML'
<!doctype html>
<title>pier format tour</title>
<h1>Served from node1, port 8000</h1>
<p><a href="hello.txt">hello.txt</a></p>
HTML
echo "wrote /root/tour/index.html"
