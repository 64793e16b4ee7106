import { seededRandom } from '../../src/core/random.js';

/** A seeded generator of hostile values: every case can be replayed from its seed. */
export class Gen {
  private readonly rnd: () => number;
  constructor(seed: number) {
    this.rnd = seededRandom(seed);
  }

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }

  chance(p: number): boolean {
    return this.rnd() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }

  /** Keys that pollute prototypes when copied carelessly. */
  static readonly PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

  /** A JSON object carrying a prototype-pollution key (as JSON.parse would build it). */
  poisoned(inner: Record<string, unknown> = {}): Record<string, unknown> {
    const key = this.pick(Gen.PROTO_KEYS);
    const o = JSON.parse(`{${JSON.stringify(key)}: {"polluted": "yes", "text": "p", "kind": "all"}}`) as Record<string, unknown>;
    return Object.assign(o, inner);
  }

  string(): string {
    switch (this.int(9)) {
      case 0:
        return '';
      case 1:
        return 'x'.repeat(this.pick([16_001, 70_000, 200_000, 4_000_001]));
      case 2:
        return this.pick(Gen.PROTO_KEYS);
      case 3:
        return '<script>alert(1)</script>';
      case 4:
        return '\u0000\uffff\ud800';
      case 5:
        return 'id with spaces';
      case 6:
        return 'a'.repeat(129);
      case 7:
        return `ok-${this.int(1000)}`;
      default:
        return String(this.int(1e9));
    }
  }

  /** Anything JSON can carry, and some things it cannot. */
  value(depth = 0): unknown {
    switch (this.int(depth > 2 ? 8 : 11)) {
      case 0:
        return null;
      case 1:
        return undefined;
      case 2:
        return this.chance(0.5);
      case 3:
        return this.pick([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -(2 ** 31)]);
      case 4:
      case 5:
      case 6:
        return this.string();
      case 7:
        return this.poisoned();
      case 8:
        return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = this.int(4); i > 0; i--) o[this.pick(['text', 'target', 'kind', 'turnId', 'steerId', 'controlId', 'status', 'agentId', ...Gen.PROTO_KEYS])] = this.value(depth + 1);
        return o;
      }
    }
  }

  /** A serial: sometimes well-formed and out of order, sometimes not a serial at all. */
  serial(): unknown {
    if (this.chance(0.8)) return `${String(1_700_000_000_000 + this.int(1000)).padStart(14, '0')}-${String(this.int(1000)).padStart(3, '0')}@s:${this.int(3)}`;
    return this.value();
  }

  /** Headers an attacker might forge. */
  headers(): unknown {
    if (this.chance(0.1)) return this.value();
    const h: Record<string, unknown> = {};
    const keys = ['ds-turn', 'ds-response', 'ds-agent', 'ds-status', 'ds-offset', 'ds-error', 'x-other', ...Gen.PROTO_KEYS];
    for (let i = this.int(7); i > 0; i--) {
      const k = this.pick(keys);
      h[k] = this.chance(0.6)
        ? this.pick(['streaming', 'complete', 'cancelled', 'error', 'done', '0', '-1', '1e3', '999999999999', '12', 'turn-1', 'resp-1', 'agent-1'])
        : this.value();
    }
    if (this.chance(0.2)) return Object.assign(this.poisoned(), h);
    return h;
  }
}
