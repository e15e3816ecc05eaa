// The slim header of the start page and the error pages: pier's name and the switches.
import Link from 'next/link';
import { PrefsSwitches } from './prefs-switches';

/** Header with a home link and the language/theme switches. */
export function SiteHeader({ homeLabel }: { homeLabel: string }) {
  return (
    <header className="flex h-12 items-center justify-between border-b border-line px-4">
      <Link href="/" aria-label={homeLabel} className="font-mono text-lg font-bold tracking-tight text-fg">
        pier
      </Link>
      <PrefsSwitches />
    </header>
  );
}
