'use client';
// The "New class" form: name, lessons in order picked from the catalog, nodes and limits,
// session length, internet, the open switch with an optional schedule, watching rules and
// the stuck thresholds. Checked against the contract's ClassInput before it is sent.
import { useEffect, useState, type FormEvent } from 'react';
import { ClassInput, type ClassView } from '../../../protocol/classroom';
import type { LessonSummary } from '../../../protocol/lesson';
import { createClass } from '../../_lib/classroom-client';
import { errorText } from '../../_lib/error-text';
import { listLessons } from '../../_lib/lesson-client';
import { usePrefs } from '../prefs-provider';
import { Field, FormNote, PRIMARY_BUTTON, SECONDARY_BUTTON, Switch } from './fields';

/** A datetime-local value as ISO, or null when empty or unreadable. */
function localToIso(value: FormDataEntryValue | null): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const at = new Date(value);
  return Number.isFinite(at.getTime()) ? at.toISOString() : null;
}

/** A number field's value, or undefined when left empty. */
function optionalNumber(value: FormDataEntryValue | null): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Creates a class; `onCreated` gets the new class. */
export function ClassForm({ onCreated, onCancel }: { onCreated: (view: ClassView) => void; onCancel: () => void }) {
  const { t, lang } = usePrefs();
  const [catalog, setCatalog] = useState<LessonSummary[]>([]);
  const [picked, setPicked] = useState<string[]>([]);
  const [internet, setInternet] = useState(false);
  const [open, setOpen] = useState(true);
  const [watchNeedsHelp, setWatchNeedsHelp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void listLessons(lang).then((result) => {
      if (result.ok) setCatalog(result.value.lessons);
      else setError(errorText(lang, result));
    });
  }, [lang]);

  const titleOf = (id: string) => catalog.find((l) => l.id === id)?.title ?? id;
  const move = (index: number, by: -1 | 1) =>
    setPicked((list) => {
      const next = [...list];
      const [item] = next.splice(index, 1);
      if (item !== undefined) next.splice(index + by, 0, item);
      return next;
    });

  async function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const form = new FormData(ev.currentTarget);
    if (picked.length === 0) return setError(t('form.lessonsEmpty'));
    const limits = Object.fromEntries(
      (['memoryMiB', 'cpus', 'pids', 'diskMiB'] as const).flatMap((key) => {
        const n = optionalNumber(form.get(key));
        return n === undefined ? [] : [[key, n]];
      }),
    );
    const input = ClassInput.safeParse({
      name: String(form.get('name') ?? ''),
      lessons: picked,
      nodes: optionalNumber(form.get('nodes')),
      limits,
      sessionMinutes: optionalNumber(form.get('sessionMinutes')),
      maxSessionsPerStudent: optionalNumber(form.get('maxSessionsPerStudent')),
      internet,
      open,
      opensAt: localToIso(form.get('opensAt')),
      closesAt: localToIso(form.get('closesAt')),
      watchNeedsHelp,
      stuckMinutes: optionalNumber(form.get('stuckMinutes')),
      stuckAttempts: optionalNumber(form.get('stuckAttempts')),
    });
    if (!input.success) {
      const issue = input.error.issues[0];
      return setError(issue ? `${issue.path.join('.')}: ${issue.message}` : t('error.INVALID_REQUEST'));
    }
    setBusy(true);
    setError(null);
    const result = await createClass(input.data);
    setBusy(false);
    if (!result.ok) return setError(errorText(lang, result));
    onCreated(result.value);
  }

  const fieldset = 'flex flex-col gap-3 rounded-lg border border-line p-4';
  return (
    <form onSubmit={(ev) => void submit(ev)} data-testid="class-form" aria-labelledby="class-form-title" className="flex flex-col gap-5 rounded-lg border border-line bg-panel p-4">
      <h2 id="class-form-title" className="text-lg font-semibold">
        {t('form.title')}
      </h2>
      <Field label={t('form.name')} name="name" required maxLength={80} testId="class-name" />
      <fieldset className={fieldset}>
        <legend className="px-1 text-sm font-medium">{t('form.lessons')}</legend>
        <ol data-testid="class-lessons-picked" className="flex flex-col gap-1">
          {picked.map((id, i) => (
            <li key={id} data-lesson={id} className="flex items-center gap-2 rounded bg-raised px-2 py-1 text-sm">
              <span className="w-6 font-mono text-muted">{i + 1}.</span>
              <span className="flex-1">{titleOf(id)}</span>
              <button type="button" aria-label={t('form.moveUp', { title: titleOf(id) })} disabled={i === 0} onClick={() => move(i, -1)} className="px-1.5 disabled:opacity-30">
                ↑
              </button>
              <button type="button" aria-label={t('form.moveDown', { title: titleOf(id) })} disabled={i === picked.length - 1} onClick={() => move(i, 1)} className="px-1.5 disabled:opacity-30">
                ↓
              </button>
              <button type="button" aria-label={t('form.removeLesson', { title: titleOf(id) })} onClick={() => setPicked((l) => l.filter((x) => x !== id))} className="px-1.5 text-danger">
                ×
              </button>
            </li>
          ))}
        </ol>
        <p className="text-xs font-medium text-muted">{t('form.catalog')}</p>
        <ul className="flex flex-wrap gap-2">
          {catalog
            .filter((l) => !picked.includes(l.id))
            .map((l) => (
              <li key={l.id}>
                <button
                  type="button"
                  data-testid="class-lesson-option"
                  data-lesson={l.id}
                  aria-label={t('form.addLesson', { title: l.title })}
                  onClick={() => setPicked((list) => [...list, l.id])}
                  className={SECONDARY_BUTTON}
                >
                  + {l.title}
                </button>
              </li>
            ))}
        </ul>
      </fieldset>
      <fieldset className={fieldset}>
        <legend className="px-1 text-sm font-medium">{t('form.limits')}</legend>
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-3">
          <Field label={t('form.nodes')} name="nodes" type="number" min={1} max={5} defaultValue={1} testId="class-nodes" />
          <Field label={t('form.sessionMinutes')} name="sessionMinutes" type="number" min={5} max={1440} defaultValue={120} testId="class-minutes" />
          <Field label={t('form.maxSessions')} name="maxSessionsPerStudent" type="number" min={1} max={5} defaultValue={2} />
          <Field label={t('form.memory')} name="memoryMiB" type="number" min={64} max={65536} />
          <Field label={t('form.cpus')} name="cpus" type="number" min={0.1} max={64} step={0.1} />
          <Field label={t('form.pids')} name="pids" type="number" min={32} max={65536} />
          <Field label={t('form.disk')} name="diskMiB" type="number" min={256} max={1048576} />
        </div>
        <p className="text-xs text-muted">{t('form.limitsHint')}</p>
        <Switch label={t('form.internet')} checked={internet} onChange={setInternet} testId="class-internet" />
      </fieldset>
      <fieldset className={fieldset}>
        <legend className="px-1 text-sm font-medium">{t('form.schedule')}</legend>
        <Switch label={t('form.open')} checked={open} onChange={setOpen} testId="class-open" />
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label={t('form.opensAt')} name="opensAt" type="datetime-local" />
          <Field label={t('form.closesAt')} name="closesAt" type="datetime-local" />
        </div>
      </fieldset>
      <fieldset className={fieldset}>
        <legend className="px-1 text-sm font-medium">{t('form.stuck')}</legend>
        <Switch label={t('form.watchNeedsHelp')} checked={watchNeedsHelp} onChange={setWatchNeedsHelp} testId="class-watch-needs-help" />
        <div className="grid grid-cols-2 gap-3">
          <Field label={t('form.stuckMinutes')} name="stuckMinutes" type="number" min={1} max={240} defaultValue={10} />
          <Field label={t('form.stuckAttempts')} name="stuckAttempts" type="number" min={1} max={100} defaultValue={3} />
        </div>
        <p className="text-xs text-muted">{t('form.stuckHint')}</p>
      </fieldset>
      {error && <FormNote kind="error" testId="class-form-error">{error}</FormNote>}
      <div className="flex gap-3">
        <button type="submit" disabled={busy} aria-busy={busy} data-testid="class-submit" className={PRIMARY_BUTTON}>
          {busy ? t('form.creating') : t('form.create')}
        </button>
        <button type="button" onClick={onCancel} className={SECONDARY_BUTTON}>
          {t('form.cancel')}
        </button>
      </div>
    </form>
  );
}
