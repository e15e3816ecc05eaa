// The language of the page being rendered on the server: the cookie the language switch
// sets, else the browser's Accept-Language. Server components only (uses next/headers).
import { cookies, headers } from 'next/headers';
import { pickLang, type Lang } from './i18n';
import { LANG_COOKIE } from './prefs';

/** The UI language for the current request. */
export async function requestLang(): Promise<Lang> {
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  return pickLang(cookieStore.get(LANG_COOKIE)?.value, headerList.get('accept-language'));
}
