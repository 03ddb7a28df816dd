/**
 * Splits a list page's body — a JSON array of records — into the records' own bytes, reading only what the
 * fetcher needs from each: its `id` and `_info.lastUpdated`.
 *
 * Why not JSON.parse: the fetcher stores every record as received (DESIGN §6) and the transform parses it
 * anyway, so building a page of objects only to serialise them again costs most of the fetcher's CPU (a
 * 1,000-ticket page is ~3.5 MB; parse + stringify ≈ 25 ms of the ~75 ms it took per page). This scanner
 * walks the structure — skipping string contents with a native byte search — and hands back zero-copy
 * slices of the response.
 *
 * What it checks: the body is one array of objects; brackets balance and match; strings end; every value
 * is a string, object, array or a literal made of literal characters; nothing follows the array. What it
 * does not: the grammar inside a literal or the escapes inside a string. A record broken there is still a
 * well-delimited record; the transform parses each record on its own and quarantines one that is not
 * JSON, with its bytes, so nothing is lost and one bad record never fails its page.
 */

/**
 * Splits a list page's body into the records' own bytes, reading only what the fetcher needs from each: its
 * key and its change cursor (updated-at). Every source uses it, parameterised by a RecordLayout: where the
 * array is (the body itself, as ConnectWise sends it, or a member of an envelope such as ServiceNow's
 * `{"result": […]}`), the path of the key and of the updated-at member, and how to read them.
 *
 * Why not JSON.parse: the fetcher stores every record as received (DESIGN §6) and the transform parses it
 * anyway, so building a page of objects only to serialise them again costs most of the fetcher's CPU (a
 * 1,000-ticket page is ~3.5 MB; parse + stringify ≈ 25 ms of the ~75 ms it took per page). This scanner
 * walks the structure — skipping string contents with a native byte search — and hands back zero-copy
 * slices of the response.
 *
 * What it checks: the body is one array of objects (inside its envelope); brackets balance and match; strings
 * end; every value is a string, object, array or a literal made of literal characters; nothing follows the
 * body. What it does not: the grammar inside a literal or the escapes inside a string. A record broken there is
 * still a well-delimited record; the transform parses each record on its own and quarantines one that is not
 * JSON, with its bytes, so nothing is lost and one bad record never fails its page.
 */

/** One record of a list page, kept as the bytes the source sent. */
export interface ReceivedRecord {
  /** The record's key as text (`1234`, a sys_id, a Salesforce Id): the canonical `source_id`. */
  id: string;
  /** The change cursor (`_info.lastUpdated`, `sys_updated_on`, …); null when absent or not a timestamp. */
  lastUpdated: Date | null;
  /** The record's JSON text exactly as received (UTF-8), a view into the response body. */
  json: Uint8Array;
}

/** Where a source's list page keeps its records and what the fetcher reads out of each. */
export interface RecordLayout {
  /** Member path from the body to the array of records; empty when the body is the array. */
  envelope: readonly string[];
  /** Member path of the key inside a record, e.g. `['id']`, `['sys_id']`. */
  idPath: readonly string[];
  /** `integer`: the key must be a JSON integer (ConnectWise); `string`: a non-empty JSON string. */
  idType: 'integer' | 'string';
  /** Member path of the change cursor, e.g. `['_info', 'lastUpdated']`. */
  updatedAtPath: readonly string[];
  /** Reads the change cursor's text (the string's content); null when it is not a timestamp. */
  parseUpdatedAt: (text: string) => Date | null;
  /** Top-level envelope members whose value the caller wants as JSON text (e.g. `nextRecordsUrl`). */
  envelopeFields?: readonly string[];
}

/** A page split into records, with the envelope members that were asked for (JSON text, when present). */
export interface SplitPage {
  records: ReceivedRecord[];
  envelope: Record<string, string>;
}

/** The body is not a page of records with keys; the message says where and why. */
export class RecordArrayError extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function isWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Characters a JSON literal (number, true, false, null) is made of. */
function isLiteralByte(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    (byte >= 0x61 && byte <= 0x7a) || // a-z (true, false, null, e)
    byte === 0x2d || // -
    byte === 0x2b || // +
    byte === 0x2e || // .
    byte === 0x45 // E
  );
}

/** A layout compiled once per source: member names as bytes, so the hot loop compares bytes. */
interface CompiledLayout {
  layout: RecordLayout;
  envelope: Uint8Array[];
  idPath: Uint8Array[];
  updatedAtPath: Uint8Array[];
  envelopeFields: Array<{ name: string; bytes: Uint8Array }>;
}

const compiledLayouts = new WeakMap<RecordLayout, CompiledLayout>();

function compile(layout: RecordLayout): CompiledLayout {
  let compiled = compiledLayouts.get(layout);
  if (!compiled) {
    if (layout.idPath.length === 0 || layout.updatedAtPath.length === 0)
      throw new Error('a record layout needs an id path and an updated-at path');
    compiled = {
      layout,
      envelope: layout.envelope.map(bytesOf),
      idPath: layout.idPath.map(bytesOf),
      updatedAtPath: layout.updatedAtPath.map(bytesOf),
      envelopeFields: (layout.envelopeFields ?? []).map((name) => ({ name, bytes: bytesOf(name) })),
    };
    compiledLayouts.set(layout, compiled);
  }
  return compiled;
}

