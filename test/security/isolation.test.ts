// docs/SECURITY.md attacks on other students and the host's processes, files and sockets (20-22,
// 27, 28): two sessions on their own bridges, a host process and a host socket as bystanders.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import net from 'node:net';
import dgram from 'node:dgram';
import { rootSuite } from '../helpers/root.js';
import { driver, hostRead, python, runtime, sh, show } from '../helpers/sandbox.js';
import { detectCgroupMode, type NetworkInfo, type RunResult, type SandboxInfo } from '../../sandbox/index.js';

const execFileAsync = promisify(execFile);

/** Bound of one command inside a sandbox. */
const CMD_TIMEOUT_MS = 15_000;
/** Bound of a search of a sandbox's whole filesystem. */
const SEARCH_TIMEOUT_MS = 30_000;
/** Bound of one test. */
const TEST_TIMEOUT_MS = 45_000;
/** How long the packet capture inside listens. */
const CAPTURE_SECONDS = 4;
/** Delay before the host sends its traffic, so the capture is listening. */
const CAPTURE_WARMUP_MS = 800;
/** The host sends this many datagrams, one per interval, during the capture. */
const HOST_SENDS = 10;
const HOST_SEND_INTERVAL_MS = 200;
/** How long a process started inside may take to show on the host. */
const APPEAR_TIMEOUT_MS = 3000;
/** Time for signals sent by `kill -9 -1` to take effect before looking. */
const KILL_SETTLE_MS = 300;

/**
 * Captures every frame the sandbox's AF_PACKET socket can see for `seconds`, while sending
 * its own markers on lo and eth0 (so the capture is shown to work). stdin: {seconds, lo, eth,
 * gateway, watch: [hex…], macs: [mac…], foreign: [ifname…]}; stdout: the interfaces, which
 * watched byte strings and MACs were seen on which interface, and bind errors per foreign name.
 */
const PY_CAPTURE = `
import errno, json, socket, sys, time
cfg = json.load(sys.stdin)
names = dict(socket.if_nameindex())
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.settimeout(0.05)
watch = {h: set() for h in cfg['watch']}
macs = {m: set() for m in cfg['macs']}
seen = set()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
start = time.time(); sent = 0
while time.time() - start < cfg['seconds']:
    if sent < 5 and time.time() - start > sent * 0.3:
        u.sendto(bytes.fromhex(cfg['lo']), ('127.0.0.1', 9))
        u.sendto(bytes.fromhex(cfg['eth']), (cfg['gateway'], 9))
        sent += 1
    try:
        data, addr = s.recvfrom(65535)
    except socket.timeout:
        continue
    ifn = addr[0]  # (ifname, protocol, pkttype, hatype, address)
    seen.add(ifn)
    for h in watch:
        if bytes.fromhex(h) in data: watch[h].add(ifn)
    for m in macs:
        b = bytes.fromhex(m.replace(':', ''))
        if data[0:6] == b or data[6:12] == b: macs[m].add(ifn)
bind = {}
for name in cfg['foreign']:
    p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    try:
        p.bind((name, 0)); bind[name] = 'bound'
    except OSError as e:
        bind[name] = errno.errorcode.get(e.errno, str(e.errno))
    p.close()
odd = {}
for fam, typ, label in [(38, 5, 'AF_ALG'), (40, 1, 'AF_VSOCK')]:
    try:
        socket.socket(fam, typ, 0).close(); odd[label] = 'open'
    except OSError as e:
        odd[label] = errno.errorcode.get(e.errno, str(e.errno))
print(json.dumps({'interfaces': sorted(names.values()), 'seen': sorted(seen), 'watch': {k: sorted(v) for k, v in watch.items()},
                  'macs': {k: sorted(v) for k, v in macs.items()}, 'bind': bind, 'odd': odd}))
`;

/**
 * arping in python: one ARP who-has per target on eth0, then 1 s of listening for replies.
 * stdin: [ipv4…]; stdout: {ipv4: [replying MAC…]}.
 */
