// Staff accounts (admin, instructors): first set-up, sign-in with rate limits per user
// name and per client address, sign-out, password change, adding and disabling
// instructors. Sign-ins are staff_sessions rows: deleting the row signs out.
import { randomInt, timingSafeEqual } from 'node:crypto';
import type { StaffView } from '../../protocol/classroom.js';
import { ServerError } from '../errors.js';
import { CreateLimiter, type Now } from '../http/rate-limit.js';
import { STAFF_SESSION_MAX_AGE_S } from '../http/staff-cookie.js';
import { newId } from '../sessions/manager.js';
import type { Store, UserRow } from '../store/store.js';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './passwords.js';

/**
 * Sign-in attempts: per user name 5 a minute after a burst of 10 (an online guess of a
 * password runs at 7 200 a day at most), per client address 30 a minute after 30 (a
 * classroom of instructors behind one NAT address shares it).
 */
export const SIGN_IN_RATE = { ownerPerMinute: 5, ownerBurst: 10, addressPerMinute: 30, addressBurst: 30 } as const;
/** Letters of the set-up code printed in the log. */
export const SETUP_CODE_LENGTH = 10;

/** A signed-in staff member, as the routes and the live layer see them. */
export interface StaffUser {
  id: string;
  username: string;
  role: 'admin' | 'instructor';
  /** The staff_sessions row of this sign-in. */
  sessionId: string;
}

/** The wire view of an account row. */
export function toStaffView(u: UserRow): StaffView {
  return { id: u.id, username: u.username, role: u.role, createdAt: new Date(u.createdAt).toISOString(), disabled: u.disabledAt !== null };
}

/** What a successful set-up or sign-in gives: the account and its new staff session id. */
export interface SignedIn {
  user: StaffView;
  sessionId: string;
}

/** Whether a SQLite error is a UNIQUE violation. */
function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Staff accounts over the store. */
export class Accounts {
  readonly #store: Store;
  readonly #now: Now;
  readonly #limiter: CreateLimiter;
  /** Required for a set-up from anywhere but this host; null once an account exists. */
  #setupCode: string | null;

  constructor(options: { store: Store; now?: Now }) {
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
    // CreateLimiter is two token buckets, keyed here by user name and client address.
    this.#limiter = new CreateLimiter(SIGN_IN_RATE, this.#now);
    this.#setupCode = this.setupNeeded() ? newSetupCode() : null;
    // Made now, so even the first sign-in with an unknown name costs one scrypt, not two.
    void DUMMY_HASH_PROMISE();
  }

  /** True while no account exists. */
  setupNeeded(): boolean {
    return this.#store.countUsers() === 0;
  }

  /** The set-up code to print in the log (null once set up). */
  get setupCode(): string | null {
    return this.setupNeeded() ? this.#setupCode : null;
  }