/** A key's JSON text as the key (`1234`, `"a1b2…"`), or undefined when it is not a key of that type. */
function keyOf(text: string | undefined, type: RecordLayout['idType']): string | undefined {
  if (text === undefined) return undefined;
  if (type === 'integer') {
    // Number('"12"'), Number('null') and Number('{…}') are NaN: only a JSON number can be an integer key.
    const number = Number(text);
    return Number.isSafeInteger(number) ? String(number) : undefined;
  }
  if (text.charCodeAt(0) !== QUOTE) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof key === 'string' && key !== '' ? key : undefined;
}

/** Splits a page laid out as `layout` says. Throws RecordArrayError naming what is wrong and where. */
export function splitPage(body: Uint8Array, layout: RecordLayout): SplitPage {
  return new Scanner(body, compile(layout)).page();
}

class Scanner {
  private readonly bytes: Buffer;
  private at = 0;

  constructor(
    body: Uint8Array,
    private readonly layout: CompiledLayout,
  ) {
    // A Buffer view: its indexOf is a native byte search, which is what makes skipping strings cheap.
    this.bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    // A UTF-8 byte order mark is allowed before JSON text (RFC 8259 §8.1 lets parsers ignore it).
    if (this.bytes[0] === 0xef && this.bytes[1] === 0xbb && this.bytes[2] === 0xbf) this.at = 3;
  }

  page(): SplitPage {
    this.skipWhitespace();
    const envelope: Record<string, string> = {};
    let records: ReceivedRecord[] | undefined;
    if (this.layout.envelope.length === 0) {
      records = this.recordArray();
    } else {
      records = this.inEnvelope(0, envelope);
      if (!records)
        this.fail(`expected the records in member ${this.layout.layout.envelope.join('.')} of the body`);
    }
    this.skipWhitespace();
    if (this.at !== this.bytes.length) this.fail('unexpected text after the body');
    return { records, envelope };
  }

  /** Walks the envelope object at `depth` to the records' array; collects the asked-for top-level members. */
  private inEnvelope(depth: number, envelope: Record<string, string>): ReceivedRecord[] | undefined {
    if (this.bytes[this.at] !== OPEN_BRACE)
      this.fail(depth === 0 ? 'expected a JSON object around the records' : 'expected an object');
    let records: ReceivedRecord[] | undefined;
    const name = this.layout.envelope[depth]!;
    this.members((keyStart, keyEnd) => {
      if (this.keyIs(keyStart, keyEnd, name)) {
        records =
          depth === this.layout.envelope.length - 1
            ? this.recordArray()
            : this.inEnvelope(depth + 1, envelope);
        return true;
      }
      if (depth === 0) {
        const field = this.layout.envelopeFields.find((candidate) =>
          this.keyIs(keyStart, keyEnd, candidate.bytes),
        );
        if (field) {
          const valueStart = this.at;
          this.skipValue();
          envelope[field.name] = this.bytes.toString('utf8', valueStart, this.at);
          return true;
        }
      }
      return false;
    });
    return records;
  }

  private recordArray(): ReceivedRecord[] {
    if (this.bytes[this.at] !== OPEN_BRACKET) this.fail('expected a JSON array of records');
    this.at++;
    const records: ReceivedRecord[] = [];
    this.skipWhitespace();
    if (this.bytes[this.at] === CLOSE_BRACKET) {
      this.at++;
      return records;
    }
    for (;;) {
      this.skipWhitespace();
      records.push(this.record(records.length));
      this.skipWhitespace();
      const separator = this.bytes[this.at++];
      if (separator === CLOSE_BRACKET) return records;
      if (separator !== COMMA) this.fail(`expected , or ] after record #${records.length - 1}`, -1);
    }
  }

  private record(index: number): ReceivedRecord {
    const start = this.at;
    if (this.bytes[start] !== OPEN_BRACE) this.fail(`record #${index} is not an object`);
    const found: { id?: string; updatedAt?: string } = {};
    this.visit(this.layout.idPath, this.layout.updatedAtPath, found);
    const json = this.bytes.subarray(start, this.at);
    const { layout } = this.layout;
    const id = keyOf(found.id, layout.idType);
    if (id === undefined) {
      throw new RecordArrayError(
        `record #${index} of the page has no ${layout.idType === 'integer' ? 'integer' : 'text'} key ${layout.idPath.join('.')} (${this.bytes.toString('utf8', start, Math.min(this.at, start + 120))})`,
      );
    }
    const lastUpdated = found.updatedAt === undefined ? null : layout.parseUpdatedAt(found.updatedAt);
    return { id, lastUpdated, json: new Uint8Array(json.buffer, json.byteOffset, json.byteLength) };
  }

