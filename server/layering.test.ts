// The layering checker (scripts/check-layers.sh, .dependency-cruiser.cjs) fails on a
// deliberate violation and passes the same tree without it: a throwaway tree in a temp
// directory, checked with the repository's own rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CRUISER = path.join(REPO, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = path.join(REPO, '.dependency-cruiser.cjs');

/** Writes `files` into a fresh tree and runs the checker there; returns its exit code and output. */
function check(files: Record<string, string>): { code: number | null; out: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-layers-'));
  try {
    const all = { 'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler', strict: true } }), ...files };
    for (const [name, text] of Object.entries(all)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    const dirs = ['app', 'server', 'sandbox', 'cli', 'protocol'].filter((d) => Object.keys(files).some((f) => f.startsWith(`${d}/`)));
    const r = spawnSync(process.execPath, [CRUISER, '--config', CONFIG, '--output-type', 'err', ...dirs], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SANDBOX = {
  'sandbox/index.ts': "export { createDriver } from './runc/driver.js';\n",
  'sandbox/runc/driver.ts': 'export const createDriver = () => 1;\n',
  'protocol/http.ts': 'export const X = 1;\n',
};

test('a tree that keeps the layers passes', () => {
  const r = check({
    ...SANDBOX,
    'server/main.ts': "import { createDriver } from '../sandbox/index.js';\nexport const d = createDriver();\n",
    'app/page.ts': "import { X } from '../protocol/http.js';\nexport const y = X;\n",
  });
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /no dependency violations/);
});

test('server reaching past sandbox/index.ts, app importing server, sandbox importing server: each named', () => {
  const r = check({
    ...SANDBOX,
    'server/main.ts': "import { createDriver } from '../sandbox/runc/driver.js';\nexport const d = createDriver();\n",
    'app/page.ts': "import { d } from '../server/main.js';\nexport const y = d;\n",
    'sandbox/runc/bad.ts': "import { d } from '../../server/main.js';\nexport const z = d;\n",
  });
  assert.notEqual(r.code, 0, `the checker passed a violating tree: ${r.out}`);
  assert.match(r.out, /server-sandbox-via-index: server\/main\.ts → sandbox\/runc\/driver\.ts/);
  assert.match(r.out, /app-only-protocol: app\/page\.ts → server\/main\.ts/);
  assert.match(r.out, /sandbox-stands-alone: sandbox\/runc\/bad\.ts → server\/main\.ts/);
});
