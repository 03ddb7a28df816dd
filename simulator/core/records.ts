/**
 * Helpers for generated records: frozen shared values, plain copies for callers, and lazy read-only arrays so that
 * the ground truth of a very large table does not need one object per record in memory.
 */

// Aliases of globals used per element (see prng.ts: global lookups are slow inside jest's vm context).
const toNumber = Number;
const { isInteger } = Number;
const { freeze, isFrozen } = Object;
const { isArray } = Array;

/** Freezes a value and everything inside it (already frozen parts are taken as deeply frozen). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !isFrozen(value)) {
    Object.values(value).forEach(deepFreeze);
    freeze(value);
  }
  return value;
}

/** A deep copy without `undefined` members: what a client sees after JSON parsing. Frozen (shared) refs are reused. */
export function withoutUndefined<T>(value: T): T {
  if (value === null || typeof value !== 'object' || isFrozen(value)) return value;
  if (isArray(value)) return value.map(withoutUndefined) as T;
  const copy: Record<string, unknown> = {};
  for (const key in value) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner !== undefined) copy[key] = withoutUndefined(inner);
  }
  return copy as T;
}

/**
 * A read-only array whose elements are produced on access, for the ground truth of very large tables.
 * Reads behave as on a real array (index, length, iteration, map/filter/find, spread, JSON, jest equality);
 * writes fail. Each access builds the element again, so elements are equal but not identical between reads.
 */
export function lazyReadonlyArray<T>(length: number, at: (index: number) => T): readonly T[] {
  const indexOf = (key: string | symbol): number => {
    if (typeof key !== 'string') return -1;
    const index = toNumber(key);
    return isInteger(index) && index >= 0 && index < length && `${index}` === key ? index : -1;
  };
  return new Proxy(new Array<T>(length), {
    get(target, key, receiver) {
      const index = indexOf(key);
      return index >= 0 ? at(index) : Reflect.get(target, key, receiver);
    },
    has(target, key) {
      return indexOf(key) >= 0 || Reflect.has(target, key);
    },
    ownKeys(target) {
      const keys: (string | symbol)[] = [];
      for (let i = 0; i < length; i++) keys.push(String(i));
      return keys.concat(Reflect.ownKeys(target));
    },
    getOwnPropertyDescriptor(target, key) {
      const index = indexOf(key);
      if (index < 0) return Reflect.getOwnPropertyDescriptor(target, key);
      return { value: at(index), writable: false, enumerable: true, configurable: true };
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}
