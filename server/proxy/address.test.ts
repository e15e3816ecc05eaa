import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hidesDotSegment, parsePort, parseProxyHost, parseProxyPath, takeQueryParam, type ProxyMatch } from './address.js';

const S = '0123456789abcdef0123456789abcdef';
const P = `/p/${S}/node1/8000`;

/** A compact view of a match for table assertions. */
function view(m: ProxyMatch | null): string {
  if (m === null) return 'null';
  if (m.kind === 'redirect') return `${m.status} ${m.location}`;
  if (m.kind === 'refused') return `${m.status} ${m.code}`;
  const a = m.address;
  return `${a.form} ${a.session === S ? 'S' : a.session} ${a.node} ${a.port} prefix=${a.prefix.replace(S, 'S')} up=${a.upstreamPath}`;
}

describe('parsePort', () => {
  const cases: [string, number | null][] = [
    ['1', 1],
    ['80', 80],
    ['65535', 65535],
    ['0', null],
    ['65536', null],
    ['99999', null],
    ['123456', null],
    ['08000', null],
    ['-1', null],
    ['+80', null],
    ['8e3', null],
    ['0x50', null],
    [' 80', null],
    ['', null],
  ];
  for (const [text, port] of cases) test(JSON.stringify(text), () => assert.equal(parsePort(text), port));
});

describe('hidesDotSegment', () => {
  const cases: [string, boolean | null][] = [
    ['..', true],
    ['.', true],
    ['%2e%2e', true],
    ['%2E%2E', true],
    ['.%2e', true],
    ['%2e', true],
    ['%252e%252e', true],
    ['a%2f..', true],
    ['a%2F..%2Fb', true],
    ['..%5c', true],
    ['%2e%2e%5cwin', true],
    ['...', false],
    ['..a', false],
    ['a..b', false],
    ['.hidden', false],
    ['file.txt', false],
    ['%20', false],
    ['', false],
    ['%zz', null],
    ['%e0%a4%a', null],
  ];
  for (const [segment, hides] of cases) test(JSON.stringify(segment), () => assert.equal(hidesDotSegment(segment), hides));
});

describe('parseProxyPath', () => {
  const cases: [string, string][] = [
    // not the proxy's
    ['/', 'null'],
    ['/api/sessions', 'null'],
    ['/p', 'null'],
    ['/pp/x', 'null'],
    ['/P/' + S + '/node1/8000/', 'null'],
    // forwarded
    [`${P}/`, 'path S node1 8000 prefix=/p/S/node1/8000 up=/'],
    [`${P}/index.html`, 'path S node1 8000 prefix=/p/S/node1/8000 up=/index.html'],
    [`${P}/a/b/?x=1&y=/..`, 'path S node1 8000 prefix=/p/S/node1/8000 up=/a/b/?x=1&y=/..'],
    [`${P}/?`, 'path S node1 8000 prefix=/p/S/node1/8000 up=/?'],
    [`${P}/%20space`, 'path S node1 8000 prefix=/p/S/node1/8000 up=/%20space'],
    [`${P}//double`, 'path S node1 8000 prefix=/p/S/node1/8000 up=//double'],
    [`/p/${S}/node9/1/`, 'path S node9 1 prefix=/p/S/node9/1 up=/'],
    [`/p/${S}/node1/65535/x`, 'path S node1 65535 prefix=/p/S/node1/65535 up=/x'],
    // the trailing slash
    [P, `308 /p/${S}/node1/8000/`],
    [`${P}?a=1`, `308 /p/${S}/node1/8000/?a=1`],
    // traversal
    [`${P}/../../../api/sessions`, '400 PROXY_BAD_ADDRESS'],
    [`${P}/%2e%2e/x`, '400 PROXY_BAD_ADDRESS'],
    [`${P}/%2E%2e/x`, '400 PROXY_BAD_ADDRESS'],
    [`${P}/.%2e/x`, '400 PROXY_BAD_ADDRESS'],
    [`${P}/%252e%252e/x`, '400 PROXY_BAD_ADDRESS'],
    [`${P}/a%2f..%2fb`, '400 PROXY_BAD_ADDRESS'],
    [`${P}/..%5c..%5cx`, '400 PROXY_BAD_ADDRESS'],
    [`${P}/./x`, '400 PROXY_BAD_ADDRESS'],
    [`${P}/x/..`, '400 PROXY_BAD_ADDRESS'],
    [`/p/${S}/node1/../../api/`, '400 PROXY_BAD_ADDRESS'],
    [`/p/../api/sessions`, '400 PROXY_BAD_ADDRESS'],
    [`/p/%2e%2e/api/sessions`, '400 PROXY_BAD_ADDRESS'],
    [`${P}/%zz`, '400 PROXY_BAD_ADDRESS'],
    // ports
    [`/p/${S}/node1/0/`, '400 PROXY_BAD_ADDRESS'],
    [`/p/${S}/node1/65536/`, '400 PROXY_BAD_ADDRESS'],
    [`/p/${S}/node1/123456/`, '400 PROXY_BAD_ADDRESS'],
    [`/p/${S}/node1/08000/`, '400 PROXY_BAD_ADDRESS'],
    [`/p/${S}/node1/-80/`, '400 PROXY_BAD_ADDRESS'],
    [`/p/${S}/node1/http/`, '400 PROXY_BAD_ADDRESS'],
    // nodes and sessions
    [`/p/${S}/node0/8000/`, '404 PROXY_NOT_FOUND'],
    [`/p/${S}/node10/8000/`, '404 PROXY_NOT_FOUND'],
    [`/p/${S}/Node1/8000/`, '404 PROXY_NOT_FOUND'],
    [`/p/${S}/host/8000/`, '404 PROXY_NOT_FOUND'],
    [`/p/${S.toUpperCase()}/node1/8000/`, '404 PROXY_NOT_FOUND'],
    [`/p/${S.slice(1)}/node1/8000/`, '404 PROXY_NOT_FOUND'],
    [`/p/${S}0/node1/8000/`, '404 PROXY_NOT_FOUND'],
    [`/p/`, '404 PROXY_NOT_FOUND'],
    [`/p/${S}`, '404 PROXY_NOT_FOUND'],
    [`/p/${S}/node1`, '404 PROXY_NOT_FOUND'],
  ];
  for (const [url, expected] of cases) test(url.replace(S, 'S'), () => assert.equal(view(parseProxyPath(url)), expected));
});

