// Unit tests of the rendered nftables ruleset (pure; applying it is an integration test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSandboxError } from '../errors.js';
import { renderRuleset, rulesetVersion } from './firewall.js';

const A = 'pierb0123456789';
const B = 'pierbabcdefabcd';

/** The rules of one chain, without comments and blank lines. */
function chain(text: string, name: string): string[] {
  const body = text.split(`chain ${name} {`)[1]?.split('\n\t}')[0] ?? '';
  return body
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

test('nodes reach only their own bridge; the host and other sessions never', () => {
  const text = renderRuleset({ intraPairs: [A] });
  // One transaction that creates, deletes and redefines the table: atomic and idempotent.
  assert.match(text, /^table inet pier \{\}\ndelete table inet pier\ntable inet pier \{\n/m);
  assert.match(text, new RegExp(`elements = \\{ "${A}" \\. "${A}" \\}`));
  assert.deepEqual(chain(text, 'input'), [
    'type filter hook input priority filter; policy accept;',
    'iifname "pierb*" ct state established,related accept',
    'iifname "pierb*" tcp dport @mirror_ports fib daddr . iif type local ct state new accept',
    'iifname "pierb*" drop',
    'iifname != "lo" tcp dport @mirror_ports drop',
  ]);
  assert.deepEqual(chain(text, 'forward').slice(0, 5), [
    'type filter hook forward priority filter; policy accept;',
    'iifname . oifname @intra accept',
    'iifname "pierb*" oifname "pierb*" drop',
    'oifname "pierb*" ct state established,related accept',
    'oifname "pierb*" drop',
  ]);
});

test('outbound is per network: DNS, then private ranges dropped, then @outbound bridges, plus masquerade of @pools', () => {
  const text = renderRuleset({ intraPairs: [A, B], outboundBridges: [A], nameservers: ['10.255.255.53'], pools: ['10.87.0.0/16'] });
  const forward = chain(text, 'forward');
  assert.deepEqual(forward.slice(5), [
    'iifname @outbound ip daddr @nameservers meta l4proto { tcp, udp } th dport 53 accept',
    'iifname "pierb*" ip daddr { 0.0.0.0/8, 10.0.0.0/8, 100.64.0.0/10, 127.0.0.0/8, 169.254.0.0/16, 172.16.0.0/12, 192.168.0.0/16, 224.0.0.0/4, 240.0.0.0/4 } drop',
    'iifname @outbound meta nfproto ipv4 accept',
    'iifname "pierb*" drop',
  ]);
  for (const range of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10', '127.0.0.0/8']) {
    assert.ok(forward.some((r) => r.includes(range) && r.endsWith('drop')), range);
  }
  assert.deepEqual(chain(text, 'postrouting'), [
    'type nat hook postrouting priority srcnat; policy accept;',
    'ip saddr @pools oifname != "pierb*" masquerade',
  ]);
  assert.match(text, new RegExp(`set outbound \\{\\n\\t\\ttype ifname\\n\\t\\telements = \\{ "${A}" \\}`));
  assert.match(text, /set nameservers \{\n\t\ttype ipv4_addr\n\t\telements = \{ 10\.255\.255\.53 \}/);
  assert.match(text, /set pools \{[^}]*elements = \{ 10\.87\.0\.0\/16 \}/);
});

test('the rules are the same whatever a process is configured with: only elements differ', () => {
  const strip = (t: string) => t.split('\n').filter((l) => !l.includes('elements =')).join('\n');
  const a = renderRuleset({ intraPairs: [A], outboundBridges: [A], pools: ['10.87.0.0/16'], nameservers: ['1.1.1.1'] });
  const b = renderRuleset({ intraPairs: [B], pools: ['10.99.0.0/16'] });
  assert.equal(strip(a), strip(b));
  assert.match(a, new RegExp(`comment "pier ${rulesetVersion()}"`));
});

test('only pier bridge names reach the ruleset text', () => {
  for (const bad of ['eth0', 'pierb0123', 'pierb0123456789" accept', 'pierbABCDEFABCD']) {
    assert.throws(() => renderRuleset({ intraPairs: [bad] }), (e) => isSandboxError(e, 'INVALID_ARGUMENT'), bad);
    assert.throws(() => renderRuleset({ outboundBridges: [bad] }), (e) => isSandboxError(e, 'INVALID_ARGUMENT'), bad);
  }
  assert.throws(() => renderRuleset({ pools: ['10.87.0.1/16'] }), (e) => isSandboxError(e, 'INVALID_ARGUMENT'));
});

test('the host image mirror: its ports are set elements, reached only on the arriving bridge\'s own address', () => {
  const text = renderRuleset({ intraPairs: [A], mirrorPorts: [5001, 5001, 4000] });
  assert.match(text, /set mirror_ports \{\n\t\ttype inet_service\n\t\telements = \{ 4000, 5001 \}\n\t\}/);
  const input = chain(text, 'input');
  // Accepted before the bridge's drop, only towards an address of the very interface it came in on.
  const accept = input.indexOf('iifname "pierb*" tcp dport @mirror_ports fib daddr . iif type local ct state new accept');
  assert.ok(accept > 0 && accept < input.indexOf('iifname "pierb*" drop'));
  // The rules do not depend on the ports: every process of one version finds them unchanged.
  assert.equal(rulesetVersion(), rulesetVersion());
  assert.equal(renderRuleset({ mirrorPorts: [1] }).match(/comment "pier ([0-9a-f]+)"/)?.[1], rulesetVersion());
  assert.throws(() => renderRuleset({ mirrorPorts: [0] }), (e) => isSandboxError(e) && e.code === 'INVALID_ARGUMENT');
  assert.throws(() => renderRuleset({ mirrorPorts: [70000] }), (e) => isSandboxError(e) && e.code === 'INVALID_ARGUMENT');
});
