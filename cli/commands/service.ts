// pier install-service: writes a systemd unit that runs `pier up` from this checkout and,
// where systemd is the running init, enables and starts it. The unit keeps sandboxes across
// restarts (KillMode=process: stopping pier never kills a student's sandbox; the next start
// adopts them) and delegates its cgroup subtree (Delegate=yes) so pier may manage cgroups.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../server/main.js';
import { UsageError } from '../main.js';

const USAGE = `usage: pier install-service [--unit-dir DIR] [--name NAME] [--no-enable] [--print]
  Writes the systemd unit NAME.service (default pier) into DIR (default /etc/systemd/system),
  then, when systemd runs this host, reloads systemd and enables and starts the unit.
  --no-enable   write the unit only
  --print       print the unit on stdout and write nothing`;

/** What the unit runs. */
export interface UnitOptions {
  /** Absolute path of node. */
  node: string;
  /** The checkout (holding bin/pier). */
  root: string;
  /** Config file the unit names (PIER_CONFIG); null: the default /etc/pier/config.json when it exists. */
  configFile: string | null;
}

/** The unit file's text. */
export function serviceUnit(o: UnitOptions): string {
  return `# Written by \`pier install-service\`; see docs/OPERATIONS.md.
[Unit]
Description=pier learning playground (sandboxes, lessons, classroom)
Documentation=file://${o.root}/docs/OPERATIONS.md
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
WorkingDirectory=${o.root}
ExecStart=${o.node} ${o.root}/bin/pier up
Environment=NODE_ENV=production
${o.configFile === null ? '' : `Environment=PIER_CONFIG=${o.configFile}\n`}# State: images, sandboxes, the database, the cookie secret (config stateDir, default).
StateDirectory=pier
StateDirectoryMode=0711
# runc's state lives under /run/pier; kept across restarts so the next start adopts sandboxes.
RuntimeDirectory=pier
RuntimeDirectoryPreserve=yes
# pier creates and limits cgroups of its sandboxes.
Delegate=yes
# Stopping or restarting pier ends only the server process: sandboxes live on.
KillMode=process
Restart=on-failure
RestartSec=2s
TimeoutStopSec=30s
LimitNOFILE=1048576
TasksMax=infinity

[Install]
WantedBy=multi-user.target
`;
}

/** Whether systemd is the running init (its documented test, sd_booted). */
export function systemdRuns(): boolean {
  return existsSync('/run/systemd/system');
}

/** \`pier install-service\` */
export async function installServiceCommand(argv: string[]): Promise<number> {
  let values: { 'unit-dir'?: string; name?: string; 'no-enable'?: boolean; print?: boolean; help?: boolean };
  try {
    values = parseArgs({
      args: argv,
      options: { 'unit-dir': { type: 'string' }, name: { type: 'string' }, 'no-enable': { type: 'boolean' }, print: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) return (console.log(USAGE), 0);
  const name = values.name ?? 'pier';
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new UsageError(`--name: not a unit name: ${name}`);
  const unit = serviceUnit({ node: process.execPath, root: projectRoot(), configFile: process.env.PIER_CONFIG ? path.resolve(process.env.PIER_CONFIG) : null });
  if (values.print) return (process.stdout.write(unit), 0);
  const dir = values['unit-dir'] ?? '/etc/systemd/system';
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.service`);
  writeFileSync(file, unit, { mode: 0o644 });
  console.log(`pier: wrote ${file}`);
  if (values['no-enable']) return 0;
  if (!systemdRuns()) {
    console.log(`pier: systemd is not running on this host; the unit is written but not enabled.\n  On a systemd host: systemctl daemon-reload && systemctl enable --now ${name}`);
    return 0;
  }
  execFileSync('systemctl', ['daemon-reload'], { stdio: 'inherit' });
  execFileSync('systemctl', ['enable', '--now', `${name}.service`], { stdio: 'inherit' });
  console.log(`pier: ${name}.service enabled and started (journalctl -u ${name} -f to watch)`);
  return 0;
}
