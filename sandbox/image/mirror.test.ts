import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseMirror, hostDebianSources, parseDeb822, parseSourcesList, type HostAptFiles } from './mirror.js';

const DEBIAN_SOURCES = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;
const NODESOURCE = `Types: deb
URIs: https://deb.nodesource.com/node_20.x
Suites: nodistro
Components: main
Signed-By: /usr/share/keyrings/nodesource.gpg
`;

const host = (osReleaseId: string, ...files: Array<[string, string]>): HostAptFiles => ({
  osReleaseId,
  files: files.map(([name, text]) => ({ name, text })),
});

test('parseDeb822 reads paragraphs, lists and Enabled', () => {
  const [main, security] = parseDeb822(DEBIAN_SOURCES);
  assert.deepEqual(main, {
    types: ['deb'], uris: ['http://deb.debian.org/debian'], suites: ['bookworm', 'bookworm-updates'],
    components: ['main'], signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg', enabled: true,
  });
  assert.deepEqual(security?.suites, ['bookworm-security']);
  assert.equal(parseDeb822('Types: deb\nURIs: http://x/debian\nSuites: a\nEnabled: no\n')[0]?.enabled, false);
  const inline = parseDeb822('Types: deb\nURIs: http://x/debian\nSuites: a\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n abc\n');
  assert.equal(inline[0]?.signedBy, undefined, 'an inline key is not a path');
});

test('parseSourcesList reads one-line entries with options and comments', () => {
  const got = parseSourcesList(`# a comment
deb [arch=amd64 signed-by=/k.gpg] http://ftp.de.debian.org/debian bookworm main contrib # trailing
deb-src http://ftp.de.debian.org/debian bookworm main
deb http://security.debian.org/debian-security bookworm-security main
`);
  assert.equal(got.length, 3);
  assert.deepEqual(got[0], { types: ['deb'], uris: ['http://ftp.de.debian.org/debian'], suites: ['bookworm'], components: ['main', 'contrib'], signedBy: '/k.gpg', enabled: true });
  assert.deepEqual(got[1]?.types, ['deb-src']);
});

test("hostDebianSources keeps the host's Debian entries for the suite and its companions", () => {
  const h = host('debian', ['sources.list', ''], ['debian.sources', DEBIAN_SOURCES], ['nodesource.sources', NODESOURCE],
    ['google.list', 'deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main\n']);
  assert.deepEqual(hostDebianSources(h, 'bookworm'), [
    'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main',
    'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-updates main',
    'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main',
  ]);
});

test('hostDebianSources is empty for another suite, a non-Debian host, or no Debian mirror', () => {
  assert.deepEqual(hostDebianSources(host('debian', ['debian.sources', DEBIAN_SOURCES]), 'trixie'), []);
  assert.deepEqual(hostDebianSources(host('ubuntu', ['debian.sources', DEBIAN_SOURCES]), 'bookworm'), []);
  assert.deepEqual(hostDebianSources(host('debian', ['nodesource.sources', NODESOURCE]), 'bookworm'), []);
  // Only -security for the suite: not a mirror "for the same suite".
  assert.deepEqual(hostDebianSources(host('debian', ['s.list', 'deb http://security.debian.org/debian-security bookworm-security main\n']), 'bookworm'), []);
  // file: mirrors are not reachable from inside the chroot.
  assert.deepEqual(hostDebianSources(host('debian', ['s.list', 'deb file:///srv/debian bookworm main\n']), 'bookworm'), []);
});

test('a local mirror named …/debian counts as a Debian mirror', () => {
  const h = host('debian', ['sources.list', 'deb http://apt-cache.lan:3142/debian bookworm main\n']);
  assert.deepEqual(hostDebianSources(h, 'bookworm'), ['deb http://apt-cache.lan:3142/debian bookworm main']);
});

test('chooseMirror: configured, else host sources, else the default', () => {
  const h = host('debian', ['debian.sources', DEBIAN_SOURCES]);
  assert.deepEqual(chooseMirror('bookworm', 'http://m.example/debian', h), { args: ['http://m.example/debian'], description: 'http://m.example/debian (configured)' });
  const fromHost = chooseMirror('bookworm', '', h);
  assert.equal(fromHost.args.length, 3);
  assert.equal(fromHost.description, 'http://deb.debian.org/debian, http://deb.debian.org/debian-security (host apt sources)');
  assert.deepEqual(chooseMirror('trixie', '  ', h), { args: [], description: 'http://deb.debian.org/debian (default)' });
});
