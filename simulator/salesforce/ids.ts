/**
 * Salesforce record Ids (reference §B.2, SF5): a 3-character key prefix, a 2-character pod, a reserved `0` and nine
 * base62 digits (`0-9A-Za-z`, whose ASCII order is their numeric order), then the 3-character case-safe suffix.
 * The digits grow with creation order, so Ids sort by creation within an object, as keyset paging expects; they are
 * derived from (org seed, object, ordinal) and decode back to the ordinal, so they cost no storage.
 */
import { hashString, mix32 } from '../core/prng';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const DIGITS = 9;
const { floor } = Math;

/** Nine base62 digits of a non-negative integer below 62^9. */
export function base62(value: number, digits = DIGITS): string {
  let out = '';
  let rest = floor(value);
  for (let i = 0; i < digits; i++) {
    out = BASE62[rest % 62] + out;
    rest = floor(rest / 62);
  }
  return out;
}

export function fromBase62(text: string): number | undefined {
  let value = 0;
  for (const ch of text) {
    const digit = BASE62.indexOf(ch);
    if (digit < 0) return undefined;
    value = value * 62 + digit;
  }
  return value;
}

/**
 * The case-safe suffix of a 15-character Id: per five-character chunk, a bit per uppercase letter, written as one
 * character of A–Z0–5 (the algorithm Salesforce documents for 15 → 18 character conversion).
 */
export function caseSafeSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let flags = 0;
    for (let i = 0; i < 5; i++) {
      const code = id15.charCodeAt(chunk * 5 + i);
      if (code >= 65 && code <= 90) flags |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[flags];
  }
  return suffix;
}

/** An 18-character Id from its key prefix, pod and body value. */
export function makeId(keyPrefix: string, pod: string, value: number): string {
  const id15 = `${keyPrefix}${pod}0${base62(value)}`;
  return id15 + caseSafeSuffix(id15);
}

/** The two-character pod of an org (part of every Id it issues). */
export function podOf(seed: number): string {
  const h = mix32(seed, hashString('pod'));
  return `${(h % 9) + 1}${BASE62[10 + ((h >>> 8) % 52)]}`;
}

/**
 * The Ids of one object of one org: value(ordinal) = base + ordinal × step + jitter (jitter < step), strictly
 * increasing and decodable.
 */
export class IdCodec {
  private readonly base: number;
  private readonly step: number;

  constructor(
    private readonly seed: number,
    private readonly keyPrefix: string,
    private readonly pod: string,
  ) {
    const h = mix32(seed, hashString(`ids:${keyPrefix}`));
    // Bases below 62^7 leave room for tens of millions of records in nine digits.
    this.base = (h % 1_000_000) * 1_000_000 + 62 ** 5;
    this.step = 3 + ((h >>> 20) % 29);
  }

  idOf(ordinal: number): string {
    const jitter = mix32(this.seed, this.step, ordinal) % this.step;
    return makeId(this.keyPrefix, this.pod, this.base + ordinal * this.step + jitter);
  }

  /** The ordinal an Id (15 or 18 characters) encodes, or -1 when it is not one of this object's Ids. */
  ordinalOf(id: string): number {
    if ((id.length !== 15 && id.length !== 18) || !id.startsWith(`${this.keyPrefix}${this.pod}0`)) return -1;
    const value = fromBase62(id.slice(6, 15));
    if (value === undefined || value < this.base) return -1;
    const ordinal = floor((value - this.base) / this.step);
    const exact = this.idOf(ordinal);
    return exact.slice(0, 15) === id.slice(0, 15) && (id.length === 15 || exact === id) ? ordinal : -1;
  }
}
