/**
 * Bounded memory for live charts: a fixed-size ring that overwrites its oldest item, and a
 * time series on top of it that keeps at most one point per interval, so a session of any
 * length holds the same number of points (the last `capacity x intervalMs`).
 */

export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  /** Where the next item goes. */
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`RingBuffer: capacity must be a whole number of at least 1, not ${capacity}`);
    }
    this.items = new Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** The newest item, if any. */
  last(): T | undefined {
    return this.count === 0
      ? undefined
      : this.items[(this.next - 1 + this.capacity) % this.capacity];
  }

  /** The oldest item, if any. */
  first(): T | undefined {
    return this.count === 0
      ? undefined
      : this.items[(this.next - this.count + this.capacity) % this.capacity];
  }

  /** Replace the newest item (a later value for the same interval). */
  replaceLast(item: T): void {
    if (this.count === 0) this.push(item);
    else this.items[(this.next - 1 + this.capacity) % this.capacity] = item;
  }

  /** Oldest first. */
  toArray(): T[] {
    const start = (this.next - this.count + this.capacity) % this.capacity;
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(start + i) % this.capacity] as T);
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}

/** A point of a time series: when, and what. */
export interface Timed {
  atMs: number;
}

/**
 * The last `capacity` intervals of a series, one point each: a point less than `intervalMs`
 * after the previous one replaces it (the newest value of an interval wins), so sampling
 * faster than the interval costs no memory.
 */
export class TimeWindow<T extends Timed> {
  private readonly ring: RingBuffer<T>;

  constructor(
    capacity: number,
    readonly intervalMs: number,
  ) {
    this.ring = new RingBuffer(capacity);
  }

  get size(): number {
    return this.ring.size;
  }

  add(point: T, merge?: (previous: T, next: T) => T): void {
    const last = this.ring.last();
    if (last !== undefined && point.atMs - last.atMs < this.intervalMs) {
      // Keep the interval's first time, so points stay at least an interval apart.
      this.ring.replaceLast({ ...(merge ? merge(last, point) : point), atMs: last.atMs });
    } else {
      this.ring.push(point);
    }
  }

  points(): T[] {
    return this.ring.toArray();
  }

  /** When the oldest point kept was taken (null when empty). */
  startMs(): number | null {
    return this.ring.first()?.atMs ?? null;
  }

  clear(): void {
    this.ring.clear();
  }
}
