// The slim header of the start page, the classroom's pages and the error pages: pier's
// name, the staff menu (or sign-in link) and the switches.
import Link from 'next/link';
import { StaffMenu } from './classroom/staff-menu';
import { PrefsSwitches } from './prefs-switches';

/** Header with a home link, the staff menu and the language/theme switches. */
export function SiteHeader({ homeLabel }: { homeLabel: string }) {
  return (
    <header className="flex h-12 items-center justify-between border-b border-line px-4">
      <Link href="/" aria-label={homeLabel} className="font-mono text-lg font-bold tracking-tight text-fg">
        pier
      </Link>
      <div className="flex items-center gap-3">
        <StaffMenu />
        <PrefsSwitches />
      </div>
    </header>
  );
}
