// pier lesson: write, check and import lessons. `new` scaffolds a lesson that passes lint,
// `lint` prints located problems (file:line:col: … (fix: …)), `import` converts Killercoda
// and Katacoda scenarios, `test` replays lessons in real sandboxes (cli/commands/lesson-test.ts).
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../main.js';
import { formatProblem, isLessonDir } from '../../server/lessons/load.js';
import { lintLesson } from '../../server/lessons/lint.js';
import { ImportError, importScenario, lessonIdFrom, type ImportReport } from '../../server/lessons/import/index.js';
import { loadConfig } from '../../server/config.js';

const HELP = {
  lesson: `usage: pier lesson <new|lint|test|import> …

  new NAME          create the lesson folder NAME (its last part is the lesson id)
  lint DIR…         check lesson folders (or folders of lessons); exit 1 on errors
  test DIR…         replay lessons in real sandboxes: each check fails, then passes after the solution
  import SRC DEST   convert a Killercoda or Katacoda scenario (index.json) into a lesson folder

The format: docs/LESSON-FORMAT.md. Run \`pier lesson <command> --help\` for options.`,
  new: `usage: pier lesson new [--title TEXT] NAME

Creates the folder NAME with a one-step lesson (lesson.md, lesson.ko.md, step1.md, its check
and solution, finish.md) that passes \`pier lesson lint\`. The folder name is the lesson id:
lowercase letters, digits and dashes; in lessons/ its order prefix sets the course order
(e.g. lessons/11-my-topic).`,
  lint: `usage: pier lesson lint [--quiet] DIR…

Checks each lesson folder (a folder holding lesson.md; a folder of lessons checks each) and
prints one line per problem: file:line:col: error|warning: what (fix: how).
Exit code 1 when any lesson has an error, 0 otherwise.

  --quiet   print errors only`,
  import: `usage: pier lesson import SRC DEST

Converts the Killercoda or Katacoda scenario in SRC (a folder with index.json) into a new
lesson folder DEST and lints the result. The report lists, each at its file and line: what
pier cannot honour (unsupported), the generated solutions to review, and every mapping that
changed or guessed something.
Exit code 0 when the imported lesson lints clean (no error, no warning), 1 otherwise.`,
};

/** `pier lesson <new|lint|test|import>` */
export async function lessonCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    console.log(HELP.lesson);
    return sub === undefined ? 2 : 0;
  }
  switch (sub) {
    case 'new':
      return newCommand(rest);
    case 'lint':
      return lintCommand(rest);
    case 'import':
      return importCommand(rest);
    case 'test': {
      const { runLessonTests } = await import('./lesson-test.js');
      return runLessonTests(rest);
    }
    default:
      throw new UsageError(`unknown subcommand "${sub}"\n\n${HELP.lesson}`);
  }
}

function parse(argv: string[], options: Record<string, { type: 'boolean' | 'string' }>, help: string): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${help}`);
  }
}

/** The files of a new lesson. */
function scaffold(title: string): Record<string, string> {
  return {
    'lesson.md': `---
title: ${JSON.stringify(title)}
description: One sentence on what the student learns.
difficulty: beginner
time: 10
steps:
  - title: Create a file
---
# ${title}

What this lesson is about, and what the student will have done at the end.
`,
    'lesson.ko.md': `---
title: ${JSON.stringify(title)}
---
# ${title}

이 레슨에서 배우는 내용을 적으세요.
`,
    'step1.md': `Create a file named \`hello.txt\` in your home folder:

\`\`\`
echo hello > ~/hello.txt
\`\`\`{{exec}}

Then press **Check**.

<details>
<summary>Hint</summary>

\`echo TEXT > FILE\` writes TEXT into FILE.

</details>
`,
    'step1.ko.md': `홈 폴더에 \`hello.txt\` 파일을 만드세요:

\`\`\`
echo hello > ~/hello.txt
\`\`\`{{exec}}

그리고 **확인**을 누르세요.
`,
    'step1.check.sh': `#!/bin/bash
# Runs as root in the node. Exit 0 when the step is done; print "FAIL: why" otherwise,
# each line followed by its Korean form "FAIL[ko]: …" (a student sees one language).
if [ ! -f /root/hello.txt ]; then
  echo "FAIL: /root/hello.txt does not exist yet: run the command in the text"
  echo "FAIL[ko]: /root/hello.txt 가 아직 없습니다. 본문의 명령을 실행하세요"
  echo "HINT: use echo and > to write a file"
  echo "HINT[ko]: echo 와 > 로 파일을 씁니다"
  exit 1
fi
grep -qx hello /root/hello.txt || { printf '%s\\n' "FAIL: /root/hello.txt does not contain the line hello: write it again" "FAIL[ko]: /root/hello.txt 에 hello 줄이 없습니다. 다시 쓰세요"; exit 1; }
`,
    'step1.solution.sh': `#!/bin/bash
# What the student should do, non-interactively (pier lesson test replays it).
echo hello > /root/hello.txt
`,
    'finish.md': `Well done: you finished the lesson.
`,
  };
}

