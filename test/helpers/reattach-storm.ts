// A student's browser reattaching to terminals in a loop, as its own process (so its own
// parsing of the screens does not count against the server it attacks):
// `node --import tsx THIS '{"url":…,"headers":{…},"targets":[{"path","cols","rows"}],"rounds":n}'`.
// Prints one JSON line: {"reattaches": n, "screens": n}.
import { TerminalConnection } from '../../cli/client/terminal-connection.js';

const plan = JSON.parse(process.argv[2] ?? '{}') as { url: string; headers: Record<string, string>; targets: { path: string; cols: number; rows: number }[]; rounds: number };
let screens = 0;
let reattaches = 0;
for (let i = 0; i < plan.rounds; i++) {
  const target = plan.targets[i % plan.targets.length]!;
  const conn = await TerminalConnection.connect(`${plan.url}${target.path}`, { headers: plan.headers });
  const ready = await conn.hello({ cols: target.cols, rows: target.rows }, undefined, 30_000);
  reattaches++;
  if (ready.screen !== undefined) screens++;
  // Keep the screen changing, so a snapshot cannot simply be reused.
  conn.input(`printf '\\x1b[38;2;1;2;3mx${i}'\r`);
  await conn.close();
}
process.stdout.write(`${JSON.stringify({ reattaches, screens })}\n`);
