// Which requests the host image mirror lets through (pull routes of the registry API, read
// only) and the registry-format error a refused or unavailable pull answers with. Pure.

/** A repository name as the distribution spec allows it (lower-case path components). */
const NAME = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*';
/** A tag or a digest. */
const REFERENCE = '[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+';
const DIGEST = '[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+';

/** Longest request target the mirror reads (a name is at most 255 characters). */
export const MAX_TARGET_LENGTH = 1024;

/** One kind of pull request. */
export type PullRoute =
  | { kind: 'base' }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'tags'; name: string };

const MANIFEST = new RegExp(`^/v2/(${NAME})/manifests/(${REFERENCE})$`);
// `blobs/uploads/…` never matches: "uploads" is no digest (no colon).
const BLOB = new RegExp(`^/v2/(${NAME})/blobs/(${DIGEST})$`);
const TAGS = new RegExp(`^/v2/(${NAME})/tags/list$`);

/**
 * Parses a request into a pull route, or null when the mirror must refuse it: any method
 * but GET and HEAD (no push: uploads, manifest PUTs and deletes never reach the registry),
 * any path outside the pull routes (uploads, `_catalog`, the registry's debug pages), dot
 * segments or percent-encoding in the path.
 * @param method the request's method
 * @param target the request target (path and query)
 */
export function parsePullRoute(method: string | undefined, target: string | undefined): PullRoute | null {
  if (method !== 'GET' && method !== 'HEAD') return null;
  if (target === undefined || target.length > MAX_TARGET_LENGTH) return null;
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  // Only `?n=`/`?last=` of tags/list are meaningful; any query elsewhere is refused.
  if (q !== -1 && !TAGS.test(path)) return null;
  if (path === '/v2/' || path === '/v2') return { kind: 'base' };
  let m = MANIFEST.exec(path);
  if (m?.[1] !== undefined && m[2] !== undefined) return { kind: 'manifest', name: m[1], reference: m[2] };
  m = BLOB.exec(path);
  if (m?.[1] !== undefined && m[2] !== undefined) return { kind: 'blob', name: m[1], digest: m[2] };
  m = TAGS.exec(path);
  if (m?.[1] !== undefined) return { kind: 'tags', name: m[1] };
  return null;
}

/** A registry API error body (distribution spec "Error Codes"), which docker and podman print. */
export function registryError(code: string, message: string): string {
  return JSON.stringify({ errors: [{ code, message, detail: null }] });
}

/** What the unavailable-image message names: the images a node can pull without internet. */
export interface OfflineCatalog {
  /** Image references, e.g. `nginx:latest`, as a student would type them. */
  images: readonly string[];
}

/**
 * The one line a student reads when an image is not available offline: what is offline,
 * what is available, and that an admin can enable internet. English, then Korean (the
 * registry protocol has no language negotiation; docker prints the message as it is).
 */
export function unavailableMessage(name: string, reference: string, catalog: OfflineCatalog): string {
  const shown = name.startsWith('library/') ? name.slice('library/'.length) : name;
  const list = catalog.images.length > 0 ? catalog.images.join(', ') : '(none: run pier image build)';
  return (
    `pier: ${shown}:${reference} is not available offline — this playground has no internet. ` +
    `Available: ${list}. An admin can enable internet (pier config "outbound": true, or the class's internet setting). / ` +
    `이 실습 환경은 인터넷에 연결되어 있지 않아 ${shown}:${reference} 이미지를 받을 수 없습니다. ` +
    `받을 수 있는 이미지: ${list}. 관리자가 인터넷을 켤 수 있습니다.`
  );
}

/**
 * The student-typed form of an image set's tags: `docker.io/library/nginx:1.22` → `nginx:1.22`.
 */
export function shortImageName(tag: string): string {
  return tag.replace(/^docker\.io\//, '').replace(/^library\//, '');
}