const PY_ARPING = `
import fcntl, json, socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
s.bind(('eth0', 0))
mac = s.getsockname()[4]
me = fcntl.ioctl(s.fileno(), 0x8915, struct.pack('256s', b'eth0'))[20:24]  # SIOCGIFADDR
out = {}
for t in json.load(sys.stdin):
    tip = socket.inet_aton(t)
    s.send(b'\\xff' * 6 + mac + b'\\x08\\x06' + struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1, mac, me, b'\\0' * 6, tip))
    replies = set()
    s.settimeout(0.1)
    end = time.time() + 1.0
    while time.time() < end:
        try:
            f = s.recv(2048)
        except socket.timeout:
            continue
        op, sha, spa = struct.unpack('!6xH6s4s', f[14:32])
        if op == 2 and spa == tip:
            replies.add(sha.hex(':'))
    out[t] = sorted(replies)
print(json.dumps(out))
`;

/**
 * Connects unix sockets: stdin [address…] as /proc/net/unix spells them ('@' for each NUL of
 * an abstract name); stdout {address: "connected" | errno}.
 */
const PY_UNIX_CONNECT = `
import errno, json, socket, sys
out = {}
for a in json.load(sys.stdin):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.settimeout(2)
    try:
        c.connect(a.replace('@', '\\0') if a.startswith('@') else a); out[a] = 'connected'
    except OSError as e:
        out[a] = errno.errorcode.get(e.errno, str(e.errno)) if e.errno else str(e)
    c.close()
print(json.dumps(out))
`;


/** Host pids in a sandbox's cgroup (pids controller on v1). */
function cgroupProcs(s: SandboxInfo): number[] {
  const file = detectCgroupMode() === 'v2' ? `/sys/fs/cgroup/pier/${s.containerId}/cgroup.procs` : `/sys/fs/cgroup/pids/pier/${s.containerId}/cgroup.procs`;
  return (hostRead(file) ?? '').split('\n').filter(Boolean).map(Number);
}

/** A host process's command line, or null when it is gone. */
const hostCmdline = (pid: number): string | null => hostRead(`/proc/${pid}/cmdline`)?.replace(/\0/g, ' ').trim() ?? null;

/** Socket names in a /proc/net/unix listing: paths and '@abstract' names. */
function unixNames(listing: string): Set<string> {
  return new Set(
    listing
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/)[7])
      .filter((n): n is string => n !== undefined && n !== ''),
  );
}

/** Starts a host process that must outlive the attacks; its argv is unique. */
function hostBystander(marker: string): ChildProcess {
  const child = spawn('sleep', [marker], { stdio: 'ignore' });
  child.on('error', () => undefined);
  return child;
}

/** Is the host process `pid` alive and still running `cmd`? */
function aliveAs(pid: number, cmd: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return hostCmdline(pid) === cmd;
}

