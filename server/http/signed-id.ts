// Signed ids for cookies: `<id>.<base64url HMAC-SHA256>` under the server's secret, with a
// context string per use so a value signed for one cookie never verifies as another.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Signs and verifies ids of one kind. */
export interface IdSigner {
  /** The value of `id`: `<id>.<MAC>`. */
  sign(id: string, secret: Buffer): string;
  /** The id a value proves, or null when it is malformed or its MAC is wrong. */
  verify(value: string, secret: Buffer): string | null;
}

/** A signer for ids matching `pattern`, MACed under `context` (e.g. `pier_owner:v1:`). */
export function idSigner(context: string, pattern: RegExp): IdSigner {
  const mac = (id: string, secret: Buffer) => createHmac('sha256', secret).update(context + id).digest();
  return {
    sign: (id, secret) => `${id}.${mac(id, secret).toString('base64url')}`,
    verify(value, secret) {
      const dot = value.indexOf('.');
      if (dot < 0) return null;
      const id = value.slice(0, dot);
      if (!pattern.test(id)) return null;
      const given = Buffer.from(value.slice(dot + 1), 'base64url');
      const want = mac(id, secret);
      return given.length === want.length && timingSafeEqual(given, want) ? id : null;
    },
  };
}
