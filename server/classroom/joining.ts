// How a browser becomes a class's student: a join code (typed in any case; unknown codes
// rate-limited per client address, so guessing is throttled while a class behind one NAT
// address joins at once), and personal rejoin links that move a student to another browser.
import type { JoinPreview, MemberView, RejoinLink } from '../../protocol/classroom.js';
import { ServerError } from '../errors.js';
import { TokenBuckets, type Now } from '../http/rate-limit.js';
import { newId } from '../sessions/manager.js';
import type { ClassRow, MemberRow, Store } from '../store/store.js';
import { isOpenNow, settingsOf, type ClassCaps } from './classes.js';
import { normalizeJoinCode } from './join-code.js';
import { REJOIN_TTL_MS, signRejoin, verifyRejoin } from './rejoin-token.js';

/** Unknown join codes one client address may try: 10 a minute after a burst of 10. Right codes cost nothing. */
export const JOIN_GUESS_RATE = { perMinute: 10, burst: 10 } as const;

const iso = (ms: number) => new Date(ms).toISOString();

/** Joining and rejoining classes. */
export class Joining {
  readonly #store: Store;
  readonly #caps: ClassCaps;
  readonly #secret: Buffer;
  readonly #now: Now;
  readonly #guesses: TokenBuckets;
  readonly #joined: (classId: string, memberId: string) => void;

  /** @param joined told after a new student is stored (the live layer's `student` event) */
  constructor(o: { store: Store; caps: ClassCaps; secret: Buffer; now: Now; joined: (classId: string, memberId: string) => void }) {
    this.#store = o.store;
    this.#caps = o.caps;
    this.#secret = o.secret;
    this.#now = o.now;
    this.#joined = o.joined;
    this.#guesses = new TokenBuckets({ ...JOIN_GUESS_RATE, now: o.now });
  }

  /** The class of a join code, for the join page. @throws RATE_LIMITED (429, Retry-After), CLASS_NOT_FOUND */
  preview(typedCode: string, address: string): JoinPreview {
    const row = this.#classOfCode(typedCode, address);
    const settings = settingsOf(row, this.#caps);
    return { classId: row.id, name: settings.name, openNow: isOpenNow(settings, this.#now()) };
  }

  /**
   * Makes browser `owner` a student of the code's class; joining again returns the same
   * student (its name unchanged). Stored before it is acknowledged.
   * @throws RATE_LIMITED, CLASS_NOT_FOUND, CLASS_CLOSED
   */
  join(owner: string, typedCode: string, displayName: string, address: string): MemberView {
    const row = this.#classOfCode(typedCode, address);
    const existing = this.#store.memberOf(row.id, owner);
    if (existing !== null) return this.memberView(existing, row);
    if (!isOpenNow(settingsOf(row, this.#caps), this.#now())) throw new ServerError('CLASS_CLOSED', `class ${row.id} is closed`);
    const member = { id: newId(), classId: row.id, owner, displayName, joinedAt: this.#now() };
    try {
      this.#store.insertMember(member);
    } catch (err) {
      // Two joins of one browser at once: the other made the member.
      const raced = this.#store.memberOf(row.id, owner);
      if (raced === null) throw err;
      return this.memberView(raced, row);
    }
    this.#joined(row.id, member.id);
    return this.memberView({ ...member, lastSeenAt: member.joinedAt }, row);
  }

  /** A personal rejoin link (`<origin>/rejoin?token=<token>`, REJOIN_TTL_MS) for a student of the class. @throws STUDENT_NOT_FOUND */
  rejoinLink(classId: string, studentId: string, origin: string): RejoinLink {
    const m = this.#store.getMember(studentId);
    if (m === null || m.classId !== classId) throw new ServerError('STUDENT_NOT_FOUND', `no student ${studentId} in ${classId}`);
    const expiresAt = this.#now() + REJOIN_TTL_MS;
    return { url: `${origin}/rejoin?token=${signRejoin(studentId, expiresAt, this.#secret)}`, expiresAt: iso(expiresAt) };
  }

  /** The student a rejoin token names; the caller makes this browser its owner. @throws REJOIN_INVALID */
  rejoin(token: string): { owner: string; member: MemberView } {
    const memberId = verifyRejoin(token, this.#secret, this.#now());
    const m = memberId === null ? null : this.#store.getMember(memberId);
    const row = m === null ? null : this.#store.getClass(m.classId);
    if (m === null || row === null) throw new ServerError('REJOIN_INVALID', 'rejoin token refused');
    return { owner: m.owner, member: this.memberView(m, row) };
  }

  /** The wire view of a student of a class. */
  memberView(m: MemberRow, row: ClassRow): MemberView {
    return { classId: row.id, className: settingsOf(row, this.#caps).name, studentId: m.id, displayName: m.displayName, joinedAt: iso(m.joinedAt) };
  }

  #classOfCode(typedCode: string, address: string): ClassRow {
    const allowed = this.#guesses.check(address);
    if (!allowed.ok) {
      throw new ServerError('RATE_LIMITED', `join-code guessing from ${address}`, {
        retryAfterSeconds: allowed.retryAfterMs / 1000,
        userMessage: 'Too many wrong join codes; wait a minute and try again.',
      });
    }
    const code = normalizeJoinCode(typedCode);
    const row = code === null ? null : this.#store.classByCode(code);
    if (row === null) {
      this.#guesses.take(address);
      throw new ServerError('CLASS_NOT_FOUND', `no class with code ${typedCode.slice(0, 20)}`);
    }
    return row;
  }
}