describe('isolation from other sessions and the host (docs/SECURITY.md 20-22, 27, 28)', rootSuite(), () => {
  let netA: NetworkInfo;
  let netB: NetworkInfo;
  let a1: SandboxInfo;
  let b1: SandboxInfo;
  const rand = randomBytes(4).toString('hex');

  before(async () => {
    netA = await driver.createNetwork();
    netB = await driver.createNetwork();
    a1 = await driver.create({ network: netA.id, hostname: 'node1' });
    b1 = await driver.create({ network: netB.id, hostname: 'node1' });
  });
  after(async () => {
    for (const n of [netA, netB]) if (n) await driver.destroyNetwork(n.id);
  });

  test('#20 raw and odd sockets: AF_PACKET sees only the sandbox\'s own lo and eth0; AF_ALG/AF_VSOCK refused', { timeout: TEST_TIMEOUT_MS }, async () => {
    const hex = () => randomBytes(8).toString('hex');
    const ownA = { lo: hex(), eth: hex() };
    const ownB = { lo: hex(), eth: hex() };
    const toB = hex(); // UDP from the host to b1, on the other session's bridge
    const hostLoopback = hex(); // UDP on the host's loopback
    const b1Mac = (await sh(b1.id, 'cat /sys/class/net/eth0/address', { timeoutMs: CMD_TIMEOUT_MS })).stdout.trim();
    type Capture = { interfaces: string[]; seen: string[]; watch: Record<string, string[]>; macs: Record<string, string[]>; bind: Record<string, string>; odd: Record<string, string> };
    const watch = [ownA.lo, ownA.eth, ownB.lo, ownB.eth, toB, hostLoopback];
    const foreign = [netA.bridge, netB.bridge, `pierv${a1.id}`, `pierv${b1.id}`];
    // a1 is the attacker; b1's capture shows the host's traffic to b1 really happened.
    const captureA = python<Capture>(a1.id, PY_CAPTURE, { seconds: CAPTURE_SECONDS, ...ownA, gateway: netA.gateway, watch, macs: [b1Mac], foreign });
    const captureB = python<Capture>(b1.id, PY_CAPTURE, { seconds: CAPTURE_SECONDS, ...ownB, gateway: netB.gateway, watch, macs: [b1Mac], foreign: [] });
    await new Promise((r) => setTimeout(r, CAPTURE_WARMUP_MS));
    const udp = dgram.createSocket('udp4');
    udp.on('error', () => undefined);
    for (let i = 0; i < HOST_SENDS; i++) {
      udp.send(Buffer.from(hostLoopback, 'hex'), 9, '127.0.0.1');
      udp.send(Buffer.from(toB, 'hex'), 9, b1.address);
      await new Promise((r) => setTimeout(r, HOST_SEND_INTERVAL_MS));
    }
    udp.close();
    const [a, b] = await Promise.all([captureA, captureB]);
    const detail = JSON.stringify({ a1: a, b1: b });
    assert.deepEqual(b.watch[toB], ['eth0'], `the host's datagrams never reached b1, the capture in a1 had nothing to miss: ${detail}`);
    assert.deepEqual(a.interfaces, ['eth0', 'lo'], `interfaces inside: ${detail}`);
    // The capture works: it saw its own traffic on both interfaces…
    assert.deepEqual(a.watch[ownA.lo], ['lo'], `own loopback traffic not captured: ${detail}`);
    assert.deepEqual(a.watch[ownA.eth], ['eth0'], `own eth0 traffic not captured: ${detail}`);
    // …and nothing of the host's or the other session's.
    for (const [what, marker] of [['the host to b1', toB], ['the host loopback', hostLoopback], ["b1's loopback", ownB.lo], ["b1's eth0", ownB.eth]] as const) {
      assert.deepEqual(a.watch[marker], [], `a1 captured traffic of ${what}: ${detail}`);
    }
    assert.deepEqual(a.macs[b1Mac], [], `a1 captured frames of another session's node: ${detail}`);
    assert.deepEqual(a.seen.filter((i) => i !== 'lo' && i !== 'eth0'), [], detail);
    for (const name of foreign) assert.equal(a.bind[name], 'ENODEV', `binding host interface ${name}: ${detail}`);
    // Attack 15 tests these families with raw syscalls; this is Python's socket module.
    assert.deepEqual(a.odd, { AF_ALG: 'ENOSYS', AF_VSOCK: 'ENOSYS' }, detail);
  });

  test('#21 ptrace / kill others: only the sandbox\'s processes are visible; kill -9 -1 harms no one else', { timeout: TEST_TIMEOUT_MS }, async () => {
    // sleep(1) takes a number: the fractional digits make the command line unique.
    const digits = String(Number.parseInt(rand, 16));
    const hostMarker = `3600.${digits}`;
    const child = hostBystander(hostMarker);
    assert.ok(child.pid, 'no host bystander');
    const hostPid = child.pid;
    const bMarker = `4242.${digits}`;
    const victim = await driver.create({ network: netA.id, hostname: 'node2' });
    try {
      const bStart = await sh(b1.id, `nohup sleep ${bMarker} >/dev/null 2>&1 & echo $!`, { timeoutMs: CMD_TIMEOUT_MS });
      const bPidInside = Number(bStart.stdout.trim());
      let bPidHost: number | undefined;
      for (const deadline = Date.now() + APPEAR_TIMEOUT_MS; bPidHost === undefined && Date.now() < deadline; ) {
        bPidHost = cgroupProcs(b1).find((p) => hostCmdline(p) === `sleep ${bMarker}`);
        if (bPidHost === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(bPidHost && bPidInside > 0, `b1's sleep not found: ${show(bStart)}`);
      assert.ok(aliveAs(hostPid, `sleep ${hostMarker}`), 'the host bystander did not start');

      const look = await sh(
        victim.id,
        [
          'nohup sleep 999 >/dev/null 2>&1 &',
          'ps -eo pid=,args= | sed "s/^ */ps /"',
          `timeout 3 strace -p ${hostPid} -e trace=none -o /dev/null 2>&1 | head -1 | sed "s/^/strace-host /"`,
          `timeout 3 strace -p ${bPidHost} -e trace=none -o /dev/null 2>&1 | head -1 | sed "s/^/strace-b1 /"`,
          'strace -qq -e trace=getpid -o /dev/null true; echo "strace-self $?"',
        ].join('\n'),
        { timeoutMs: CMD_TIMEOUT_MS },
      );
      const ps = look.stdout.split('\n').filter((l) => l.startsWith('ps ')).map((l) => l.slice(3).trim());
      const commands = ps.map((l) => l.replace(/^\d+\s+/, ''));
      assert.ok(commands.includes('sleep 999') && commands.includes('ps -eo pid=,args='), `ps does not work inside: ${show(look)}`);
      // The victim's init, its child, and this script's shell, ps and sed: nothing else.
      const own = [/^\/usr\/bin\/catatonit\b/, /^\/\.pier\/init$/, /^(\/bin\/)?sleep (infinity|999)$/, /^\/bin\/sh -c /, /^ps -eo /, /^sed /];
      assert.deepEqual(commands.filter((c) => !own.some((re) => re.test(c))), [], `processes not of this sandbox are visible: ${show(look)}`);
      assert.doesNotMatch(look.stdout, new RegExp(`${hostMarker}|${bMarker}`), show(look));
      assert.match(look.stdout, /^strace-host .*No such process/m, `strace -p <host pid>: ${show(look)}`);
      assert.match(look.stdout, /^strace-b1 .*No such process/m, `strace -p <other sandbox's pid>: ${show(look)}`);
      assert.match(look.stdout, /^strace-self 0$/m, `ptrace does not work inside at all, the refusals prove nothing: ${show(look)}`);

      const before = cgroupProcs(victim).map((p) => hostCmdline(p));
      assert.ok(before.length >= 2, `the victim has no processes to lose: ${JSON.stringify(before)}`);
      // Linux spares pid 1 and the caller; the victim's init exits when its child dies.
      await sh(victim.id, 'kill -9 -1; sleep 1', { timeoutMs: CMD_TIMEOUT_MS });
      await new Promise((r) => setTimeout(r, KILL_SETTLE_MS));
      assert.ok(aliveAs(hostPid, `sleep ${hostMarker}`), 'the host process was killed');
      assert.ok(aliveAs(bPidHost, `sleep ${bMarker}`), "the other sandbox's process was killed");
      assert.equal((await sh(b1.id, `kill -0 ${bPidInside} && echo alive`, { timeoutMs: CMD_TIMEOUT_MS })).stdout.trim(), 'alive');
      assert.equal((await sh(a1.id, 'echo ok', { timeoutMs: CMD_TIMEOUT_MS })).stdout.trim(), 'ok', 'a bystander sandbox of the same session stopped answering');
      // Inside the victim nothing but (at most) its init is left.
      const left = cgroupProcs(victim).map((p) => hostCmdline(p));
      assert.ok(left.length <= 1, `kill -9 -1 left processes in the victim (before: ${JSON.stringify(before)}): ${JSON.stringify(left)}`);
    } finally {
      child.kill('SIGKILL');
      await driver.destroy(victim.id);
    }
  });

  test('#22 read others\' files: nothing of another sandbox is reachable from /var/lib, /proc/*/root, /sys, /run', { timeout: TEST_TIMEOUT_MS }, async () => {
    const name = `pier-secret-${rand}`;
    const token = `TOKEN-${randomBytes(8).toString('hex')}`;
    await sh(b1.id, `echo ${token} > /root/${name} && echo ${token} > /var/lib/${name} && echo ${token} > /tmp/${name}`, { timeoutMs: CMD_TIMEOUT_MS });
    await sh(a1.id, `echo own-${rand} > /pier-own-${rand}`, { timeoutMs: CMD_TIMEOUT_MS });
    const search = [
      'echo "varlibpier $(test -e /var/lib/pier && echo present || echo absent)"',
      `timeout 20 grep -rslF --devices=skip ${token} /var/lib /run /tmp /root /home /srv /mnt /opt /sys 2>/dev/null | sed "s/^/hit /"`,
      `timeout 20 find / \\( -path /proc -o -path /sys \\) -prune -o -name ${name} -print 2>/dev/null | sed "s/^/hit /"`,
      'echo "self $(stat -L -c %d:%i /)"',
      'for r in /proc/[0-9]*/root; do echo "root $r $(stat -L -c %d:%i "$r/" 2>/dev/null)"; done',
      `echo "own $(cat /proc/1/root/pier-own-${rand})"`,
      'ls /sys/fs/cgroup/*/ /sys/class/net /sys/devices/virtual/net 2>/dev/null | grep -i pier | sed "s/^/hit /"',
      'echo done',
    ].join('\n');
    // The search finds the secret where it is: in b1 itself, and on the host.
    const control = await sh(b1.id, search, { timeoutMs: SEARCH_TIMEOUT_MS });
    assert.match(control.stdout, new RegExp(`^hit /root/${name}$`, 'm'), `the search misses a file in b1 itself: ${show(control)}`);
    assert.match(control.stdout, new RegExp(`^hit /var/lib/${name}$`, 'm'), show(control));
    const onHost = await execFileAsync('find', [`${runtime.paths.stateDir}/sandboxes/${b1.id}/disk`, '-name', name]);
    assert.ok(onHost.stdout.trim().split('\n').length >= 2, `the host cannot find b1's secret: ${onHost.stdout}`);

    const r = await sh(a1.id, search, { timeoutMs: SEARCH_TIMEOUT_MS });
    assert.match(r.stdout, /^done$/m, show(r));
    assert.deepEqual(r.stdout.split('\n').filter((l) => l.startsWith('hit ')), [], `found from a1: ${show(r)}`);
    assert.match(r.stdout, /^varlibpier absent$/m, show(r));
    const self = /^self (\S+)$/m.exec(r.stdout)?.[1];
    const roots = r.stdout.split('\n').filter((l) => l.startsWith('root '));
    assert.ok(self && roots.length >= 2, show(r));
    assert.deepEqual(roots.filter((l) => !l.endsWith(` ${self}`)), [], `a /proc/*/root that is not the sandbox's own root: ${show(r)}`);
    assert.match(r.stdout, new RegExp(`^own own-${rand}$`, 'm'), `/proc/1/root is not a1's root: ${show(r)}`);

    // Kernel objects named after another sandbox: runc's session keyring `_ses.pier-<id>`.
    // /proc/keys is masked, but a fresh procfs lists every key the caller's host uid may view.
    const keys = await sh(
      a1.id,
      'cat /proc/keys | sed "s/^/masked /"; mkdir -p /tmp/pier-proc && mount -t proc proc /tmp/pier-proc && { cat /tmp/pier-proc/keys | sed "s/^/fresh /"; umount /tmp/pier-proc; }; true',
      { timeoutMs: CMD_TIMEOUT_MS },
    );
    const others = keys.stdout.split('\n').filter((l) => l.includes(b1.id));
    assert.deepEqual(
      others,
      [],
      `another sandbox's session keyring is visible from a1 (every sandbox's root is host uid 100000, and runc gives each ` +
        `container a keyring named after it): ${show(keys)}`,
    );
  });

  test('#27 other sessions at L2: no ARP answer or MAC of another session; its gateway unreachable', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const mac = (iface: string) => hostRead(`/sys/class/net/${iface}/address`)?.trim() ?? '';
    const bridgeA = mac(netA.bridge);
    const bridgeB = mac(netB.bridge);
    const b1Mac = (await sh(b1.id, 'cat /sys/class/net/eth0/address', { timeoutMs: CMD_TIMEOUT_MS })).stdout.trim();
    assert.ok(bridgeA && bridgeB && b1Mac, 'MACs not found');
    const listener = await new Promise<net.Server>((resolve, reject) => {
      const srv = net.createServer((c) => c.on('error', () => undefined).end('hello\n'));
      srv.on('error', reject);
      srv.listen(0, netB.gateway, () => resolve(srv));
    });
    const port = (listener.address() as net.AddressInfo).port;
    try {
      const arp = await python<Record<string, string[]>>(a1.id, PY_ARPING, [netA.gateway, b1.address, netB.gateway]);
      const detail = JSON.stringify(arp);
      assert.deepEqual(arp[netA.gateway], [bridgeA], `no ARP answer from a1's own gateway, the probe does not work: ${detail}`);
      assert.deepEqual(arp[b1.address], [], `a node of another session answered ARP: ${detail}`);
      // The host answers ARP for any of its addresses on any interface (arp_ignore=0), but only
      // with this session's bridge MAC: nothing of the other bridge crosses over.
      assert.deepEqual(arp[netB.gateway]?.filter((m) => m !== bridgeA), [], `the other bridge answered: ${detail}`);
      if ((arp[netB.gateway] ?? []).length > 0) t.diagnostic(`the host answers ARP for ${netB.gateway} on ${netA.bridge} (weak host model); IP traffic to it is dropped`);

      // Routes on-link and through the own gateway, as a student would add them.
      const r = await sh(
        a1.id,
        [
          `ip route add ${b1.address}/32 dev eth0; ip route add ${netB.gateway}/32 dev eth0`,
          `ping -c1 -W1 ${b1.address} >/dev/null 2>&1; echo "ping-b1-onlink $?"`,
          `ping -c1 -W1 ${netB.gateway} >/dev/null 2>&1; echo "ping-gwB-onlink $?"`,
          `timeout 2 bash -c 'exec 3<>/dev/tcp/${netB.gateway}/${port}' 2>/dev/null; echo "tcp-gwB-onlink $?"`,
          `ip route del ${b1.address}/32; ip route del ${netB.gateway}/32`,
          `ip route replace default via ${netA.gateway}`,
          `ping -c1 -W1 ${netB.gateway} >/dev/null 2>&1; echo "ping-gwB-routed $?"`,
          `timeout 2 bash -c 'exec 3<>/dev/tcp/${netB.gateway}/${port}' 2>/dev/null; echo "tcp-gwB-routed $?"`,
          'ip route del default',
          'ip neigh show | sed "s/^/neigh /"',
        ].join('\n'),
        { timeoutMs: CMD_TIMEOUT_MS },
      );
      for (const step of ['ping-b1-onlink', 'ping-gwB-onlink', 'tcp-gwB-onlink', 'ping-gwB-routed', 'tcp-gwB-routed']) {
        const line = r.stdout.split('\n').find((l) => l.startsWith(`${step} `));
        assert.ok(line !== undefined && !line.endsWith(' 0'), `${step} succeeded: ${show(r)}`);
      }
      const neigh = r.stdout.split('\n').filter((l) => l.startsWith('neigh '));
      assert.deepEqual(neigh.filter((l) => l.includes(b1Mac) || l.includes(bridgeB)), [], `another session's MAC learnt: ${show(r)}`);
      // The listener answers from the host: the refusals above are the firewall's.
      const ok = await new Promise<boolean>((resolve) => {
        const c = net.connect(port, netB.gateway, () => (c.end(), resolve(true)));
        c.on('error', () => resolve(false));
      });
      assert.equal(ok, true, 'the listener on the other gateway does not answer the host');
    } finally {
      listener.close();
    }
  });

  test('#28 host sockets: no docker/containerd/pier/systemd sockets, no host unix socket, abstract ones included', { timeout: TEST_TIMEOUT_MS }, async () => {
    const pathSock = `/tmp/pier-test-${rand}.sock`;
    const servers = await Promise.all(
      [`\0pier-test-${rand}`, pathSock].map(
        (address) =>
          new Promise<net.Server>((resolve, reject) => {
            const srv = net.createServer((c) => c.on('error', () => undefined).end('host\n'));
            srv.on('error', reject);
            srv.listen(address, () => resolve(srv));
          }),
      ),
    );
    try {
      const hostNames = unixNames(hostRead('/proc/net/unix') ?? '');
      // Node binds abstract names NUL-padded to the whole sun_path; /proc/net/unix shows each NUL as '@'.
      const abstract = [...hostNames].find((n) => n.startsWith(`@pier-test-${rand}`));
      assert.ok(abstract !== undefined && hostNames.has(pathSock), `the host does not list its own test sockets: ${[...hostNames].join(' ')}`);
      const hostConnects = await new Promise<boolean>((resolve) => {
        const c = net.connect(`\0pier-test-${rand}`, () => (c.end(), resolve(true)));
        c.on('error', () => resolve(false));
      });
      assert.equal(hostConnects, true, 'the abstract socket does not answer on the host');
      // /run/docker.sock exists in trixie sandboxes: their own, held by their own init (checked below).
      const candidates = [
        '/run/containerd/containerd.sock',
        '/run/containerd',
        '/run/podman/podman.sock',
        '/run/pier',
        runtime.paths.runcRoot,
        '/run/systemd',
        '/run/dbus/system_bus_socket',
        '/var/run/dbus/system_bus_socket',
        '/var/lib/pier',
        pathSock,
      ];
      const r = await sh(
        a1.id,
        [
          ...candidates.map((c) => `test -e ${c} && echo "present ${c}"`),
          'cat /proc/net/unix | sed "s/^/unix /"',
          'ss -xlp | sed "s/^/ss /"',
          'echo done',
        ].join('\n'),
        { timeoutMs: CMD_TIMEOUT_MS },
      );
      assert.match(r.stdout, /^done$/m, show(r));
      assert.deepEqual(r.stdout.split('\n').filter((l) => l.startsWith('present ')), [], `host paths present inside: ${show(r)}`);
      const inside = unixNames(r.stdout.split('\n').filter((l) => l.startsWith('unix ')).map((l) => l.slice(5)).join('\n'));
      assert.deepEqual([...inside].filter((n) => hostNames.has(n) && n !== '/run/docker.sock'), [], `host unix sockets listed inside: ${show(r)}`);
      if (inside.has('/run/docker.sock')) {
        // The sandbox's own Docker socket: its listener is the sandbox's PID 1 (pier's init), and
        // its inode is none of the host's sockets.
        assert.match(r.stdout, /^ss u_str LISTEN .*\/run\/docker\.sock .*users:\(\("init",pid=1,/m, show(r));
        const inode = /^unix \S+ \S+ \S+ \S+ \S+ \S+ (\d+) \/run\/docker\.sock$/m.exec(r.stdout)?.[1];
        assert.ok(inode, show(r));
        const hostInodes = (hostRead('/proc/net/unix') ?? '').split('\n').map((l) => l.trim().split(/\s+/)[6]);
        assert.ok(!hostInodes.includes(inode), `the sandbox's docker.sock (inode ${inode}) is a host socket`);
      }
      assert.doesNotMatch(r.stdout, new RegExp(`pier-test-${rand}`), show(r));
      // Connecting by name: the abstract namespace belongs to the network namespace.
      const tries = await python<Record<string, string>>(a1.id, PY_UNIX_CONNECT, [abstract, pathSock, '@/org/freedesktop/systemd1/notify', '/run/systemd/private']);
      assert.deepEqual(
        Object.entries(tries).filter(([, v]) => v === 'connected'),
        [],
        `connected to a host socket: ${JSON.stringify(tries)}`,
      );
      assert.deepEqual([tries[abstract], tries[pathSock]], ['ECONNREFUSED', 'ENOENT'], JSON.stringify(tries));
    } finally {
      for (const srv of servers) srv.close();
      rmSync(pathSock, { force: true });
    }
  });
});
