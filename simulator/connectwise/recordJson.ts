/**
 * The UTF-8 JSON of a list page, written into one Buffer. Byte for byte what encoding `JSON.stringify` of each
 * record gives, but generated tickets, the bulk of the throughput benchmarks (issue 6), take a cheaper route:
 * JSON.stringify walking ~100 values and the encoding of a 3.7 KB string cost ~15 µs per ticket, more than half
 * of what serving a page cost. Here the frozen references a ticket shares (company, contact, board, status,
 * member…) are encoded once and copied in, member keys are constant bytes, and the `_info` links are written from
 * the id. Every page checks its first ticket against JSON.stringify; a difference turns the fast path off.
 */
import { HREF_BASE } from './catalog';
import type { CwRecord } from './types';

// Aliases of globals used per value (see prng.ts: global lookups are slow inside jest's vm context).
const { stringify } = JSON;
const { isFrozen } = Object;
const { isArray } = Array;
const { isFinite, isInteger } = Number;
const { floor, max } = Math;
const NodeBuffer = Buffer;

const encode = (text: string): Buffer => NodeBuffer.from(text, 'utf8');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ZERO = 0x30;
const NULL = encode('null');
const TRUE = encode('true');
const FALSE = encode('false');
/** Room kept free before each record; anything longer checks for room itself. */
const RECORD_SLACK = 16 * 1024;

/**
 * Encoded JSON of frozen objects. Frozen objects in records are deeply frozen (catalog.ts and the references of
 * data.ts), so their text never changes; a WeakMap lets references built outside data.ts's caches be collected.
 */
const frozenJson = new WeakMap<object, Buffer>();

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `,"name":` and the same with `true` and `false` after it. */
function flag(name: string): Flag {
  return { prefix: encode(`,"${name}":`), yes: encode(`,"${name}":true`), no: encode(`,"${name}":false`) };
}

interface Flag {
  prefix: Buffer;
  yes: Buffer;
  no: Buffer;
}

/** Constant pieces of a generated ticket (see generateTicket in data.ts), in member order. */
const T = {
  open: encode('{"id":'),
  summary: encode(',"summary":'),
  recordType: encode(',"recordType":'),
  board: encode(',"board":'),
  status: encode(',"status":'),
  company: encode(',"company":'),
  site: encode(',"site":{"id":'),
  siteNameMember: encode(',"name":'),
  siteInfo: encode(',"_info":{"site_href":'),
  siteClose: encode('}}'),
  siteName: encode(',"siteName":'),
  contact: encode(',"contact":'),
  contactName: encode(',"contactName":'),
  contactEmailAddress: encode(',"contactEmailAddress":'),
  type: encode(',"type":'),
  owner: encode(',"owner":'),
  priority: encode(',"priority":'),
  serviceLocation: encode(',"serviceLocation":'),
  source: encode(',"source":'),
  requiredDate: encode(',"requiredDate":'),
  budgetHours: encode(',"budgetHours":'),
  agreement: encode(',"agreement":'),
  severity: encode(',"severity":'),
  impact: encode(',"impact":'),
  closedDate: encode(',"closedDate":'),
  closedBy: encode(',"closedBy":'),
  closedFlag: flag('closedFlag'),
  actualHours: encode(',"actualHours":'),
  approved: flag('approved'),
  billTime: encode(',"billTime":'),
  billExpenses: encode(',"billExpenses":'),
  billProducts: encode(',"billProducts":'),
  customerUpdatedFlag: flag('customerUpdatedFlag'),
  automaticEmailContactFlag: flag('automaticEmailContactFlag'),
  automaticEmailResourceFlag: flag('automaticEmailResourceFlag'),
  dateResolved: encode(',"dateResolved":'),
  dateResponded: encode(',"dateResponded":'),
  respondMinutes: encode(',"respondMinutes":'),
  resolveMinutes: encode(',"resolveMinutes":'),
  isInSla: flag('isInSla'),
  hasChildTicket: flag('hasChildTicket'),
  hasMergedChildTicketFlag: flag('hasMergedChildTicketFlag'),
  parentTicketId: encode(',"parentTicketId":'),
  mobileGuid: encode(',"mobileGuid":'),
  slaStatus: encode(',"slaStatus":'),
  customFields: encode(',"customFields":['),
  comma: encode(','),
  value: encode(',"value":'),
  connectWiseId: encode(',"connectWiseId":'),
  closeObject: encode('}'),
  info: encode('],"_info":{"lastUpdated":'),
  updatedBy: encode(',"updatedBy":'),
  dateEntered: encode(',"dateEntered":'),
  enteredBy: encode(',"enteredBy":'),
  links: [
    encode(`,"activities_href":"${HREF_BASE}/sales/activities?conditions=ticket/id=`),
    encode(`","scheduleentries_href":"${HREF_BASE}/schedule/entries?conditions=type/id='S' AND objectId=`),
    encode(`","documents_href":"${HREF_BASE}/system/documents?recordType=Ticket&recordId=`),
    encode(`","configurations_href":"${HREF_BASE}/service/tickets/`),
    encode(`/configurations","tasks_href":"${HREF_BASE}/service/tickets/`),
    encode(`/tasks","notes_href":"${HREF_BASE}/service/tickets/`),
    encode(
      `/notes","products_href":"${HREF_BASE}/procurement/products?conditions=chargeToType='Ticket' AND chargeToId=`,
    ),
    encode(
      `","timeentries_href":"${HREF_BASE}/time/entries?conditions=(chargeToType='ServiceTicket' OR chargeToType='ProjectTicket') AND chargeToId=`,
    ),
  ],
  close: encode('"}}'),
};

