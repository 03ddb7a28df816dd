import { normalizeValue, toIsoTimestamp } from '../../api/store/normalize';
import { containsPattern } from '../../api/store/queries';
import { bucketsOf } from '../../api/store/tenantAnalytics';

describe('engine values normalised for the API', () => {
  it.each([
    ['2025-01-02 03:04:05+00', '2025-01-02T03:04:05.000Z'],
    ['2025-01-02 03:04:05.123456', '2025-01-02T03:04:05.123Z'],
    ['2025-01-02T03:04:05Z', '2025-01-02T03:04:05.000Z'],
    ['2025-01-02 05:04:05+02', '2025-01-02T03:04:05.000Z'],
    ['2025-01-02 05:04:05+0200', '2025-01-02T03:04:05.000Z'],
    ['2025-01-02', '2025-01-02T00:00:00.000Z'],
  ])('timestamp %s → %s', (input, expected) => expect(toIsoTimestamp(input)).toBe(expected));

  it('integers from bigint or text, and NaN (an average of nothing) as null', () => {
    expect(normalizeValue(12n, 'integer')).toBe(12);
    expect(normalizeValue('12', 'integer')).toBe(12);
    expect(normalizeValue(Number.NaN, 'number')).toBeNull();
    expect(normalizeValue('{"a":1}', 'json')).toEqual({ a: 1 });
    expect(normalizeValue('2025-03-04 00:00:00', 'date')).toBe('2025-03-04');
  });

  it('escapes LIKE pattern characters in a search term', () => {
    expect(containsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });

  it('lists every bucket of a period, weeks from Monday', () => {
    const period = { from: new Date('2025-03-05T00:00:00Z'), to: new Date('2025-03-20T00:00:00Z') };
    expect(bucketsOf(period, 'week')).toEqual(['2025-03-03', '2025-03-10', '2025-03-17']);
    expect(bucketsOf(period, 'month')).toEqual(['2025-03-01']);
    expect(bucketsOf(period, 'day')).toHaveLength(15);
  });
});
