/**
 * A cache for incremental rendering: values built in one render are reused by the next one, and
 * what a render did not ask for is forgotten when it ends (`nextGeneration`), so the cache never
 * holds more than two renders' worth of entries. Values must be pure functions of their key and
 * whatever `fresh` checks.
 *
 * @module
 */

/** Keyed values of the current and the previous render. */
export class GenerationCache<K, V> {
  #previous = new Map<K, V>();
  #current = new Map<K, V>();

  /** The value under `key` if there is one and `fresh` accepts it, else `make()` (then kept). */
  get(key: K, make: () => V, fresh?: (value: V) => boolean): V {
    const now = this.#current.get(key);
    if (now !== undefined && (fresh === undefined || fresh(now))) return now;
    const before = this.#previous.get(key);
    const value = before !== undefined && (fresh === undefined || fresh(before)) ? before : make();
    this.#current.set(key, value);
    return value;
  }

  /** The value under `key` from this or the previous render, without keeping it. */
  peek(key: K): V | undefined {
    return this.#current.get(key) ?? this.#previous.get(key);
  }

  /** Ends a render: entries it did not use are dropped. */
  nextGeneration(): void {
    this.#previous = this.#current;
    this.#current = new Map();
  }

  /** Forget everything (the values' context changed). */
  clear(): void {
    this.#previous = new Map();
    this.#current = new Map();
  }

  /** Entries kept (both generations), for tests. */
  get size(): number {
    let n = this.#current.size;
    for (const k of this.#previous.keys()) if (!this.#current.has(k)) n++;
    return n;
  }
}