/** The custom fields of a ticket without their `value` (data.ts generateTicket: ids 1, 4, 7). */
const CUSTOM_FIELDS = [
  [1, 'Story Points', 'Number', '0f6c1f62-2b1e-ee11-9169-ad5b9ff09301'],
  [4, 'S Number', 'Text', 'a342924e-4b95-ee11-9169-ad5b9ff0933e'],
  [7, 'Escalated', 'Checkbox', '6e0d2c11-7a44-ee11-9169-ad5b9ff09355'],
].map(([id, caption, type, guid]) => ({
  head: encode(
    `{"id":${id},"caption":"${caption}","type":"${type}","entryMethod":"EntryField","numberOfDecimals":0`,
  ),
  tail: encode(`,"connectWiseId":"${guid}"}`),
}));

let ticketFastPath = true;

/**
 * Page buffers whose response has been written, for the next pages: a fresh 4 MB buffer costs ~0.7 µs per record
 * in page faults alone. A few are enough for the pages in flight at once; more are left to the garbage collector.
 */
const spareBuffers: Buffer[] = [];
const MAX_SPARE_BUFFERS = 4;

function pageBuffer(size: number): Buffer {
  for (let i = spareBuffers.length - 1; i >= 0; i--) {
    const spare = spareBuffers[i] as Buffer;
    if (spare.length >= size) {
      spareBuffers.splice(i, 1);
      return spare;
    }
  }
  return NodeBuffer.allocUnsafeSlow(size);
}

/** Writes JSON arrays of records into one growing Buffer. */
export class JsonPageWriter {
  private out: Buffer;
  private pos = 0;
  private records = 0;
  private released = false;

  constructor(expectedBytes: number) {
    this.out = pageBuffer(max(1024, expectedBytes));
    this.out[this.pos++] = 0x5b;
  }

  /**
   * Gives the buffer back for later pages. Only once the bytes are no longer needed (written to the socket): the
   * writer and every view `bytes()` gave out must not be used afterwards.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (spareBuffers.length < MAX_SPARE_BUFFERS) spareBuffers.push(this.out);
  }

  private reserve(extra: number): void {
    const needed = this.pos + extra;
    if (needed <= this.out.length) return;
    const next = NodeBuffer.allocUnsafeSlow(max(needed, this.out.length * 2));
    this.out.copy(next, 0, 0, this.pos);
    this.out = next;
  }

  /** Appends `JSON.stringify(record)`; `generatedTicket` says it is a ticket exactly as generateTicket made it. */
  record(record: CwRecord, generatedTicket: boolean): void {
    this.reserve(RECORD_SLACK);
    if (this.records++ > 0) this.out[this.pos++] = 0x2c;
    if (!generatedTicket || !ticketFastPath) {
      this.utf8(stringify(record));
      return;
    }
    const start = this.pos;
    this.ticket(record);
    if (this.records === 1) this.checkTicket(record, start);
  }

  /** The page so far, closed (a view of the buffer, not a copy). */
  bytes(): Buffer {
    this.reserve(1);
    this.out[this.pos] = 0x5d;
    return this.out.subarray(0, this.pos + 1);
  }

  /** The fast path must give JSON.stringify's bytes; if it ever does not, it is switched off for good. */
  private checkTicket(record: CwRecord, start: number): void {
    const expected = encode(stringify(record));
    if (expected.equals(this.out.subarray(start, this.pos))) return;
    ticketFastPath = false;
    console.error(
      `simulator: ticket ${String(record.id)} serialised differently; using JSON.stringify from now on`,
    );
    this.pos = start;
    this.utf8(stringify(record));
  }

  private utf8(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    this.reserve(text.length * 3);
    this.pos += this.out.write(text, this.pos, 'utf8');
  }

  private raw(chunk: Buffer): void {
    this.out.set(chunk, this.pos);
    this.pos += chunk.length;
  }

