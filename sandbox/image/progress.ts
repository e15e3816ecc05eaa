// Turns mmdebstrap's --verbose output (its `I:` lines plus apt's and dpkg's own) into build
// phases with a rough overall percent.

/** Steps of an image build, in order. */
export type BuildPhase =
  | 'waiting'
  | 'resolving'
  | 'downloading'
  | 'extracting'
  | 'installing'
  | 'customizing'
  | 'shifting'
  | 'done';

/** One progress report. */
export interface BuildProgress {
  phase: BuildPhase;
  /** Rough overall completion, 0..100, never decreasing within one build. */
  percent: number;
  /** What is happening, for a log line or the end of a progress bar. */
  message: string;
}

/**
 * Where each part of the build starts and ends on the overall 0..100 scale, from a
 * 26 s build of the default recipe here: apt-get update ~1.5 s, essential packages
 * ~9 s, the rest ~15 s (downloads took < 1 s from a near mirror; slower ones stretch the
 * download spans). Customizing and shifting take well under a second.
 */
export const PROGRESS_SPAN = {
  resolving: [0, 6],
  essentialDownload: [6, 10],
  extracting: [10, 18],
  essentialInstall: [18, 42],
  remainingResolve: [42, 44],
  remainingDownload: [44, 50],
  remainingInstall: [50, 92],
  customizing: [92, 95],
  shifting: [95, 99],
} as const satisfies Record<string, readonly [number, number]>;

type Span = readonly [number, number];
const within = ([from, to]: Span, fraction: number): number => from + (to - from) * Math.min(1, Math.max(0, fraction));

/** mmdebstrap's `I:` lines that start a phase, with where they put it. */
const INFO_LINES: ReadonlyArray<{ match: RegExp; phase: BuildPhase; at: number; stage?: Stage; message?: string }> = [
  { match: /^I: running apt-get update/, phase: 'resolving', at: 2, message: 'reading package lists' },
  { match: /^I: downloading packages with apt/, phase: 'resolving', at: 5, stage: 'essential', message: 'resolving essential packages' },
  { match: /^I: extracting archives/, phase: 'extracting', at: PROGRESS_SPAN.extracting[0] },
  { match: /^I: installing essential packages/, phase: 'installing', at: PROGRESS_SPAN.essentialInstall[0] },
  { match: /^I: installing remaining packages/, phase: 'installing', at: PROGRESS_SPAN.remainingResolve[0], stage: 'remaining' },
  { match: /^I: cleaning package lists/, phase: 'customizing', at: PROGRESS_SPAN.customizing[0] },
];

/** mmdebstrap installs in two rounds: the essential set by dpkg, then the rest by apt. */
type Stage = 'essential' | 'remaining';

const NEWLY_INSTALLED = /^\d+ upgraded, (\d+) newly installed/;
const GET = /^Get:(\d+) /;
const DPKG_STEP = /^(Unpacking|Setting up) (\S+)/;

/** A function fed one output line at a time; returns a report when the line moved things. */
export type ProgressParser = (line: string) => BuildProgress | null;

/**
 * Makes a parser for one mmdebstrap run (it keeps state: package counts, the stage).
 * Percentages come from package counts: `Get:N` lines against "N newly installed" while
 * downloading, `Unpacking`/`Setting up` lines against twice that while installing.
 */
export function createProgressParser(): ProgressParser {
  let stage: Stage | null = null;
  let total = 0;
  let dpkgSteps = 0;
  let percent = 0;

  const report = (phase: BuildPhase, at: number, message: string): BuildProgress => {
    percent = Math.max(percent, Math.round(at));
    return { phase, percent, message };
  };

  return (raw: string): BuildProgress | null => {
    const line = raw.trimEnd();
    for (const info of INFO_LINES) {
      if (!info.match.test(line)) continue;
      if (info.stage) {
        stage = info.stage;
        total = 0;
        dpkgSteps = 0;
      }
      return report(info.phase, info.at, info.message ?? line.slice(3).replace(/\.\.\.$/, ''));
    }
    if (stage === null) return null;

    const newly = NEWLY_INSTALLED.exec(line);
    if (newly) {
      total = Number(newly[1]);
      const span = stage === 'essential' ? PROGRESS_SPAN.essentialDownload : PROGRESS_SPAN.remainingDownload;
      return report('downloading', span[0], `${total} packages`);
    }
    if (total === 0) return null; // apt-get update's own Get: lines (index files)

    const get = GET.exec(line);
    if (get) {
      const span = stage === 'essential' ? PROGRESS_SPAN.essentialDownload : PROGRESS_SPAN.remainingDownload;
      const n = Number(get[1]);
      return report('downloading', within(span, n / total), `package ${n}/${total}`);
    }
    const step = DPKG_STEP.exec(line);
    if (step) {
      dpkgSteps += 1;
      const span = stage === 'essential' ? PROGRESS_SPAN.essentialInstall : PROGRESS_SPAN.remainingInstall;
      const name = (step[2] ?? '').replace(/:[a-z0-9-]+$/, '');
      return report('installing', within(span, dpkgSteps / (2 * total)), `${step[1]?.toLowerCase()} ${name}`);
    }
    return null;
  };
}

/**
 * A report for a step pier runs itself after mmdebstrap.
 * @param phase `customizing`, `shifting` or `done`
 * @param fraction how far into the step, 0..1
 */
export function stepProgress(phase: 'customizing' | 'shifting' | 'done', fraction: number, message: string): BuildProgress {
  if (phase === 'done') return { phase, percent: 100, message };
  return { phase, percent: Math.round(within(PROGRESS_SPAN[phase], fraction)), message };
}
