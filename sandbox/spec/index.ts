// Public API of the OCI spec builder: pure functions from plain data to config.json.
export type * from './oci-types.js';
export { GRANTED_CAPABILITIES } from './capabilities.js';
export {
  DEFAULT_SECCOMP_PROFILE_PATH,
  PIER_DENIED_SYSCALLS,
  PIER_ENOSYS_SYSCALLS,
  deniedSyscallErrno,
  ALLOWED_SOCKET_FAMILIES,
  loadDockerSeccompProfile,
  translateDockerSeccomp,
  hardenSeccomp,
  translateSeccomp,
  findSeccompConflicts,
  type DockerSeccompProfile,
  type SeccompTarget,
} from './seccomp.js';
export {
  OCI_VERSION,
  baseSpec,
  withRoot,
  withUserNamespace,
  withLimits,
  withMounts,
  withSeccomp,
  withEnv,
  buildSpec,
  type SpecInput,
  type SpecBind,
} from './build-spec.js';
export { nestedContainerBinds, nestedCgroups, withNestedCgroups, type NestedContainersInput } from './nested.js';
