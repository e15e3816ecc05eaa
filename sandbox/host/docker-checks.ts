// `pier doctor` lines about the Docker Engine inside sandboxes: what the host's kernel gives
// swarm (IPVS for service VIPs and the ingress mesh, VXLAN for overlay networks), and whether
// pier's init is built (it holds Docker's socket until first use).
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { pierInitBinary } from '../spec/init.js';
import type { HostCheck } from './doctor.js';

/** What the kernel says about one feature: built in or loaded, a module to load, or absent. */
export type KernelFeature = 'present' | 'module' | 'absent' | 'unknown';

/** Where the host's kernel configuration may be read. */
function kernelConfig(release: string): string | null {
  try {
    return gunzipSync(readFileSync('/proc/config.gz')).toString('utf8');
  } catch {
    // no /proc/config.gz (IKCONFIG_PROC off): Debian keeps it in /boot
  }
  try {
    return readFileSync(`/boot/config-${release}`, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Whether a kernel feature is there: `loaded` is a file that exists once it is in use
 * (/proc/net/ip_vs, /sys/module/vxlan), `option` its Kconfig symbol.
 */
export function kernelFeature(loaded: string, option: string, release: string, config: string | null = kernelConfig(release)): KernelFeature {
  if (existsSync(loaded)) return 'present';
  if (config === null) return existsSync(`/lib/modules/${release}`) ? 'unknown' : 'absent';
  const m = new RegExp(`^${option}=([ym])$`, 'm').exec(config);
  if (m?.[1] === 'y') return 'present';
  if (m?.[1] === 'm') return 'module';
  return 'absent';
}

/** The IPVS line: swarm's service VIPs and routing mesh need it; the rest of swarm does not. */
export function ipvsCheck(feature: KernelFeature): HostCheck {
  const without =
    'docker swarm init/join and overlay networks work, but service VIPs and the ingress routing mesh (`docker service create -p`) need IPVS: use `--endpoint-mode dnsrr` and reach tasks by name';
  if (feature === 'present') return { name: 'docker swarm: IPVS', status: 'ok', detail: 'ip_vs available (service VIPs, ingress mesh)' };
  if (feature === 'module') return { name: 'docker swarm: IPVS', status: 'warn', detail: `ip_vs is a module not loaded; ${without}`, fix: 'modprobe ip_vs' };
  return {
    name: 'docker swarm: IPVS',
    status: 'warn',
    detail: `${feature === 'unknown' ? 'IPVS not found (kernel config unreadable)' : 'this kernel has no IPVS (CONFIG_IP_VS)'}; ${without}`,
    fix: 'a kernel with CONFIG_IP_VS (Debian\'s has it as a module)',
  };
}

/** The VXLAN line: overlay networks between nodes are VXLAN tunnels. */
export function vxlanCheck(feature: KernelFeature): HostCheck {
  if (feature === 'present') return { name: 'docker swarm: VXLAN', status: 'ok', detail: 'vxlan available (overlay networks between nodes)' };
  if (feature === 'module') return { name: 'docker swarm: VXLAN', status: 'ok', detail: 'vxlan is a module (the first overlay network loads it)', fix: 'modprobe vxlan' };
  return { name: 'docker swarm: VXLAN', status: 'warn', detail: 'no VXLAN in this kernel: swarm overlay networks cannot be made', fix: 'a kernel with CONFIG_VXLAN' };
}

/** pier's init: without it Docker still starts, but only from the `docker` command. */
export function initCheck(binary: string | null = pierInitBinary()): HostCheck {
  if (binary !== null) return { name: 'pier init', status: 'ok', detail: `${binary} (PID 1 of sandboxes; starts dockerd on first use of its socket)` };
  return {
    name: 'pier init',
    status: 'warn',
    detail: 'not built: sandboxes run catatonit, and dockerd starts from the `docker` command only (not from the socket)',
    fix: 'bash scripts/setup.sh',
  };
}

/** Every Docker line of `pier doctor`. */
export function dockerChecks(release: string): HostCheck[] {
  return [initCheck(), ipvsCheck(kernelFeature('/proc/net/ip_vs', 'CONFIG_IP_VS', release)), vxlanCheck(kernelFeature('/sys/module/vxlan', 'CONFIG_VXLAN', release))];
}
