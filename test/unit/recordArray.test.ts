import fc from 'fast-check';
import { CONNECTWISE_RECORD_LAYOUT } from '../../sources/connectwise/client';
import { RecordArrayError, splitPage, type RecordLayout } from '../../shared/sources/recordArray';

/** ConnectWise's layout: a bare array, integer `id`, `_info.lastUpdated`. */
const splitRecordArray = (body: Uint8Array) => splitPage(body, CONNECTWISE_RECORD_LAYOUT).records;

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Records as ConnectWise sends them: an integer id, any other members, sometimes `_info.lastUpdated`. */
const recordArbitrary = fc
  .record({
    id: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    members: fc.dictionary(
      fc.string().filter((key) => key !== 'id' && key !== '_info'),
      fc.jsonValue(),
      { maxKeys: 6 },
    ),
    lastUpdated: fc.option(
      fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
    ),
  })
  .map(({ id, members, lastUpdated }) => ({
    ...members,
    id,
    ...(lastUpdated ? { _info: { updatedBy: 'api', lastUpdated: lastUpdated.toISOString() } } : {}),
  }));

describe('splitRecordArray', () => {
  it('given any page of records, in any JSON layout, then each record is its own exact text, with its id and lastUpdated (property)', () => {
    fc.assert(
      fc.property(
        fc.array(recordArbitrary, { maxLength: 8 }),
        fc.constantFrom(undefined, 2, '\t'),
        (records, indent) => {
          const page = encode(JSON.stringify(records, null, indent));
          const split = splitRecordArray(page);
          // Compared as JSON text: JSON has no -0, so a generated -0 comes back as 0.
          expect(split.map((record) => JSON.stringify(JSON.parse(decode(record.json))))).toEqual(
            records.map((record) => JSON.stringify(record)),
          );
          expect(split.map((record) => record.id)).toEqual(records.map((record) => String(record.id)));
          expect(split.map((record) => record.lastUpdated?.toISOString() ?? null)).toEqual(
            records.map((record) => (record._info ? record._info.lastUpdated : null)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('given a page cut anywhere, then it is an error, never a shorter page (property)', () => {
    fc.assert(
      fc.property(fc.array(recordArbitrary, { minLength: 1, maxLength: 4 }), fc.nat(), (records, cut) => {
        const text = JSON.stringify(records);
        const truncated = encode(text.slice(0, cut % text.length));
        expect(() => splitRecordArray(truncated)).toThrow(RecordArrayError);
      }),
      { numRuns: 300 },
    );
  });

  it('given strings holding brackets, quotes, escaped backslashes and non-ASCII, then records split where JSON.parse says', () => {
    const records = [
      {
        id: 1,
        summary: 'a } ] , { [ "quoted" \\ back\\slash\\',
        notes: ['{', '}'],
        _info: { lastUpdated: '2025-03-01T12:00:00Z' },
      },
      { id: 2, summary: 'Zürich — 東京 🎉', nested: { deep: [{ a: null }, true, false, -1.5e3] } },
      { id: 3, summary: '\\' },
    ];
    const split = splitRecordArray(encode(JSON.stringify(records)));
    expect(split.map((record) => JSON.parse(decode(record.json)))).toEqual(records);
    expect(split[0]!.lastUpdated).toEqual(new Date('2025-03-01T12:00:00Z'));
    expect(split[1]!.lastUpdated).toBeNull();
  });

  it('given a byte order mark and surrounding whitespace, then they are ignored', () => {
    const page = new Uint8Array([0xef, 0xbb, 0xbf, ...encode(' \n[ {"id": 7} ]\r\n')]);
    expect(splitRecordArray(page).map((record) => record.id)).toEqual(['7']);
    expect(splitRecordArray(encode('[]'))).toEqual([]);
  });

  it.each([
    ['an object instead of an array', '{}', /expected a JSON array of records/],
    ['an HTML error page', '<html>oops</html>', /expected a JSON array of records/],
    [
      'a record without an id',
      '[{"id":1},{"summary":"x"}]',
      /record #1 of the page has no integer key id \(\{"summary":"x"\}\)/,
    ],
    ['a string id', '[{"id":"12"}]', /record #0 of the page has no integer key id/],
    ['a fractional id', '[{"id":1.5}]', /record #0 of the page has no integer key id/],
    ['a null id', '[{"id":null}]', /record #0 of the page has no integer key id/],
    ['an element that is not an object', '[{"id":1},2]', /record #1 is not an object/],
    ['text after the array', '[{"id":1}] x', /unexpected text after the body/],
    ['a missing comma', '[{"id":1} {"id":2}]', /expected , or \] after record #0/],
    ['mismatched brackets', '[{"id":1,"a":[1}]', /mismatched bracket/],
    ['an unterminated string', '[{"id":1,"a":"x}]', /unterminated string/],
    ['a member without a colon', '[{"id" 1}]', /expected : after a member name/],
    ['a bare word', '[{"id":1,"a":[<b>]}]', /unexpected character/],
  ])('given %s, then it is a RecordArrayError that says where', (_name, body, message) => {
    expect(() => splitRecordArray(encode(body))).toThrow(message);
  });

  it('given the same key twice, then the last id counts, as with JSON.parse', () => {
    expect(splitRecordArray(encode('[{"id":1,"id":2}]'))[0]!.id).toBe('2');
  });

  it('hands back views into the body, not copies', () => {
    const body = encode('[{"id":1,"summary":"x"}]');
    const [record] = splitRecordArray(body);
    expect(record!.json.buffer).toBe(body.buffer);
    expect(decode(record!.json)).toBe('{"id":1,"summary":"x"}');
  });
});

/** ServiceNow's layout: `{"result": [...]}`, text `sys_id`, `sys_updated_on` as `YYYY-MM-DD HH:MM:SS` UTC. */
const SERVICENOW_LIKE: RecordLayout = {
  envelope: ['result'],
  idPath: ['sys_id'],
  idType: 'string',
  updatedAtPath: ['sys_updated_on'],
  parseUpdatedAt: (text) => {
    const stamp = new Date(`${text.replace(' ', 'T')}Z`);
    return Number.isNaN(stamp.getTime()) ? null : stamp;
  },
  envelopeFields: ['nextRecordsUrl', 'done'],
};

describe('splitPage with an envelope and text keys', () => {
  const hex = fc
    .array(fc.constantFrom(...'0123456789abcdef'), { minLength: 32, maxLength: 32 })
    .map((characters) => characters.join(''));
  const snRecord = fc
    .record({
      sys_id: hex,
      members: fc.dictionary(
        fc.string().filter((key) => key !== 'sys_id' && key !== 'sys_updated_on'),
        fc.jsonValue(),
        { maxKeys: 5 },
      ),
      stamp: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
    })
    .map(({ sys_id, members, stamp }) => ({
      ...members,
      sys_id,
      sys_updated_on: stamp.toISOString().slice(0, 19).replace('T', ' '),
    }));

  it('given any enveloped page, then each record is its exact text with its sys_id and sys_updated_on, and other envelope members are skipped or collected (property)', () => {
    fc.assert(
      fc.property(
        fc.array(snRecord, { maxLength: 6 }),
        fc.jsonValue(),
        fc.constantFrom(undefined, 2),
        (records, other, indent) => {
          const body = { before: other, result: records, nextRecordsUrl: '/next/2', after: other };
          const page = splitPage(encode(JSON.stringify(body, null, indent)), SERVICENOW_LIKE);
          expect(page.records.map((record) => JSON.stringify(JSON.parse(decode(record.json))))).toEqual(
            records.map((record) => JSON.stringify(record)),
          );
          expect(page.records.map((record) => record.id)).toEqual(records.map((record) => record.sys_id));
          expect(page.records.map((record) => record.lastUpdated?.toISOString().slice(0, 19))).toEqual(
            records.map((record) => record.sys_updated_on.replace(' ', 'T')),
          );
          expect(page.envelope).toEqual({ nextRecordsUrl: '"/next/2"' });
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    ['a bare array', '[]', /expected a JSON object around the records/],
    ['no result member', '{"error":{"message":"x"}}', /expected the records in member result/],
    ['a result that is not an array', '{"result":{}}', /expected a JSON array of records/],
    ['a numeric sys_id', '{"result":[{"sys_id":12}]}', /record #0 of the page has no text key sys_id/],
    ['an empty sys_id', '{"result":[{"sys_id":""}]}', /record #0 of the page has no text key sys_id/],
  ])('given %s, then it is a RecordArrayError that says what is wrong', (_name, body, message) => {
    expect(() => splitPage(encode(body), SERVICENOW_LIKE)).toThrow(message);
  });

  it('given a nested key path, then it is read from inside the record', () => {
    const layout: RecordLayout = {
      ...SERVICENOW_LIKE,
      idPath: ['key', 'value'],
      envelope: ['data', 'items'],
    };
    const body = '{"data":{"items":[{"key":{"value":"k1"},"sys_updated_on":"2026-01-01 00:00:00"}]}}';
    expect(splitPage(encode(body), layout).records.map((record) => record.id)).toEqual(['k1']);
  });
});
