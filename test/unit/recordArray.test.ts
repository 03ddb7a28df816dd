import fc from 'fast-check';
import { RecordArrayError, splitRecordArray } from '../../sources/connectwise/recordArray';

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
          expect(split.map((record) => record.id)).toEqual(records.map((record) => record.id));
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
    expect(splitRecordArray(page).map((record) => record.id)).toEqual([7]);
    expect(splitRecordArray(encode('[]'))).toEqual([]);
  });

  it.each([
    ['an object instead of an array', '{}', /expected a JSON array of records/],
    ['an HTML error page', '<html>oops</html>', /expected a JSON array of records/],
    [
      'a record without an id',
      '[{"id":1},{"summary":"x"}]',
      /record #1 of the page has no integer id \(\{"summary":"x"\}\)/,
    ],
    ['a string id', '[{"id":"12"}]', /record #0 of the page has no integer id/],
    ['a fractional id', '[{"id":1.5}]', /record #0 of the page has no integer id/],
    ['a null id', '[{"id":null}]', /record #0 of the page has no integer id/],
    ['an element that is not an object', '[{"id":1},2]', /record #1 is not an object/],
    ['text after the array', '[{"id":1}] x', /unexpected text after the array/],
    ['a missing comma', '[{"id":1} {"id":2}]', /expected , or \] after record #0/],
    ['mismatched brackets', '[{"id":1,"a":[1}]', /mismatched bracket/],
    ['an unterminated string', '[{"id":1,"a":"x}]', /unterminated string/],
    ['a member without a colon', '[{"id" 1}]', /expected : after a member name/],
    ['a bare word', '[{"id":1,"a":[<b>]}]', /unexpected character/],
  ])('given %s, then it is a RecordArrayError that says where', (_name, body, message) => {
    expect(() => splitRecordArray(encode(body))).toThrow(message);
  });

  it('given the same key twice, then the last id counts, as with JSON.parse', () => {
    expect(splitRecordArray(encode('[{"id":1,"id":2}]'))[0]!.id).toBe(2);
  });

  it('hands back views into the body, not copies', () => {
    const body = encode('[{"id":1,"summary":"x"}]');
    const [record] = splitRecordArray(body);
    expect(record!.json.buffer).toBe(body.buffer);
    expect(decode(record!.json)).toBe('{"id":1,"summary":"x"}');
  });
});
