// Issue 15, acceptance 1: one test per importer bug (1–11) and per runtime/report point
// that needs no sandbox (12–14), each from a minimal scenario written here for the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importScenario, type ImportReport } from './index.js';
import { loadLesson } from '../load.js';
import { lintLesson } from '../lint.js';
import { renderLesson } from '../render.js';
import { writeScript } from '../runner/write.js';
import type { LoadedLesson } from '../model.js';

const work = mkdtempSync(path.join(tmpdir(), 'pier-import-bugs-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

let counter = 0;
/** Writes a scenario (index.json + files), imports it, and loads the result. */
function imported(index: Record<string, unknown>, files: Record<string, string>): { report: ImportReport; lesson: LoadedLesson; read: (rel: string) => string } {
  const name = `s${++counter}`;
  const src = path.join(work, 'src', name);
  for (const [rel, text] of Object.entries({ 'index.json': JSON.stringify(index, null, 2), ...files })) {
    mkdirSync(path.dirname(path.join(src, rel)), { recursive: true });
    writeFileSync(path.join(src, rel), text);
  }
  const report = importScenario(src, path.join(work, 'out', name));
  const { lesson, problems } = loadLesson(report.dest);
  assert.ok(lesson, JSON.stringify(problems));
  return { report, lesson, read: (rel) => readFileSync(path.join(report.dest, rel), 'utf8') };
}

const oneStep = (text: string, extra: Record<string, unknown> = {}) => ({
  title: 'T',
  description: 'D',
  time: 5,
  details: { steps: [{ title: 'S', text: 'step1.md', verify: 'verify.sh' }] },
  ...extra,
});
const VERIFY = { 'verify.sh': '#!/bin/bash\ntest -f /root/x || { echo "FAIL: no /root/x"; exit 1; }\n' };
const bashN = (script: string) => spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' }).status;

test('bug 1: fences pair as Markdown pairs them; plain blocks and prose between exec blocks stay out of the solution', () => {
  const { read } = imported(oneStep('x'), {
    ...VERIFY,
    'step1.md': 'Run:\n\n```\ntouch /root/x\n```{{exec}}\n\nOutput looks like:\n\n```\n-rw-r--r-- 1 root root 0 x\n(not a command)\n```\n\nThen:\n\n```\nls -l /root/x\n```{{exec}}\n',
  });
  const solution = read('step1.solution.sh');
  assert.equal(bashN(solution), 0, solution);
  assert.match(solution, /^touch \/root\/x$/m);
  assert.match(solution, /^ls -l \/root\/x$/m);
  assert.doesNotMatch(solution, /not a command|Output looks like|-rw-r--r--/);
});

test('bug 2: every exec and write replays in order, without set -e; expected failures and alternatives are tolerated; the solution is listed for review', () => {
  const { read, report } = imported(oneStep('x'), {
    ...VERIFY,
    'step1.md': [
      'This fails, the file is not there yet: `cat /root/x`{{exec}}',
      '',
      '<pre class="file" data-filename="/root/x" data-target="replace">one</pre>',
      '',
      'Either `echo two >> /root/x`{{exec}} or `printf "two\\n" >> /root/x`{{exec}}',
      '',
      '`grep -q one /root/x`{{exec}}',
    ].join('\n'),
  });
  const s = read('step1.solution.sh');
  assert.doesNotMatch(s, /^set -e/m);
  const order = ['cat /root/x', "cat > '/root/x' <<'PIER_EOF", 'echo two >> /root/x', 'printf "two\\n" >> /root/x', 'grep -q one /root/x'].map((c) => s.indexOf(c));
  assert.ok(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!)), `in order: ${order}\n${s}`);
  assert.match(s, /\{\ncat \/root\/x\n\} <\/dev\/null \|\| true/, 'the failure the text announces is tolerated');
  assert.match(s, /\{\ngrep -q one \/root\/x\n\} <\/dev\/null \|\| pier_failed 'step1\.md:9' \$\?/, 'any other failure stops the script at its line');
  const ran = spawnSync('bash', ['-c', s.replace(/\/root\/x/g, path.join(work, 'b2.txt')).replace('cd /root', `cd ${work}`)], { encoding: 'utf8' });
  assert.equal(ran.status, 0, ran.stderr);
  assert.equal(readFileSync(path.join(work, 'b2.txt'), 'utf8'), 'one\ntwo\ntwo\n');
  assert.ok(report.review.some((r) => /^step1\.solution\.sh: generated from the 5 action\(s\) of step1\.md; review it/.test(r)), report.review.join('\n'));
  assert.ok(report.review.some((r) => /^step1\.md:1: .*ignores this command's exit status/.test(r)));
});

test('bug 3: an empty {{}} after inline code is removed and reported at its line', () => {
  const { lesson, report } = imported(oneStep('x'), { ...VERIFY, 'step1.md': 'Intro.\n\nThe `ls`{{}} command lists. `touch /root/x`{{exec}}\n' });
  assert.doesNotMatch(lesson.steps[0]!.markdown.en, /\{\{\}\}/);
  assert.doesNotMatch(renderLesson(lesson, 'en').steps[0]!.html, /\{\{/);
  assert.ok(report.notes.includes('step1.md:3: an empty {{}} after code was removed'), report.notes.join('\n'));
});

test("bug 4: {{TRAFFIC_SELECTOR}} points at pier's port list, not a broken asset link", () => {
  const { lesson, report } = imported(oneStep('x'), { ...VERIFY, 'step1.md': 'Pick port 80 in {{TRAFFIC_SELECTOR}}.\n\n`touch /root/x`{{exec}}\n' });
  const html = renderLesson(lesson, 'en').steps[0]!.html;
  assert.match(html, /<strong>Open ports<\/strong> list beside the terminal/);
  assert.doesNotMatch(html, /TRAFFIC_SELECTOR|\/assets\//);
  assert.ok(report.notes.some((n) => /^step1\.md:1: \{\{TRAFFIC_SELECTOR\}\} became/.test(n)));
  assert.equal(report.lint.problems.length, 0);
});

test('bug 5: finish background and foreground scripts are reported, not dropped silently', () => {
  const { report } = imported(oneStep('x', { details: { steps: [{ title: 'S', text: 'step1.md', verify: 'verify.sh' }], finish: { text: 'finish.md', background: 'fin-bg.sh', foreground: 'fin-fg.sh' } } }), {
    ...VERIFY,
    'step1.md': '`touch /root/x`{{exec}}\n',
    'finish.md': 'bye\n',
    'fin-bg.sh': 'true\n',
    'fin-fg.sh': 'true\n',
  });
  assert.ok(report.unsupported.some((u) => /^index\.json:\d+: the finish background script fin-bg\.sh is not run/.test(u)), report.unsupported.join('\n'));
  assert.ok(report.unsupported.some((u) => /^index\.json:\d+: the finish foreground script fin-fg\.sh is not run/.test(u)));
});

test('bug 6: a Katacoda answer is shown with Solve', () => {
  const { lesson, report } = imported(oneStep('x', { details: { steps: [{ title: 'S', text: 'step1.md', verify: 'verify.sh', answer: 'answer.md' }] } }), {
    ...VERIFY,
    'step1.md': '`touch /root/x`{{execute}}\n',
    'answer.md': 'Use `touch`.\n',
  });
  assert.equal(lesson.meta.solve, true);
  assert.match(renderLesson(lesson, 'en').steps[0]!.solutionHtml ?? '', /Use <code>touch<\/code>/);
  assert.ok(report.notes.some((n) => /answer answer\.md became step1\.solution\.md, shown with Solve/.test(n)));
});

test('bug 7: editor blocks become write actions (replace, append) or copy (clipboard), rendered with their file', () => {
  const { lesson, report } = imported(oneStep('x'), {
    ...VERIFY,
    'step1.md':
      '<pre class="file" data-filename="app.py" data-target="replace">print(&quot;a &lt; b&quot;)\n</pre>\n\n<pre class="file" data-filename="/etc/app.conf" data-target="append">x=1</pre>\n\n<pre class="file" data-target="clipboard">note</pre>\n\n`touch /root/x`{{execute}}\n',
  });
  const html = renderLesson(lesson, 'en').steps[0]!.html;
  assert.match(html, /<pre data-pier-action="write" data-pier-file="\/root\/app\.py" data-pier-mode="replace" data-pier-index="0"><code>print\("a &#x3C; b"\)\n<\/code><\/pre>/);
  assert.match(html, /<pre data-pier-action="write" data-pier-file="\/etc\/app\.conf" data-pier-mode="append" data-pier-index="1"><code>x=1\n<\/code><\/pre>/);
  assert.match(html, /<pre data-pier-action="copy"><code>note\n<\/code><\/pre>/);
  assert.equal(report.lint.problems.length, 0, JSON.stringify(report.lint.problems));
  // The write script carries the text exactly, whatever it holds.
  const file = path.join(work, 'b7', 'sub', 'out.txt');
  const text = "quote ' dollar $HOME `tick` PIER_WRITE_EOF\n";
  for (const mode of ['replace', 'append', 'append'] as const) assert.equal(spawnSync('bash', [], { input: writeScript({ file, mode, text }) }).status, 0);
  assert.equal(readFileSync(file, 'utf8'), text.repeat(3));
});

test('bug 8: foreground scripts keep (or get) their executable bit; lint does not warn', () => {
  const { lesson, report } = imported(oneStep('x', { details: { intro: { text: 'intro.md', foreground: 'fg.sh' }, steps: [{ title: 'S', text: 'step1.md', verify: 'verify.sh' }] } }), {
    ...VERIFY,
    'intro.md': 'hi\n',
    'fg.sh': 'echo hi\n',
    'step1.md': '`touch /root/x`{{exec}}\n',
  });
  assert.ok(statSync(lesson.steps[0]!.foregroundPath!).mode & 0o100);
  assert.deepEqual(report.lint.problems, []);
});

test('bug 9: lint does not call a step file unused when a step names it in text:', () => {
  const { report } = imported(
    { title: 'T', description: 'D', time: 5, details: { steps: [{ title: 'A', text: 'step3.md', verify: 'va.sh' }, { title: 'B', text: 'step1.md' }] } },
    { 'step3.md': '`touch /root/x`{{exec}}\n', 'step1.md': 'read\n', 'va.sh': VERIFY['verify.sh'] },
  );
  assert.deepEqual(report.lint.problems, []);
  const dir = path.join(work, 'b9');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'lesson.md'), '---\ntitle: T\ndescription: D\ntime: 1\nsteps:\n  - title: A\n---\n');
  writeFileSync(path.join(dir, 'step1.md'), 'x\n');
  writeFileSync(path.join(dir, 'step2.md'), 'forgotten\n');
  assert.deepEqual(lintLesson(dir).problems.map((p) => `${p.file} ${p.message}`), ['step2.md is not used: lesson.md lists 1 step(s)'], 'a file no step names still warns');
});

test('bug 11: Killercoda with difficulty and time stays Killercoda; Easy maps; credits kept; challenge checks watch; own-repo images use the copy', () => {
  const { report, lesson } = imported(
    {
      type: 'challenge@1.0',
      title: 'T',
      description: 'D',
      difficulty: 'Easy',
      time: '20 minutes',
      credits: 'Made by the tests',
      details: { intro: { text: 'intro.md' }, steps: [{ title: 'S', text: 'step1/text.md', verify: 'verify.sh' }] },
    },
    {
      ...VERIFY,
      'intro.md': '![pic](https://raw.githubusercontent.com/someone/repo/main/sc/images/p.png)\n',
      'images/p.png': 'png',
      'step1/text.md': '![pic](https://raw.githubusercontent.com/someone/repo/main/sc/images/p.png)\n\n`touch /root/x`{{exec}}\n',
    },
  );
  assert.equal(report.flavor, 'killercoda');
  assert.equal(lesson.meta.difficulty, 'beginner');
  assert.equal(lesson.meta.time, 20);
  assert.match(lesson.intro.en, /\*Credits: Made by the tests\*/);
  assert.equal(lesson.steps[0]!.watch, true);
  const view = renderLesson(lesson, 'en');
  assert.match(view.introHtml, new RegExp(`<img src="/api/lessons/${path.basename(report.dest)}/assets/images/p\\.png"`));
  assert.match(view.steps[0]!.html, new RegExp(`<img src="/api/lessons/${path.basename(report.dest)}/assets/images/p\\.png"`));
  assert.deepEqual(report.lint.problems, []);
});

test('point 12: an intro background becomes the best-effort lesson background, not the strict setup', () => {
  const { lesson, report } = imported(oneStep('x', { details: { intro: { text: 'intro.md', background: 'bg.sh' }, steps: [{ title: 'S', text: 'step1.md', verify: 'verify.sh' }] } }), {
    ...VERIFY,
    'intro.md': 'hi\n',
    'bg.sh': '#!/bin/bash\nfalse\n',
    'step1.md': '`touch /root/x`{{exec}}\n',
  });
  assert.equal(lesson.setupPath, undefined);
  assert.equal(lesson.meta.background, 'bg.sh');
  assert.equal(lesson.backgroundPath, path.join(report.dest, 'bg.sh'));
});

test('point 13: lint names each construct pier cannot honour at its file and line', () => {
  const { report } = imported(oneStep('x', { details: { intro: { text: 'intro.md', background: 'bg.sh' }, steps: [{ title: 'S', text: 'step1.md', verify: 'verify.sh' }] } }), {
    ...VERIFY,
    'intro.md': 'hi\n',
    'bg.sh': '#!/bin/bash\n# comments are fine: systemctl\napt-get install -y tree\nwget https://example.org/x.tgz\necho > /sys/fs/cgroup/cgroup.subtree_control\n',
    'step1.md': '`systemctl start nginx`{{exec}}\n\n```\nlosetup -f disk.img\n```{{exec}}\n\n`docker run --rm ghcr.io/acme/tool:1`{{exec}}\n\n`echo {} > /etc/docker/daemon.json && touch /root/x`{{exec}}\n\n`kubectl get pods`{{exec}}\n',
  });
  const got = report.lint.problems.filter((p) => p.file !== 'step1.solution.sh').map((p) => `${p.file}:${p.line}: ${p.message.split(':')[0]}`);
  assert.deepEqual(got, [
    'bg.sh:3: pier cannot honour package install',
    'bg.sh:4: pier cannot honour download',
    'bg.sh:5: pier cannot honour host cgroups',
    'step1.md:1: pier cannot honour systemctl',
    'step1.md:4: pier cannot honour block devices / LVM',
    'step1.md:7: pier cannot honour image ghcr.io/acme/tool',
    'step1.md:9: pier cannot honour /etc/docker/daemon.json',
    'step1.md:11: pier cannot honour Kubernetes',
  ]);
  assert.ok(report.unsupported.includes('step1.md:1: systemctl: nodes do not run systemd: start services directly (setsid -f NAME …) and read their logs from files'), report.unsupported.join('\n'));
  assert.equal(lintLesson(report.dest, { outbound: true }).problems.filter((p) => /package install|download|image/.test(p.message)).length, 0, 'installs, downloads and images are fine with internet');
});

test('point 14: the Katacoda working folder maps to /root in text, scripts, assets and editor blocks', () => {
  const { lesson, read } = imported(
    oneStep('x', { details: { steps: [{ title: 'S', text: 'step1.md', verify: 'verify.sh' }], assets: { client: [{ file: 'a.txt', target: '/home/scrapbook/tutorial/data' }] } } }),
    {
      'verify.sh': '#!/bin/bash\ntest -f /home/scrapbook/tutorial/x\n',
      'assets/a.txt': 'a\n',
      'step1.md': '`cd /home/scrapbook/tutorial && touch x`{{execute}}\n\n<pre class="file" data-filename="notes.txt">n</pre>\n',
    },
  );
  assert.equal(read('verify.sh'), '#!/bin/bash\ntest -f /root/x\n');
  assert.match(lesson.steps[0]!.markdown.en, /`cd \/root && touch x`\{\{execute\}\}/);
  assert.match(lesson.steps[0]!.markdown.en, /\{\{write \/root\/notes\.txt\}\}/);
  assert.deepEqual(lesson.meta.assets, [{ from: 'assets/a.txt', to: '/root/data/a.txt', node: 'node1' }]);
});

test('bug 2: a command alone in its paragraph takes the paragraph that introduces it ("either with …:", "or with …:")', () => {
  const { read } = imported(oneStep('x'), {
    ...VERIFY,
    'step1.md': 'Make it, either with touch:\n\n`touch /root/x`{{exec}}\n\nor with install:\n\n`install -m 644 /dev/null /root/x`{{exec}}\n\nThen look:\n\n`ls /root/x`{{exec}}\n',
  });
  const s = read('step1.solution.sh');
  assert.match(s, /\{\ntouch \/root\/x\n\} <\/dev\/null \|\| true/);
  assert.match(s, /\{\ninstall -m 644 \/dev\/null \/root\/x\n\} <\/dev\/null \|\| true/);
  assert.match(s, /\{\nls \/root\/x\n\} <\/dev\/null \|\| pier_failed 'step1\.md:11' \$\?/, 'a plain "Then look:" does not make a command optional');
});
