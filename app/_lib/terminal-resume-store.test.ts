import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RESUME_KEY_PREFIX,
  RESUME_SNAPSHOT_MAX_CHARS,
  loadTerminalResume,
  pruneTerminalResume,
  saveTerminalResume,
  type KeyValueStorage,
} from './terminal-resume-store';

function memoryStorage(quota = Number.POSITIVE_INFINITY): KeyValueStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get length() {
      return map.size;
    },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => {
      if (v.length > quota) throw new Error('QuotaExceededError');
      map.set(k, v);
    },
    removeItem: (k) => void map.delete(k),
  };
}

test('saves and loads a terminal\'s offset and snapshot', () => {
  const storage = memoryStorage();
  assert.equal(saveTerminalResume('t1', { offset: 42, snapshot: '\x1b[1mhi' }, storage), true);
  assert.deepEqual(loadTerminalResume('t1', storage), { offset: 42, snapshot: '\x1b[1mhi' });
  assert.equal(loadTerminalResume('t2', storage), null);
});

test('corrupt entries are dropped', () => {
  const storage = memoryStorage();
  storage.setItem(RESUME_KEY_PREFIX + 't1', '{"offset":-1,"snapshot":""}');
  storage.setItem(RESUME_KEY_PREFIX + 't2', 'not json');
  assert.equal(loadTerminalResume('t1', storage), null);
  assert.equal(loadTerminalResume('t2', storage), null);
  assert.equal(storage.map.size, 0);
});

test('an oversized snapshot or a full storage removes the stale entry', () => {
  const storage = memoryStorage(100);
  saveTerminalResume('t1', { offset: 1, snapshot: 'a' }, storage);
  assert.equal(saveTerminalResume('t1', { offset: 2, snapshot: 'b'.repeat(200) }, storage), false);
  assert.equal(loadTerminalResume('t1', storage), null);
  const roomy = memoryStorage();
  saveTerminalResume('t1', { offset: 1, snapshot: 'a' }, roomy);
  assert.equal(saveTerminalResume('t1', { offset: 2, snapshot: 'x'.repeat(RESUME_SNAPSHOT_MAX_CHARS + 1) }, roomy), false);
  assert.equal(loadTerminalResume('t1', roomy), null);
});

test('prune keeps only live terminals and other keys', () => {
  const storage = memoryStorage();
  saveTerminalResume('a', { offset: 1, snapshot: '' }, storage);
  saveTerminalResume('b', { offset: 1, snapshot: '' }, storage);
  storage.setItem('other', 'x');
  pruneTerminalResume(['b'], storage);
  assert.deepEqual([...storage.map.keys()].sort(), ['other', RESUME_KEY_PREFIX + 'b'].sort());
});
