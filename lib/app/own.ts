/**
 * Lookups by keys someone else chose. `record[key]` on a plain object also finds what
 * `Object.prototype` holds (`constructor`, `toString`, `__proto__`…), so a user's key reads a
 * function where "not there" was meant; these read and write own properties only.
 */

/** The value `record` itself holds under `key`, or undefined (never an inherited one). */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * Sets `record[key]` as an own property, even for `__proto__` (whose assignment would replace
 * the object's prototype instead), the way `JSON.parse` does.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}
