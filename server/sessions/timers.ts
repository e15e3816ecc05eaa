// The clocks of one session: its end of life, the warning before it, and the idle timeout.
// Pure scheduling over an injected Clock; what happens when one fires is the caller's.
//
//   created ── activity (touch) ──► idle timer re-armed lazily
//      │                                 │ idle for sessionIdle − warnBefore
//      │ expiresAt − warnBefore          ▼
//      ▼                              onWarn(seconds to idle end) ── touch ──► (again)
//   onWarn(seconds to expiresAt)         │ sessionIdle
//      │ expiresAt                       ▼
//      ▼                              onIdle()
//   onExpire()
import type { Clock, TimerHandle } from './clock.js';

/** What the timers call. */
export interface TimerHandlers {
  /** The session reached `expiresAt`. */
  onExpire(): void;
  /** The session reached its idle timeout. */
  onIdle(): void;
  /** The session ends in `secondsLeft` seconds for `reason` unless something happens. */
  onWarn(secondsLeft: number, reason: WarnReason): void;
  /** Activity came after an idle warning: the idle end moved away (the page drops its warning). */
  onIdleCleared?(): void;
}

/** Why a session is about to end: its lifetime is up, or nobody used it for a while. */
export type WarnReason = 'lifetime' | 'idle';

/** Durations of the policy, in ms. */
export interface TimerPolicy {
  idleMs: number;
  warnBeforeMs: number;
}

/** One session's timers. `dispose` clears them all. */
export class SessionTimers {
  readonly #clock: Clock;
  readonly #policy: TimerPolicy;
  readonly #handlers: TimerHandlers;
  #expiresAt = 0;
  #expiry: TimerHandle | null = null;
  #warn: TimerHandle | null = null;
  #idle: TimerHandle | null = null;
  #lastActivity: number;
  /** `lastActivity` value the idle warning was sent for (one warning per idle stretch). */
  #idleWarnedFor = -1;
  #disposed = false;

  constructor(clock: Clock, policy: TimerPolicy, handlers: TimerHandlers) {
    this.#clock = clock;
    this.#policy = policy;
    this.#handlers = handlers;
    this.#lastActivity = clock.now();
  }

  /** When the session was last active (ms). */
  get lastActivity(): number {
    return this.#lastActivity;
  }

  /** (Re)arms the end-of-life and warning timers for `expiresAt` (ms), and the idle timer. */
  schedule(expiresAt: number): void {
    if (this.#disposed) return;
    this.#expiresAt = expiresAt;
    this.#clear('expiry');
    this.#clear('warn');
    const now = this.#clock.now();
    this.#expiry = this.#clock.setTimeout(() => this.#expiryFired(), expiresAt - now);
    const warnAt = expiresAt - this.#policy.warnBeforeMs;
    if (expiresAt > now) {
      this.#warn = this.#clock.setTimeout(() => {
        this.#warn = null;
        const left = this.#expiresAt - this.#clock.now();
        if (left > 0) this.#handlers.onWarn(Math.ceil(left / 1000), 'lifetime');
      }, warnAt - now);
    }
    if (this.#idle === null) this.#armIdle();
  }

  /** The clock's time now (ms): the instant a view of the session describes. */
  now(): number {
    return this.#clock.now();
  }

  /** The idle timeout (ms). */
  get idleMs(): number {
    return this.#policy.idleMs;
  }

  /**
   * Records activity: input, an attach, an API call. Cheap; timers re-arm when they fire.
   * Activity after an idle warning cancels it (`onIdleCleared`).
   */
  touch(): void {
    const warned = this.#idleWarnedFor === this.#lastActivity && !this.#disposed;
    this.#lastActivity = this.#clock.now();
    if (warned) {
      this.#idleWarnedFor = -1;
      this.#handlers.onIdleCleared?.();
    }
  }

  /**
   * When the session ends for inactivity (ms), while that end is near enough to warn about
   * and comes before the end of life; null otherwise (no idle warning is due).
   */
  idleWarningEndsAt(): number | null {
    const idleEnd = this.#lastActivity + this.#policy.idleMs;
    const now = this.#clock.now();
    if (idleEnd >= this.#expiresAt || now < idleEnd - this.#policy.warnBeforeMs) return null;
    return idleEnd;
  }

  /** Seconds until whichever end comes first (lifetime or idle), never negative. */
  secondsLeft(): number {
    const end = Math.min(this.#expiresAt, this.#lastActivity + this.#policy.idleMs);
    return Math.max(0, Math.ceil((end - this.#clock.now()) / 1000));
  }

  /** Whether the page should be showing a warning now. */
  warning(): boolean {
    return this.secondsLeft() * 1000 <= this.#policy.warnBeforeMs;
  }

  /** Clears every timer; nothing fires afterwards. */
  dispose(): void {
    this.#disposed = true;
    this.#clear('expiry');
    this.#clear('warn');
    this.#clear('idle');
  }

  #expiryFired(): void {
    this.#expiry = null;
    if (this.#disposed) return;
    // A long wait re-arms in steps (Node caps one timer at ~24.8 days).
    if (this.#clock.now() < this.#expiresAt) {
      this.#expiry = this.#clock.setTimeout(() => this.#expiryFired(), this.#expiresAt - this.#clock.now());
      return;
    }
    this.#handlers.onExpire();
  }

  #armIdle(): void {
    const idleEnd = this.#lastActivity + this.#policy.idleMs;
    const warnAt = idleEnd - this.#policy.warnBeforeMs;
    const due = this.#idleWarnedFor === this.#lastActivity || this.#clock.now() >= warnAt ? idleEnd : warnAt;
    this.#idle = this.#clock.setTimeout(() => this.#idleFired(), due - this.#clock.now());
  }

  #idleFired(): void {
    this.#idle = null;
    if (this.#disposed) return;
    const now = this.#clock.now();
    const idleEnd = this.#lastActivity + this.#policy.idleMs;
    if (now >= idleEnd) {
      this.#handlers.onIdle();
      return;
    }
    if (now >= idleEnd - this.#policy.warnBeforeMs && this.#idleWarnedFor !== this.#lastActivity) {
      this.#idleWarnedFor = this.#lastActivity;
      // Only warn about idling when it comes before the end of life (which warns itself).
      if (idleEnd < this.#expiresAt) this.#handlers.onWarn(Math.ceil((idleEnd - now) / 1000), 'idle');
    }
    this.#armIdle();
  }

  #clear(which: 'expiry' | 'warn' | 'idle'): void {
    const handle = which === 'expiry' ? this.#expiry : which === 'warn' ? this.#warn : this.#idle;
    if (handle) this.#clock.clearTimeout(handle);
    if (which === 'expiry') this.#expiry = null;
    else if (which === 'warn') this.#warn = null;
    else this.#idle = null;
  }
}