  /**
   * Walks the object at the cursor once, reading the member at the end of `idPath` (its JSON text) and the
   * string at the end of `updatedAtPath` (its content); paths of two or more names descend into objects.
   */
  private visit(
    idPath: readonly Uint8Array[] | undefined,
    updatedAtPath: readonly Uint8Array[] | undefined,
    found: { id?: string; updatedAt?: string },
  ): void {
    this.members((keyStart, keyEnd) => {
      const onId = idPath !== undefined && this.keyIs(keyStart, keyEnd, idPath[0]!);
      const onUpdatedAt = updatedAtPath !== undefined && this.keyIs(keyStart, keyEnd, updatedAtPath[0]!);
      if (!onId && !onUpdatedAt) return false;
      if (onId && idPath.length === 1) {
        const valueStart = this.at;
        this.skipValue();
        found.id = this.bytes.toString('utf8', valueStart, this.at);
        return true;
      }
      if (onUpdatedAt && updatedAtPath.length === 1) {
        if (this.bytes[this.at] !== QUOTE) return false;
        const valueStart = this.at;
        this.skipString();
        found.updatedAt = this.bytes.toString('latin1', valueStart + 1, this.at - 1);
        return true;
      }
      if (this.bytes[this.at] !== OPEN_BRACE) return false;
      this.visit(onId ? idPath.slice(1) : undefined, onUpdatedAt ? updatedAtPath.slice(1) : undefined, found);
      return true;
    });
  }

  /**
   * Walks an object's members from its `{` to past its `}`. `visit` is called with the key's bounds and the
   * position at the value; it consumes the value and returns true, or returns false to have it skipped.
   */
  private members(visit: (keyStart: number, keyEnd: number) => boolean): void {
    this.at++; // {
    this.skipWhitespace();
    if (this.bytes[this.at] === CLOSE_BRACE) {
      this.at++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.bytes[this.at] !== QUOTE) this.fail('expected a member name');
      const keyStart = this.at + 1;
      this.skipString();
      const keyEnd = this.at - 1;
      this.skipWhitespace();
      if (this.bytes[this.at] !== COLON) this.fail('expected : after a member name');
      this.at++;
      this.skipWhitespace();
      if (!visit(keyStart, keyEnd)) this.skipValue();
      this.skipWhitespace();
      const separator = this.bytes[this.at++];
      if (separator === CLOSE_BRACE) return;
      if (separator !== COMMA) this.fail('expected , or } in an object', -1);
    }
  }

  private skipValue(): void {
    const first = this.bytes[this.at];
    if (first === QUOTE) return this.skipString();
    if (first === OPEN_BRACE || first === OPEN_BRACKET) return this.skipNested();
    const start = this.at;
    while (this.at < this.bytes.length && isLiteralByte(this.bytes[this.at]!)) this.at++;
    if (this.at === start) this.fail('expected a value');
  }

  /** From an opening quote to past its closing quote. */
  private skipString(): void {
    this.at = this.stringEnd(this.at);
  }

  /** The position after the string that opens at `at`. */
  private stringEnd(at: number): number {
    const { bytes } = this;
    let quote = bytes.indexOf(QUOTE, at + 1);
    for (;;) {
      if (quote < 0) this.fail('unterminated string');
      let backslashes = 0;
      while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) return quote + 1; // an even run of backslashes escapes itself, not the quote
      quote = bytes.indexOf(QUOTE, quote + 1);
    }
  }

  /** A nested object or array, checking that brackets balance and match. The hot loop: locals only. */
  private skipNested(): void {
    const closers: number[] = [];
    const { bytes } = this;
    const length = bytes.length;
    let at = this.at;
    while (at < length) {
      const byte = bytes[at]!;
      if (byte === QUOTE) {
        at = this.stringEnd(at);
        continue;
      }
      if (byte === OPEN_BRACE) closers.push(CLOSE_BRACE);
      else if (byte === OPEN_BRACKET) closers.push(CLOSE_BRACKET);
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        if (closers.pop() !== byte) {
          this.at = at;
          this.fail('mismatched bracket');
        }
        if (closers.length === 0) {
          this.at = at + 1;
          return;
        }
      } else if (byte !== COMMA && byte !== COLON && !isLiteralByte(byte) && !isWhitespace(byte)) {
        this.at = at;
        this.fail('unexpected character');
      }
      at++;
    }
    this.at = at;
    this.fail('the body ends inside a record');
  }

  private keyIs(start: number, end: number, key: Uint8Array): boolean {
    if (end - start !== key.length) return false;
    for (let index = 0; index < key.length; index++)
      if (this.bytes[start + index] !== key[index]) return false;
    return true;
  }

  private skipWhitespace(): void {
    while (isWhitespace(this.bytes[this.at])) this.at++;
  }

  private fail(reason: string, offset = 0): never {
    const at = Math.max(0, this.at + offset);
    if (at >= this.bytes.length) throw new RecordArrayError(`${reason}: the body ends at byte ${at}`);
    const context = this.bytes.toString('utf8', Math.max(0, at - 40), Math.min(this.bytes.length, at + 40));
    throw new RecordArrayError(`${reason} at byte ${at} (…${context.replace(/\s+/g, ' ')}…)`);
  }
}
