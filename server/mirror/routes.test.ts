// Which requests the mirror passes: pulls only (table-driven), and its error bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePullRoute, registryError, shortImageName, unavailableMessage } from './routes.js';

test('only GET/HEAD of the pull routes pass', () => {
  const cases: [string, string, string | null][] = [
    ['GET', '/v2/', 'base'],
    ['HEAD', '/v2/library/nginx/manifests/latest', 'manifest'],
    ['GET', '/v2/library/nginx/manifests/sha256:' + 'a'.repeat(64), 'manifest'],
    ['GET', '/v2/library/nginx/blobs/sha256:' + 'b'.repeat(64), 'blob'],
    ['GET', '/v2/library/nginx/tags/list?n=10', 'tags'],
    ['GET', '/v2/my-org/sub.name/app_1/manifests/v1.2', 'manifest'],
    // Push: every upload and manifest write, whatever the method.
    ['POST', '/v2/library/nginx/blobs/uploads/', null],
    ['PATCH', '/v2/library/nginx/blobs/uploads/1234', null],
    ['PUT', '/v2/library/nginx/blobs/uploads/1234?digest=sha256:00', null],
    ['PUT', '/v2/library/nginx/manifests/latest', null],
    ['DELETE', '/v2/library/nginx/manifests/sha256:' + 'a'.repeat(64), null],
    ['GET', '/v2/library/nginx/blobs/uploads/1234', null],
    // Not pulls: the catalog, debug pages, dot segments, encodings, other paths.
    ['GET', '/v2/_catalog', null],
    ['GET', '/debug/vars', null],
    ['GET', '/v2/library/../etc/manifests/x', null],
    ['GET', '/v2/library/%2e%2e/manifests/x', null],
    ['GET', '/v2/library/nginx/manifests/latest?x=1', null],
    ['GET', '/', null],
    ['GET', `/v2/${'a'.repeat(2000)}/manifests/x`, null],
  ];
  for (const [method, target, kind] of cases) {
    assert.equal(parsePullRoute(method, target)?.kind ?? null, kind, `${method} ${target.slice(0, 80)}`);
  }
});

test('the unavailable message names the image, what is available, and the admin switch, in both languages', () => {
  const m = unavailableMessage('library/ubuntu', 'latest', { images: ['nginx:latest', 'busybox:latest'] });
  assert.match(m, /ubuntu:latest is not available offline/);
  assert.match(m, /Available: nginx:latest, busybox:latest/);
  assert.match(m, /An admin can enable internet/);
  assert.match(m, /관리자가 인터넷을 켤 수 있습니다/);
  assert.doesNotMatch(m, /\n/);
  const body = JSON.parse(registryError('MANIFEST_UNKNOWN', m)) as { errors: { code: string; message: string }[] };
  assert.equal(body.errors[0]?.code, 'MANIFEST_UNKNOWN');
  assert.equal(shortImageName('docker.io/library/nginx:1.22'), 'nginx:1.22');
});