describe('parseProxyHost', () => {
  const cases: [string, string, (readonly string[])?][] = [
    [`${S}-node1-8000.localhost:3000`, 'subdomain S node1 8000 prefix= up='],
    [`${S}-node2-80.pier.example.org`, 'subdomain S node2 80 prefix= up='],
    [`${S.toUpperCase()}-NODE1-8000.LOCALHOST:3000`, 'subdomain S node1 8000 prefix= up='],
    [`${S}-node1-8000.localhost:3000`, 'subdomain S node1 8000 prefix= up=', ['localhost:3000']],
    [`${S}-node1-8000.evil.example:3000`, 'null', ['localhost:3000']],
    // not proxy hosts
    ['localhost:3000', 'null'],
    ['pier.example.org', 'null'],
    [`${S}-node1-8000`, 'null'],
    [`${S}-node1-8000.`, 'null'],
    [`${S}-node1-8000.:3000`, 'null'],
    [`${S}-node1.localhost`, 'null'],
    [`${S.slice(1)}-node1-8000.localhost`, 'null'],
    [`x${S}-node1-8000.localhost`, 'null'],
    ['[::1]:3000', 'null'],
    ['', 'null'],
    // shaped like one, impossible
    [`${S}-node0-8000.localhost`, '404 PROXY_NOT_FOUND'],
    [`${S}-node12-8000.localhost`, '404 PROXY_NOT_FOUND'],
    [`${S}-gateway-8000.localhost`, '404 PROXY_NOT_FOUND'],
    [`${S}-node1-0.localhost`, '400 PROXY_BAD_ADDRESS'],
    [`${S}-node1-65536.localhost`, '400 PROXY_BAD_ADDRESS'],
    [`${S}-node1-08000.localhost`, '400 PROXY_BAD_ADDRESS'],
    [`${S}-node1-9999999999.localhost`, '400 PROXY_BAD_ADDRESS'],
  ];
  for (const [host, expected, baseHosts] of cases) {
    test(`${host.replace(S, 'S').replace(S.toUpperCase(), 'S')}${baseHosts ? ` (base ${baseHosts.join(',')})` : ''}`, () =>
      assert.equal(view(parseProxyHost(host, baseHosts ? { baseHosts } : {})), expected));
  }
});

describe('takeQueryParam', () => {
  const T = 'pier_port_token';
  const cases: [string, string, string[]][] = [
    ['/', '/', []],
    ['/?a=1', '/?a=1', []],
    [`/?${T}=abc.def`, '/', ['abc.def']],
    [`/x/y?${T}=t`, '/x/y', ['t']],
    [`/?a=1&${T}=t&b=%20x+y`, '/?a=1&b=%20x+y', ['t']],
    [`/?${T}=t&a=1`, '/?a=1', ['t']],
    [`/?a=1;${T}=t;b=2`, '/?a=1;b=2', ['t']],
    [`/?${T}=one&${T}=two`, '/', ['one', 'two']],
    // spellings a parser would read as the same name
    [`/?pier%5Fport%5Ftoken=t&a`, '/?a', ['t']],
    [`/?PIER_PORT_TOKEN=t`, '/', ['t']],
    [`/?${T}`, '/', ['']],
    [`/?${T}=a%2Eb`, '/', ['a.b']],
    [`/?${T}=%zz`, '/', ['%zz']],
    // not the name
    [`/?${T}x=t&x${T}=u`, `/?${T}x=t&x${T}=u`, []],
    [`/${T}=t`, `/${T}=t`, []],
  ];
  for (const [target, rest, values] of cases) {
    test(target, () => assert.deepEqual(takeQueryParam(target, T), { target: rest, values }));
  }
});
