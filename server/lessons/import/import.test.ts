// Acceptance 4: `pier lesson import` converts Killercoda scenarios shaped like the
// scenario-examples (a Linux walk-through, verification, foreground/background scripts,
// code actions) and a Katacoda scenario; the imported lessons pass `pier lesson lint`, and
// what could not be mapped is reported. The fixtures are written here, in our own words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ImportError, importScenario } from './index.js';
import { loadLesson } from '../load.js';
import { renderLesson } from '../render.js';

const work = mkdtempSync(path.join(tmpdir(), 'pier-import-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

function scenario(name: string, index: unknown, files: Record<string, string>): string {
  const dir = path.join(work, 'src', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'index.json'), JSON.stringify(index, null, 2));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const dest = (id: string) => path.join(work, 'out', id);

test('a Killercoda Linux walk-through with step folders and verify scripts imports and lints clean', () => {
  const src = scenario(
    'learning-linux',
    {
      title: 'Linux basics',
      description: 'Files, folders and permissions',
      details: {
        intro: { text: 'intro.md' },
        steps: [
          { title: 'Make a folder', text: 'step1/text.md', verify: 'step1/verify.sh' },
          { title: 'Write a file', text: 'step2/text.md', verify: 'step2/verify.sh' },
          { title: 'Look around', text: 'step3/text.md' },
        ],
        finish: { text: 'finish.md' },
      },
      backend: { imageid: 'ubuntu' },
    },
    {
      'intro.md': '# Welcome\n\nWe will make a folder and a file.\n',
      'step1/text.md': 'Make the folder:\n\n`mkdir -p /root/work`{{exec}}\n',
      'step1/verify.sh': '#!/bin/bash\ntest -d /root/work\n',
      'step2/text.md': 'Write into it:\n\n```\necho notes > /root/work/notes.txt\n```{{exec}}\n\nStop a running program first if you need: `top`{{exec interrupt}}\n',
      'step2/verify.sh': '#!/bin/bash\ngrep -q notes /root/work/notes.txt\n',
      'step3/text.md': 'Copy this path: `/root/work`{{copy}}\n',
      'finish.md': 'All done.\n',
    },
  );
  const report = importScenario(src, dest('learning-linux'));
  assert.equal(report.flavor, 'killercoda');
  assert.equal(report.steps, 3);
  assert.deepEqual(report.lint.problems, [], JSON.stringify(report.lint.problems, null, 2));
  const { lesson } = loadLesson(report.dest);
  assert.ok(lesson);
  assert.equal(lesson.meta.title, 'Linux basics');
  assert.equal(lesson.steps[0]!.checkPath, path.join(report.dest, 'step1/verify.sh'));
  assert.ok(statSync(lesson.steps[0]!.checkPath!).mode & 0o100, 'checks are executable');
  // No solution in Killercoda: generated from the step's {{exec}} commands, and said so.
  assert.match(readFileSync(lesson.steps[0]!.solutionPath!, 'utf8'), /^\{\nmkdir -p \/root\/work\n\} <\/dev\/null \|\| pier_failed 'step1\/text\.md:3' \$\?$/m);
  assert.match(readFileSync(lesson.steps[1]!.solutionPath!, 'utf8'), /^echo notes > \/root\/work\/notes\.txt$/m);
  assert.match(readFileSync(lesson.steps[1]!.solutionPath!, 'utf8'), /^# top$/m, 'an interactive program is left as a comment');
  assert.ok(report.review.some((n) => /^step1\.solution\.sh: generated from the 1 action\(s\) of step1\/text\.md/.test(n)), report.review.join('\n'));
  assert.ok(report.notes.some((n) => /backend image "ubuntu"/.test(n)));
  assert.equal(lesson.steps[2]!.checkPath, undefined);
  assert.match(lesson.intro.en, /# Welcome/);
  assert.equal(lesson.finish.en, 'All done.\n');
  const view = renderLesson(lesson, 'en');
  assert.match(view.steps[0]!.html, /<code data-pier-action="exec">mkdir -p \/root\/work<\/code>/);
  assert.match(view.steps[1]!.html, /<pre data-pier-action="exec"><code>echo notes/);
  assert.match(view.steps[1]!.html, /<code data-pier-action="exec" data-pier-interrupt="">top<\/code>/);
  assert.match(view.steps[2]!.html, /<code data-pier-action="copy">\/root\/work<\/code>/);
});

test('Killercoda verification, foreground/background scripts and assets map onto the lesson', () => {
  const src = scenario(
    'foreground-background',
    {
      title: 'Scripts that run for you',
      description: 'A background setup, a foreground greeting and an app file',
      details: {
        intro: { text: 'intro.md', background: 'setup-bg.sh', foreground: 'greet-fg.sh' },
        steps: [
          { title: 'Start the app', text: 'step1/text.md', verify: 'step1/verify.sh', background: 'step1/background.sh' },
          { title: 'Reach it from node 2', text: 'step2/text.md', verify: 'step2/verify.sh', foreground: 'step2/foreground.sh' },
        ],
        finish: { text: 'done.md' },
        assets: {
          host01: [{ file: 'app/*', target: '~/app', chmod: '+x' }],
          host02: [{ file: 'client.sh', target: '/usr/local/bin' }],
          host09: [{ file: 'client.sh', target: '/tmp' }],
        },
      },
      backend: { imageid: 'ubuntu-2nodes' },
      interface: { layout: 'ide' },
    },
    {
      'intro.md': 'Setup runs in the background.\n',
      'setup-bg.sh': '#!/bin/bash\nmkdir -p /opt/ready\ntouch /tmp/finished\n',
      'greet-fg.sh': '#!/bin/bash\nwhile [ ! -f /tmp/finished ]; do sleep 1; done\necho ready\n',
      'step1/text.md': 'Start it: `/root/app/serve.sh &`{{exec}}\n\nOpen [the app]({{TRAFFIC_HOST1_8000}}).\n',
      'step1/verify.sh': '#!/bin/bash\npgrep -f serve.sh >/dev/null\n',
      'step1/background.sh': '#!/bin/bash\necho opened >> /tmp/log\n',
      'step2/text.md': '`client.sh node1`{{execute HOST2}}\n',
      'step2/verify.sh': '#!/bin/bash\ntest -f /tmp/reached\n',
      'step2/foreground.sh': 'clear\n',
      'done.md': 'Finished.\n',
      'assets/app/serve.sh': '#!/bin/bash\nwhile true; do sleep 1; done\n',
      'assets/app/README': 'the app\n',
      'assets/client.sh': '#!/bin/bash\necho reached > /tmp/reached\n',
    },
  );
  chmodSync(path.join(src, 'step1/verify.sh'), 0o644); // imported checks get made executable
  const report = importScenario(src, dest('foreground-background'));
  assert.deepEqual(report.lint.problems.filter((p) => p.severity === 'error'), [], JSON.stringify(report.lint.problems, null, 2));
  const { lesson } = loadLesson(report.dest);
  assert.ok(lesson);
  assert.equal(lesson.meta.nodes, 2);
  assert.equal(lesson.setupPath, undefined, 'a Killercoda background is not a strict setup script');
  assert.equal(lesson.backgroundPath, path.join(report.dest, 'setup-bg.sh'));
  assert.ok(statSync(lesson.steps[1]!.foregroundPath!).mode & 0o100, 'foreground scripts are executable');
  assert.equal(lesson.steps[0]!.foregroundPath, path.join(report.dest, 'greet-fg.sh'), 'the intro foreground runs when step 1 opens');
  assert.equal(lesson.steps[0]!.backgroundPath, path.join(report.dest, 'step1/background.sh'));
  assert.equal(lesson.steps[1]!.foregroundPath, path.join(report.dest, 'step2/foreground.sh'));
  assert.deepEqual(lesson.meta.assets, [
    { from: 'assets/app/README', to: '/root/app/README', mode: '0755', node: 'node1' },
    { from: 'assets/app/serve.sh', to: '/root/app/serve.sh', mode: '0755', node: 'node1' },
    { from: 'assets/client.sh', to: '/usr/local/bin/client.sh', node: 'node2' },
  ]);
  assert.equal(lesson.finish.en, 'Finished.\n');
  for (const want of [/assets for "host09"/, /best-effort/, /backend image "ubuntu-2nodes"/]) {
    assert.ok(report.notes.some((n) => want.test(n)), `${want}\n${report.notes.join('\n')}`);
  }
  assert.ok(report.unsupported.some((n) => /^index\.json:\d+: "interface" asks for an IDE\/editor tab/.test(n)), report.unsupported.join('\n'));
  const view = renderLesson(lesson, 'en');
  assert.match(view.steps[0]!.html, /<a data-pier-port="8000" data-pier-node="node1">the app<\/a>/);
  assert.match(view.steps[1]!.html, /<code data-pier-action="exec" data-pier-node="node2">client\.sh node1<\/code>/);
});

test('a Katacoda scenario: courseData/code/answer, time, difficulty, {{execute}} forms, port URLs; unmappable parts reported', () => {
  const src = scenario(
    'katacoda-docker',
    {
      title: 'Run a web server',
      description: 'Start nginx in a container',
      difficulty: 'Beginner',
      time: '15 minutes',
      details: {
        intro: { text: 'intro.md', courseData: 'env-init.sh', code: 'wait.sh' },
        steps: [
          { title: 'Run it', text: 'step1.md', answer: 'step1-answer.md', verify: 'step1-verify.sh' },
          { title: 'Clean up', text: 'step2.md', courseData: 'step2-bg.sh' },
        ],
        finish: { text: 'finish.md' },
        assets: { client: [{ file: 'index.html', target: '~/site/' }] },
      },
      environment: { uilayout: 'terminal-terminal', showdashboard: true },
      backend: { imageid: 'docker' },
    },
    {
      'intro.md': 'We use docker here.\n',
      'env-init.sh': '#!/bin/bash\ntrue\n',
      'wait.sh': 'echo waiting\n',
      'step1.md': [
        'Open the page file: `~/site/index.html`{{open}}',
        '',
        '`docker run -d -p 80:80 --name web nginx`{{execute T1}}',
        '',
        'Watch the logs in a second terminal: `docker logs -f web`{{execute T2}}',
        '',
        'Stop following: `^C`{{execute ctrl-seq}} or `clear`{{execute interrupt}}; type without Enter: `docker ps`{{execute no-newline}}',
        '',
        'Then visit https://[[HOST_SUBDOMAIN]]-80-[[KATACODA_HOST]].environments.katacoda.com/ and `x`{{execute sideways}}',
        '',
        "```\ndocker inspect -f '{{.State.Running}}' web\n```",
      ].join('\n'),
      'step1-answer.md': 'Run `docker run -d -p 80:80 --name web nginx`{{execute}}\n',
      'step1-verify.sh': '#!/bin/bash\ndocker ps | grep -q web\n',
      'step2.md': '`docker rm -f web`{{execute}}\n',
      'step2-bg.sh': '#!/bin/bash\ntrue\n',
      'finish.md': 'Done.\n',
      'assets/index.html': '<h1>hi</h1>\n',
    },
  );
  symlinkSync('/etc/passwd', path.join(src, 'leak'));
  const report = importScenario(src, dest('katacoda-docker'));
  assert.equal(report.flavor, 'katacoda');
  assert.deepEqual(report.lint.problems.filter((p) => p.severity === 'error'), [], JSON.stringify(report.lint.problems, null, 2));
  const { lesson } = loadLesson(report.dest);
  assert.ok(lesson);
  assert.equal(lesson.meta.time, 15);
  assert.equal(lesson.meta.difficulty, 'beginner');
  assert.deepEqual(lesson.meta.requires, ['docker']);
  assert.equal(lesson.backgroundPath, path.join(report.dest, 'env-init.sh'));
  assert.equal(lesson.meta.solve, true, 'answers are shown with Solve');
  assert.equal(lesson.steps[0]!.foregroundPath, path.join(report.dest, 'wait.sh'));
  assert.equal(lesson.steps[1]!.backgroundPath, path.join(report.dest, 'step2-bg.sh'));
  assert.match(lesson.steps[0]!.solutionMarkdown!.en, /docker run -d -p 80:80/);
  assert.deepEqual(lesson.meta.assets, [{ from: 'assets/index.html', to: '/root/site/index.html', node: 'node1' }]);
  assert.equal(existsSync(path.join(report.dest, 'leak')), false, 'symlinks are not copied');
  const md = lesson.steps[0]!.markdown.en;
  assert.doesNotMatch(md, /\{\{open\}\}|\{\{execute sideways\}\}|\[\[HOST_SUBDOMAIN\]\]/);
  assert.match(md, /\{\{TRAFFIC_HOST1_80\}\}/);
  assert.match(md, /'\{\{\.State\.Running\}\}'/, 'braces inside code are untouched');
  for (const want of [/"environment"/, /leak: a symbolic link/, /requires: \[docker\]/]) {
    assert.ok(report.notes.some((n) => want.test(n)), `${want}\n${report.notes.join('\n')}`);
  }
  for (const want of [/^step1\.md:1: \{\{open\}\}/, /^step1\.md:9: the action \{\{execute sideways\}\}/]) {
    assert.ok(report.unsupported.some((n) => want.test(n)), `${want}\n${report.unsupported.join('\n')}`);
  }
  const html = renderLesson(lesson, 'en').steps[0]!.html;
  assert.match(html, /<code data-pier-action="exec" data-pier-terminal="1">docker run/);
  assert.match(html, /<code data-pier-action="exec" data-pier-terminal="2">docker logs -f web<\/code>/);
  assert.match(html, /<code data-pier-action="exec" data-pier-ctrl-seq="">\^C<\/code>/);
  assert.match(html, /<code data-pier-action="exec" data-pier-interrupt="">clear<\/code>/);
  assert.match(html, /<code data-pier-action="exec" data-pier-no-newline="">docker ps<\/code>/);
  assert.match(html, /<a data-pier-port="80" data-pier-node="node1">node1:80<\/a>/);
  // The generated solution leaves out ctrl-seq keys.
  assert.doesNotMatch(readFileSync(lesson.steps[0]!.solutionPath!, 'utf8'), /\^C/);
});

test('import refuses a folder without index.json, an existing destination and a bad lesson id', () => {
  mkdirSync(path.join(work, 'src', 'empty'), { recursive: true });
  assert.throws(() => importScenario(path.join(work, 'src', 'empty'), dest('x1')), (e: unknown) => e instanceof ImportError && e.code === 'NO_INDEX');
  const src = scenario('tiny', { title: 'Tiny', details: { steps: [{ title: 'One', text: 'step1.md' }] } }, { 'step1.md': 'hi' });
  mkdirSync(dest('taken'), { recursive: true });
  assert.throws(() => importScenario(src, dest('taken')), (e: unknown) => e instanceof ImportError && e.code === 'DEST_EXISTS');
  assert.throws(() => importScenario(src, dest('Not An Id')), (e: unknown) => e instanceof ImportError && e.code === 'BAD_DEST');
  const ok = importScenario(src, dest('tiny'));
  assert.equal(ok.lint.errors, 0, JSON.stringify(ok.lint.problems));
  assert.ok(ok.notes.some((n) => /no time/.test(n)));
});

test('pier lesson import on the command line prints the report, and pier lesson lint accepts the result', () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const src = scenario('cli-run', { title: 'CLI', details: { intro: { text: 'intro.md' }, steps: [{ title: 'One', text: 'step1/text.md', verify: 'step1/verify.sh' }] } }, {
    'intro.md': 'hi',
    'step1/text.md': '`touch /tmp/done`{{exec}} then `x`{{open}}',
    'step1/verify.sh': '#!/bin/bash\ntest -f /tmp/done\n',
  });
  const pier = (...args: string[]) => {
    const script = `const { main } = await import(${JSON.stringify(path.join(root, 'cli/main.ts'))}); process.exitCode = await main(process.argv.slice(1));`;
    return spawnSync(process.execPath, ['--import', path.join(root, 'node_modules/tsx/dist/esm/index.mjs'), '--input-type=module', '-e', script, ...args], { encoding: 'utf8', timeout: 60_000 });
  };
  const imported = pier('lesson', 'import', src, dest('cli-run'));
  assert.equal(imported.status, 0, imported.stdout + imported.stderr);
  assert.match(imported.stdout, /imported a killercoda scenario with 1 step\(s\)/);
  assert.match(imported.stdout, /unsupported: pier cannot honour these[^\n]*\n  - step1\/text\.md:1: \{\{open\}\} opens a file in an IDE\/editor tab/);
  assert.match(imported.stdout, /lint: 0 error\(s\)/);
  const lint = pier('lesson', 'lint', dest('cli-run'));
  assert.equal(lint.status, 0, lint.stdout + lint.stderr);
});
