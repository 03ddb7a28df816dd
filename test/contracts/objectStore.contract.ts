import type { ObjectStore } from '../../shared/ports';

export interface ObjectStoreFixture {
  store: ObjectStore;
  /** Releases what the factory created (a temp directory, a bucket prefix, a server). */
  cleanup(): Promise<void>;
}

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (value: string) => new TextEncoder().encode(value);
/** Compared as plain arrays: a store may hand back a Buffer, which is a Uint8Array but not equal to one in jest. */
const asArray = (value: Uint8Array | undefined) => (value === undefined ? undefined : Array.from(value));

/**
 * The behaviour every ObjectStore adapter must have (DESIGN §7). `makeStore` is called before every test and
 * must return an empty store.
 */
export function objectStoreContract(name: string, makeStore: () => Promise<ObjectStoreFixture>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let fixture: ObjectStoreFixture;
    let store: ObjectStore;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it('given binary data with every byte value, when it is put and read back, then the bytes are identical', async () => {
      // Prepare
      const body = Uint8Array.from({ length: 256 }, (_, index) => index);
      // Act
      await store.put('acme/raw/connectwise/tickets/part.bin', body);
      const read = await store.get('acme/raw/connectwise/tickets/part.bin');
      // Assess
      expect(read).toBeInstanceOf(Uint8Array);
      expect(asArray(read)).toEqual(Array.from(body));
    });

    it('given an empty body, when it is put and read back, then an empty object exists', async () => {
      await store.put('acme/empty.bin', new Uint8Array());

      const read = await store.get('acme/empty.bin');

      expect(asArray(read)).toEqual([]);
      expect(await store.list('acme/')).toEqual(['acme/empty.bin']);
    });

    it('given no object at a key, when it is read, then the result is undefined', async () => {
      await store.put('acme/present.bin', bytes(1));

      const read = await store.get('acme/absent.bin');

      expect(read).toBeUndefined();
    });

    it('given an object, when the same key is put again, then the second body replaces the first', async () => {
      await store.put('acme/state.json', text('{"v":1}'));

      await store.put('acme/state.json', text('{"v":2}'));

      expect(new TextDecoder().decode(await store.get('acme/state.json'))).toBe('{"v":2}');
      expect(await store.list('acme/')).toEqual(['acme/state.json']);
    });

    it('given keys under several tenants, when one tenant prefix is listed, then only its keys come back, sorted', async () => {
      // Prepare: written out of order, with a neighbour whose name extends the tenant id
      const keys = [
        'acme/raw/connectwise/tickets/date=2025-01-02/job-2/c00000-00000.parquet',
        'acme/raw/connectwise/companies/date=2025-01-01/job-1/c00000-00000.parquet',
        'acme/raw/connectwise/tickets/date=2025-01-01/job-1/c00001-00000.parquet',
        'acme/raw/connectwise/tickets/date=2025-01-01/job-1/c00000-00000.parquet',
      ];
      const neighbours = [
        'acme-2/raw/connectwise/tickets/date=2025-01-01/job-1/c00000-00000.parquet',
        'globex/raw/connectwise/tickets/date=2025-01-01/job-1/c00000-00000.parquet',
      ];
      for (const key of [...keys, ...neighbours]) await store.put(key, text(key));

      // Act
      const listed = await store.list('acme/');

      // Assess
      expect(listed).toEqual([...keys].sort());
    });

    it('given keys with date= partition segments, when a partition prefix is listed, then keys are whole and relative to the lake root', async () => {
      await store.put('acme/raw/connectwise/tickets/date=2025-01-01/job-1/c00000-00000.parquet', bytes(1));
      await store.put('acme/raw/connectwise/tickets/date=2025-01-01/job-1/c00000-00001.parquet', bytes(2));
      await store.put('acme/raw/connectwise/tickets/date=2025-01-02/job-2/c00000-00000.parquet', bytes(3));

      const listed = await store.list('acme/raw/connectwise/tickets/date=2025-01-01/');

      expect(listed).toEqual([
        'acme/raw/connectwise/tickets/date=2025-01-01/job-1/c00000-00000.parquet',
        'acme/raw/connectwise/tickets/date=2025-01-01/job-1/c00000-00001.parquet',
      ]);
      expect(asArray(await store.get(listed[1] as string))).toEqual([2]);
    });

    it('given nested keys, when a parent prefix is listed, then keys at every depth come back', async () => {
      await store.put('acme/a.bin', bytes(1));
      await store.put('acme/x/b.bin', bytes(2));
      await store.put('acme/x/y/z/c.bin', bytes(3));

      const listed = await store.list('acme/');

      expect(listed).toEqual(['acme/a.bin', 'acme/x/b.bin', 'acme/x/y/z/c.bin']);
    });

    it('given an object, when it is deleted, then it is gone and a second delete is not an error', async () => {
      await store.put('acme/canonical/tickets/connectwise/history.deltas/0000000001.parquet', bytes(1));
      await store.put('acme/canonical/tickets/connectwise/history.parquet', bytes(2));

      await store.delete('acme/canonical/tickets/connectwise/history.deltas/0000000001.parquet');
      await store.delete('acme/canonical/tickets/connectwise/history.deltas/0000000001.parquet');

      expect(
        await store.get('acme/canonical/tickets/connectwise/history.deltas/0000000001.parquet'),
      ).toBeUndefined();
      expect(await store.list('acme/')).toEqual(['acme/canonical/tickets/connectwise/history.parquet']);
    });

    it('given a prefix nothing was written under, when it is listed, then the list is empty', async () => {
      await store.put('acme/a.bin', bytes(1));

      const listed = await store.list('initech/');

      expect(listed).toEqual([]);
    });
  });
}
