import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNamespaceLink, readNamespaces } from './namespaces.js';

test('namespace links parse into their inode numbers', () => {
  assert.equal(parseNamespaceLink('net:[4026532188]'), 4026532188);
  assert.equal(parseNamespaceLink('pid_for_children:[4026531836]'), 4026531836);
  assert.equal(parseNamespaceLink(''), null);
  assert.equal(parseNamespaceLink('net:4026532188'), null);
});

test("this process's namespaces are read, the net one among them", async () => {
  const ns = await readNamespaces(process.pid);
  assert.equal(typeof ns.net, 'number');
  assert.deepEqual(await readNamespaces(2 ** 22 + 12345), {}, 'a pid that does not exist has none');
});
