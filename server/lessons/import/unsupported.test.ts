import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanShell } from './unsupported.js';

const images = (line: string) => scanShell('step1.md', line, { outbound: false }).filter((u) => u.construct.startsWith("image "));

test('the image of a docker run is found past option values that hold a substitution or quotes', () => {
  assert.deepEqual(images('docker run --rm --add-host node2:$(getent hosts node2 | cut -d" " -f1) redis redis-cli -h node2 ping'), [], 'redis is offline; "hosts" is not an image');
  assert.deepEqual(images(`docker run -e GREETING="hello there" --name web nginx`), []);
  assert.equal(images('docker run --rm --add-host n2:$(getent hosts n2) ubuntu true').length, 1, 'ubuntu is not in the offline set');
});