  /**
   * Creates the first (admin) account and signs it in. Allowed only while no account
   * exists, and only from this host (`local`) or with the set-up code from the log.
   * @throws SETUP_DONE, SETUP_CODE_REQUIRED
   */
  async setup(username: string, password: string, proof: { local: boolean; code: string | undefined }): Promise<SignedIn> {
    if (!this.setupNeeded()) throw new ServerError('SETUP_DONE', 'an account exists');
    if (!proof.local && !codeMatches(proof.code, this.#setupCode)) throw new ServerError('SETUP_CODE_REQUIRED', 'set-up from another host without the right code');
    const hash = await hashPassword(password);
    const user = this.#store.transaction(() => {
      // Checked again inside the transaction: two set-ups at once make one admin.
      if (this.#store.countUsers() > 0) throw new ServerError('SETUP_DONE', 'an account was made meanwhile');
      return this.#insert(username, 'admin', hash);
    });
    this.#setupCode = null;
    return { user: toStaffView(user), sessionId: this.#newStaffSession(user.id) };
  }

  /**
   * Creates an admin from the command line (`pier admin create`): no set-up code needed.
   * @throws USERNAME_TAKEN
   */
  async createAdmin(username: string, password: string): Promise<StaffView> {
    const hash = await hashPassword(password);
    return toStaffView(this.#insert(username, 'admin', hash));
  }

  /**
   * Signs in. Every attempt takes a token of the user name's and the address's buckets
   * first; unknown and disabled accounts cost the same scrypt as a wrong password.
   * @throws RATE_LIMITED (429, Retry-After), BAD_CREDENTIALS
   */
  async signIn(usernameTyped: string, password: string, address: string): Promise<SignedIn> {
    const username = usernameTyped.trim().toLowerCase();
    const decision = this.#limiter.take(username, address);
    if (!decision.ok) {
      throw new ServerError('RATE_LIMITED', `sign-in rate limit for ${username} at ${address}`, {
        retryAfterSeconds: decision.retryAfterMs / 1000,
        userMessage: 'Too many sign-in attempts; wait a minute and try again.',
      });
    }
    const user = this.#store.userByName(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH_PROMISE()));
    if (!user || !ok || user.disabledAt !== null) throw new ServerError('BAD_CREDENTIALS', `sign-in refused for ${username}`);
    return { user: toStaffView(user), sessionId: this.#newStaffSession(user.id) };
  }

  /** Ends one sign-in (idempotent). */
  signOut(sessionId: string): void {
    this.#store.deleteStaffSession(sessionId);
  }

  /** The staff member of staff session `sessionId`, or null (unknown, expired, disabled). */
  staffOfSession(sessionId: string): StaffUser | null {
    const u = this.#store.staffSessionUser(sessionId, this.#now());
    return u === null ? null : { id: u.id, username: u.username, role: u.role, sessionId };
  }

  /**
   * Changes the caller's password; every other sign-in of the account ends.
   * @throws BAD_CREDENTIALS when `current` is wrong
   */
  async changePassword(staff: StaffUser, current: string, next: string): Promise<void> {
    const user = this.#store.getUser(staff.id);
    if (!user || !(await verifyPassword(current, user.passwordHash))) throw new ServerError('BAD_CREDENTIALS', `wrong current password for ${staff.username}`);
    const hash = await hashPassword(next);
    this.#store.transaction(() => {
      this.#store.setUserPassword(user.id, hash);
      this.#store.deleteStaffSessionsOf(user.id, staff.sessionId);
    });
  }

  /** Every account (admin only). */
  list(): StaffView[] {
    return this.#store.listUsers().map(toStaffView);
  }

  /** Adds an account. @throws USERNAME_TAKEN */
  async create(username: string, password: string, role: 'admin' | 'instructor'): Promise<StaffView> {
    const hash = await hashPassword(password);
    return toStaffView(this.#insert(username, role, hash));
  }

  /** Disables an account and ends its sign-ins. @throws USER_NOT_FOUND, CANNOT_DISABLE_SELF */
  disable(by: StaffUser, userId: string): void {
    if (userId === by.id) throw new ServerError('CANNOT_DISABLE_SELF', `${by.username} tried to disable themselves`);
    if (this.#store.getUser(userId) === null) throw new ServerError('USER_NOT_FOUND', `no user ${userId}`);
    this.#store.disableUser(userId, this.#now());
  }

  /** The user name of an account (for "by" fields), or null. */
  usernameOf(userId: string): string | null {
    return this.#store.getUser(userId)?.username ?? null;
  }

  #insert(username: string, role: 'admin' | 'instructor', passwordHash: string): UserRow {
    const row = { id: newId(), username, role, passwordHash, createdAt: this.#now() };
    try {
      this.#store.insertUser(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ServerError('USERNAME_TAKEN', `user name ${username} is taken`, { cause: err });
      throw err;
    }
    return { ...row, disabledAt: null };
  }

  #newStaffSession(userId: string): string {
    const id = newId();
    const now = this.#now();
    this.#store.pruneStaffSessions(now);
    this.#store.insertStaffSession({ id, userId, createdAt: now, expiresAt: now + STAFF_SESSION_MAX_AGE_S * 1000 });
    return id;
  }
}

/** A random set-up code: letters and digits without look-alikes. */
function newSetupCode(): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  return Array.from({ length: SETUP_CODE_LENGTH }, () => alphabet[randomInt(alphabet.length)]).join('');
}

function codeMatches(given: string | undefined, want: string | null): boolean {
  if (given === undefined || want === null) return false;
  const a = Buffer.from(given.trim().toUpperCase());
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}