  /** A JSON string: printable ASCII without `"` and `\` is copied as is, anything else goes through JSON.stringify. */
  private string(text: string): void {
    const count = text.length;
    if (count > 1024) {
      this.utf8(stringify(text));
      return;
    }
    const out = this.out;
    let at = this.pos;
    out[at++] = QUOTE;
    for (let i = 0; i < count; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x20 || code > 0x7e || code === QUOTE || code === BACKSLASH) {
        this.utf8(stringify(text));
        return;
      }
      out[at++] = code;
    }
    out[at++] = QUOTE;
    this.pos = at;
  }

  private number(value: number): void {
    if (!isInteger(value) || value < 0 || value > 0xffffffff) {
      if (isFinite(value)) this.utf8(`${value}`);
      else this.raw(NULL);
      return;
    }
    const out = this.out;
    if (value < 10) {
      out[this.pos++] = ZERO + value;
      return;
    }
    let digits = 1;
    for (let rest = value; rest >= 10; rest = floor(rest / 10)) digits++;
    let at = this.pos + digits;
    this.pos = at;
    for (let rest = value; rest > 0; rest = floor(rest / 10)) out[--at] = ZERO + (rest % 10);
  }

  /** JSON of a value that is not undefined. */
  private value(value: unknown): void {
    switch (typeof value) {
      case 'string':
        this.string(value);
        return;
      case 'number':
        this.number(value);
        return;
      case 'boolean':
        this.raw(value ? TRUE : FALSE);
        return;
      default:
        if (value === null) this.raw(NULL);
        else if (typeof value === 'object' && isFrozen(value) && !isArray(value))
          this.raw(frozenBytes(value));
        else this.utf8(stringify(value) as string);
    }
  }

  /** `,"key":value`, or nothing when the value is undefined (an omitted member). */
  private member(prefix: Buffer, value: unknown): void {
    if (value === undefined) return;
    this.raw(prefix);
    this.value(value);
  }

  /** A boolean member in one copy. */
  private flag(flag: Flag, value: unknown): void {
    if (value === true) this.raw(flag.yes);
    else if (value === false) this.raw(flag.no);
    else this.member(flag.prefix, value);
  }

  private ticket(r: Loose): void {
    const id = r.id as number;
    this.raw(T.open);
    this.number(id);
    this.member(T.summary, r.summary);
    this.member(T.recordType, r.recordType);
    this.member(T.board, r.board);
    this.member(T.status, r.status);
    this.member(T.company, r.company);
    const site = r.site as Loose | undefined;
    if (site !== undefined) {
      this.raw(T.site);
      this.value(site.id);
      this.raw(T.siteNameMember);
      this.value(site.name);
      this.raw(T.siteInfo);
      this.value((site._info as Loose).site_href);
      this.raw(T.siteClose);
    }
    this.member(T.siteName, r.siteName);
    this.member(T.contact, r.contact);
    this.member(T.contactName, r.contactName);
    this.member(T.contactEmailAddress, r.contactEmailAddress);
    this.member(T.type, r.type);
    this.member(T.owner, r.owner);
    this.member(T.priority, r.priority);
    this.member(T.serviceLocation, r.serviceLocation);
    this.member(T.source, r.source);
    this.member(T.requiredDate, r.requiredDate);
    this.member(T.budgetHours, r.budgetHours);
    this.member(T.agreement, r.agreement);
    this.member(T.severity, r.severity);
    this.member(T.impact, r.impact);
    this.member(T.closedDate, r.closedDate);
    this.member(T.closedBy, r.closedBy);
    this.flag(T.closedFlag, r.closedFlag);
    this.member(T.actualHours, r.actualHours);
    this.flag(T.approved, r.approved);
    this.member(T.billTime, r.billTime);
    this.member(T.billExpenses, r.billExpenses);
    this.member(T.billProducts, r.billProducts);
    this.flag(T.customerUpdatedFlag, r.customerUpdatedFlag);
    this.flag(T.automaticEmailContactFlag, r.automaticEmailContactFlag);
    this.flag(T.automaticEmailResourceFlag, r.automaticEmailResourceFlag);
    this.member(T.dateResolved, r.dateResolved);
    this.member(T.dateResponded, r.dateResponded);
    this.member(T.respondMinutes, r.respondMinutes);
    this.member(T.resolveMinutes, r.resolveMinutes);
    this.flag(T.isInSla, r.isInSla);
    this.flag(T.hasChildTicket, r.hasChildTicket);
    this.flag(T.hasMergedChildTicketFlag, r.hasMergedChildTicketFlag);
    this.member(T.parentTicketId, r.parentTicketId);
    this.member(T.mobileGuid, r.mobileGuid);
    this.member(T.slaStatus, r.slaStatus);
    this.raw(T.customFields);
    const fields = r.customFields as Loose[];
    for (let i = 0; i < CUSTOM_FIELDS.length; i++) {
      const field = CUSTOM_FIELDS[i] as (typeof CUSTOM_FIELDS)[number];
      if (i > 0) this.raw(T.comma);
      this.raw(field.head);
      this.member(T.value, (fields[i] as Loose).value);
      this.raw(field.tail);
    }
    const info = r._info as Loose;
    this.raw(T.info);
    this.value(info.lastUpdated);
    this.member(T.updatedBy, info.updatedBy);
    this.member(T.dateEntered, info.dateEntered);
    this.member(T.enteredBy, info.enteredBy);
    for (const link of T.links) {
      this.raw(link);
      this.number(id);
    }
    this.raw(T.close);
  }
}

function frozenBytes(value: object): Buffer {
  let bytes = frozenJson.get(value);
  if (bytes === undefined) {
    bytes = encode(stringify(value));
    frozenJson.set(value, bytes);
  }
  return bytes;
}