/** `pier lesson new NAME` */
async function newCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { title: { type: 'string' } }, HELP.new);
  if (values.help) return (console.log(HELP.new), 0);
  if (positionals.length !== 1) throw new UsageError(`give one folder to create\n\n${HELP.new}`);
  const dir = path.resolve(positionals[0]!);
  const id = path.basename(dir);
  if (lessonIdFrom(id) !== id) throw new UsageError(`"${id}" is not a lesson id: use lowercase letters, digits and dashes, e.g. ${lessonIdFrom(id)}`);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new UsageError(`${dir} exists and is not empty`);
  const title = typeof values.title === 'string' && values.title.trim() !== '' ? values.title.trim() : id.replace(/^\d+-/, '').replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
  mkdirSync(dir, { recursive: true });
  for (const [rel, text] of Object.entries(scaffold(title))) {
    writeFileSync(path.join(dir, rel), text);
    if (rel.endsWith('.sh')) chmodSync(path.join(dir, rel), 0o755);
  }
  console.log(`created ${path.relative(process.cwd(), dir) || dir}: edit lesson.md and step1.md, then run \`pier lesson lint ${positionals[0]}\``);
  return 0;
}

/** The lesson folders named: a lesson folder itself, or each lesson inside a folder of lessons. */
function lessonFolders(args: string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    const dir = path.resolve(a);
    if (isLessonDir(dir) || !existsSync(dir)) {
      out.push(dir);
      continue;
    }
    const inner = readdirSync(dir)
      .sort()
      .map((n) => path.join(dir, n))
      .filter((d) => isLessonDir(d));
    out.push(...(inner.length > 0 ? inner : [dir]));
  }
  return out;
}

/** `pier lesson lint DIR…` */
async function lintCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { quiet: { type: 'boolean' } }, HELP.lint);
  if (values.help) return (console.log(HELP.lint), 0);
  if (positionals.length === 0) throw new UsageError(`no lesson folder given\n\n${HELP.lint}`);
  let errors = 0;
  let warnings = 0;
  const dirs = lessonFolders(positionals);
  for (const dir of dirs) {
    const report = lintLesson(dir, { outbound: loadConfig().outbound });
    errors += report.errors;
    warnings += report.warnings;
    const shown = path.relative(process.cwd(), dir) || '.';
    for (const p of report.problems) {
      if (values.quiet && p.severity !== 'error') continue;
      console.log(formatProblem(p, shown));
    }
  }
  const summary = `${dirs.length} lesson(s): ${errors} error(s), ${warnings} warning(s)`;
  if (errors > 0) console.error(summary);
  else console.log(summary);
  return errors > 0 ? 1 : 0;
}

/** `pier lesson import SRC DEST` */
async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {}, HELP.import);
  if (values.help) return (console.log(HELP.import), 0);
  if (positionals.length !== 2) throw new UsageError(`give the scenario folder and the new lesson folder\n\n${HELP.import}`);
  let report: ImportReport;
  try {
    report = importScenario(positionals[0]!, positionals[1]!, { outbound: loadConfig().outbound });
  } catch (err) {
    if (err instanceof ImportError) {
      console.error(`pier lesson import: ${err.message}`);
      return 1;
    }
    throw err;
  }
  const shown = path.relative(process.cwd(), report.dest) || report.dest;
  console.log(`imported a ${report.flavor} scenario with ${report.steps} step(s) into ${shown}`);
  printImportReport(report, shown);
  return report.lint.problems.length > 0 ? 1 : 0;
}

/** The import report: unsupported constructs first, then solutions to review, then mappings, then lint. */
function printImportReport(report: ImportReport, shown: string): void {
  const section = (title: string, lines: string[]) => {
    if (lines.length === 0) return;
    console.log(`\n${title} (${lines.length}):`);
    for (const l of lines) console.log(`  - ${l}`);
  };
  section('unsupported: pier cannot honour these; rewrite or remove them', report.unsupported);
  section('generated solutions: review them', report.review);
  section('mapped (changed or guessed)', report.notes);
  console.log(`\nlint: ${report.lint.errors} error(s), ${report.lint.warnings} warning(s)`);
  for (const p of report.lint.problems) console.log(`  ${formatProblem(p, shown)}`);
}
