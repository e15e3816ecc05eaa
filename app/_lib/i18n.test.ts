import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DICTIONARIES, LANGS, isLang, langFromTags, pickLang, translate } from './i18n';

test('every language has exactly the same keys', () => {
  const [first, ...rest] = LANGS;
  const keys = Object.keys(DICTIONARIES[first]).sort();
  for (const lang of rest) assert.deepEqual(Object.keys(DICTIONARIES[lang]).sort(), keys, `keys of ${lang}`);
});

test('no message is empty, and translations use the same placeholders', () => {
  const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
  for (const [key, english] of Object.entries(DICTIONARIES.en)) {
    for (const lang of LANGS) {
      const text = DICTIONARIES[lang][key as keyof typeof DICTIONARIES.en];
      assert.ok(text.trim().length > 0, `${lang}:${key} is empty`);
      assert.deepEqual(placeholders(text), placeholders(english), `${lang}:${key} placeholders`);
    }
  }
});

test('Korean text is actually Korean where English has words', () => {
  const hangul = /[\uac00-\ud7a3]/;
  const sameOnPurpose = new Set(['app.name', 'stats.cpu']);
  for (const key of Object.keys(DICTIONARIES.en) as (keyof typeof DICTIONARIES.en)[]) {
    if (sameOnPurpose.has(key)) continue;
    assert.match(DICTIONARIES.ko[key], hangul, `ko:${key} has no Hangul`);
  }
});

test('translate fills placeholders and leaves unknown ones visible', () => {
  assert.equal(translate('en', 'nodes.max', { max: 5 }), 'At most 5 nodes');
  assert.equal(translate('ko', 'nodes.max', { max: 5 }), '노드는 최대 5개');
  assert.equal(translate('en', 'nodes.max'), 'At most {max} nodes');
  assert.equal(translate('en', 'nodes.max', {}), 'At most {max} nodes');
});

test('langFromTags reads navigator.language and Accept-Language', () => {
  const table: [string | null | undefined, string][] = [
    ['ko-KR', 'ko'],
    ['ko', 'ko'],
    ['en-US', 'en'],
    ['fr-FR', 'en'],
    ['', 'en'],
    [null, 'en'],
    [undefined, 'en'],
    ['ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7', 'ko'],
    ['fr-FR,fr;q=0.9,ko;q=0.8,en;q=0.7', 'ko'],
    ['en;q=0.5,ko;q=0.9', 'ko'],
    ['ko;q=0,en', 'en'],
    ['*', 'en'],
  ];
  for (const [tags, want] of table) assert.equal(langFromTags(tags), want, String(tags));
});

test('pickLang prefers a valid saved choice', () => {
  assert.equal(pickLang('ko', 'en-US'), 'ko');
  assert.equal(pickLang('en', 'ko-KR'), 'en');
  assert.equal(pickLang('de', 'ko-KR'), 'ko');
  assert.equal(pickLang(null, 'ko-KR'), 'ko');
  assert.equal(isLang('ko'), true);
  assert.equal(isLang('KO'), false);
});
