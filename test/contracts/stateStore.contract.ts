import type { StateStore } from '../../shared/ports';

export interface StateStoreFixture {
  store: StateStore;
  /** Releases what the factory created (a temp directory, a fake table). */
  cleanup(): Promise<void>;
}

interface Progress {
  chunkId: string;
  records: number;
}

const progress = (chunkId: string, records = 0): Progress => ({ chunkId, records });

/**
 * The behaviour every StateStore adapter must have (DESIGN §7): conditional writes, versions, ordered
 * consistent queries. `makeStore` is called before every test and must return an empty store.
 */
export function stateStoreContract(name: string, makeStore: () => Promise<StateStoreFixture>): void {
  describe(`StateStore contract: ${name}`, () => {
    let fixture: StateStoreFixture;
    let store: StateStore;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    describe('get', () => {
      it('given no item, when it is read, then the result is undefined', async () => {
        await store.putIfAbsent('job#1', 'chunk#c00000', progress('c00000'));

        const item = await store.get('job#1', 'chunk#c00001');

        expect(item).toBeUndefined();
      });
    });

    describe('putIfAbsent', () => {
      it('given no item, when it is put, then it is written with version 1', async () => {
        const written = await store.putIfAbsent('job#1', 'chunk#c00000', progress('c00000', 10));

        expect(written).toBe(true);
        expect(await store.get('job#1', 'chunk#c00000')).toEqual({
          value: progress('c00000', 10),
          version: 1,
        });
      });

      it('given an item, when it is put again, then the write is refused and the first value stays', async () => {
        await store.putIfAbsent('job#1', 'chunk#c00000', progress('c00000', 10));

        const written = await store.putIfAbsent('job#1', 'chunk#c00000', progress('c00000', 99));

        expect(written).toBe(false);
        expect(await store.get('job#1', 'chunk#c00000')).toEqual({
          value: progress('c00000', 10),
          version: 1,
        });
      });

      it('given the same sort key in another partition, when it is put, then both items exist independently', async () => {
        await store.putIfAbsent('job#1', 'chunk#c00000', progress('c00000', 1));

        const written = await store.putIfAbsent('job#2', 'chunk#c00000', progress('c00000', 2));

        expect(written).toBe(true);
        expect((await store.get('job#1', 'chunk#c00000'))?.value).toEqual(progress('c00000', 1));
        expect((await store.get('job#2', 'chunk#c00000'))?.value).toEqual(progress('c00000', 2));
      });

      it('given 20 concurrent writers of one absent item, when they all put it, then exactly one wins and its value is stored', async () => {
        // Prepare
        const writers = Array.from({ length: 20 }, (_, index) => progress('c00000', index));

        // Act
        const results = await Promise.all(
          writers.map((value) => store.putIfAbsent('job#1', 'chunk#c00000', value)),
        );

        // Assess
        const winners = results.flatMap((won, index) => (won ? [index] : []));
        expect(winners).toHaveLength(1);
        expect(await store.get('job#1', 'chunk#c00000')).toEqual({
          value: writers[winners[0] as number],
          version: 1,
        });
      });
    });

    describe('putIfVersion', () => {
      it('given no item, when it is put with expected version 0, then it is written with version 1', async () => {
        const written = await store.putIfVersion('watermark#acme', 'connectwise#tickets', { at: 'a' }, 0);

        expect(written).toBe(true);
        expect(await store.get('watermark#acme', 'connectwise#tickets')).toEqual({
          value: { at: 'a' },
          version: 1,
        });
      });

      it('given an item, when it is put with expected version 0, then the write is refused', async () => {
        await store.putIfAbsent('watermark#acme', 'connectwise#tickets', { at: 'a' });

        const written = await store.putIfVersion('watermark#acme', 'connectwise#tickets', { at: 'b' }, 0);

        expect(written).toBe(false);
        expect(await store.get('watermark#acme', 'connectwise#tickets')).toEqual({
          value: { at: 'a' },
          version: 1,
        });
      });

      it('given no item, when it is put with expected version 1, then the write is refused and nothing is created', async () => {
        const written = await store.putIfVersion('watermark#acme', 'connectwise#tickets', { at: 'a' }, 1);

        expect(written).toBe(false);
        expect(await store.get('watermark#acme', 'connectwise#tickets')).toBeUndefined();
      });

      it('given an item at version 1, when it is put with the right version, then it is replaced at version 2', async () => {
        await store.putIfAbsent('watermark#acme', 'connectwise#tickets', { at: 'a' });

        const written = await store.putIfVersion('watermark#acme', 'connectwise#tickets', { at: 'b' }, 1);

        expect(written).toBe(true);
        expect(await store.get('watermark#acme', 'connectwise#tickets')).toEqual({
          value: { at: 'b' },
          version: 2,
        });
      });

      it('given an item at version 2, when it is put with a stale version, then the write is refused and the value stays', async () => {
        await store.putIfAbsent('watermark#acme', 'connectwise#tickets', { at: 'a' });
        await store.putIfVersion('watermark#acme', 'connectwise#tickets', { at: 'b' }, 1);

        const written = await store.putIfVersion('watermark#acme', 'connectwise#tickets', { at: 'stale' }, 1);

        expect(written).toBe(false);
        expect(await store.get('watermark#acme', 'connectwise#tickets')).toEqual({
          value: { at: 'b' },
          version: 2,
        });
      });

      it('given successive writes that each read the version first, then the version increments by one every time', async () => {
        const versions: number[] = [];
        for (let step = 0; step < 5; step++) {
          const current = await store.get<{ step: number }>('counter#acme', 'runs');
          await store.putIfVersion('counter#acme', 'runs', { step }, current?.version ?? 0);
          versions.push((await store.get('counter#acme', 'runs'))?.version ?? -1);
        }

        expect(versions).toEqual([1, 2, 3, 4, 5]);
        expect((await store.get('counter#acme', 'runs'))?.value).toEqual({ step: 4 });
      });

      it('given 20 concurrent writers expecting the same version, when they all put, then exactly one wins', async () => {
        await store.putIfAbsent('watermark#acme', 'connectwise#tickets', { writer: -1 });

        const results = await Promise.all(
          Array.from({ length: 20 }, (_, writer) =>
            store.putIfVersion('watermark#acme', 'connectwise#tickets', { writer }, 1),
          ),
        );

        const winners = results.flatMap((won, writer) => (won ? [writer] : []));
        expect(winners).toHaveLength(1);
        expect(await store.get('watermark#acme', 'connectwise#tickets')).toEqual({
          value: { writer: winners[0] },
          version: 2,
        });
      });
    });

    describe('query', () => {
      it('given items of several partitions written out of order, when one partition is queried, then only its items come back in sort-key order', async () => {
        // Prepare: a neighbouring partition whose key extends this one
        for (const chunkId of ['c00002', 'c00000', 'c00010', 'c00001']) {
          await store.putIfAbsent('job#1#acme', `chunk#${chunkId}`, progress(chunkId));
        }
        await store.putIfAbsent('job#1#acme-2', 'chunk#c00000', progress('other'));
        await store.putIfAbsent('job#1', 'chunk#c00000', progress('other'));

        // Act
        const items = await store.query<Progress>('job#1#acme');

        // Assess
        expect(items.map((item) => item.sk)).toEqual([
          'chunk#c00000',
          'chunk#c00001',
          'chunk#c00002',
          'chunk#c00010',
        ]);
        expect(items.map((item) => item.value.chunkId)).toEqual(['c00000', 'c00001', 'c00002', 'c00010']);
        expect(items.every((item) => item.version === 1)).toBe(true);
      });

      it('given items with several sort-key prefixes, when queried by a prefix, then only matching items come back in order', async () => {
        await store.putIfAbsent('job#1', 'table#tickets', { kind: 'table' });
        await store.putIfAbsent('job#1', 'chunk#tickets#c00001', progress('c00001'));
        await store.putIfAbsent('job#1', 'chunk#tickets#c00000', progress('c00000'));
        await store.putIfAbsent('job#1', 'chunk#tickets_archive#c00000', progress('archive'));
        await store.putIfAbsent('job#1', 'chunk#companies#c00000', progress('companies'));
        await store.putIfAbsent('job#2', 'chunk#tickets#c00002', progress('other job'));

        const items = await store.query<Progress>('job#1', 'chunk#tickets#');

        expect(items).toEqual([
          { sk: 'chunk#tickets#c00000', value: progress('c00000'), version: 1 },
          { sk: 'chunk#tickets#c00001', value: progress('c00001'), version: 1 },
        ]);
      });

      it('given an item rewritten, when its partition is queried, then it shows the latest value and version', async () => {
        await store.putIfAbsent('job#1', 'chunk#c00000', progress('c00000', 1));
        await store.putIfVersion('job#1', 'chunk#c00000', progress('c00000', 2), 1);

        const items = await store.query<Progress>('job#1');

        expect(items).toEqual([{ sk: 'chunk#c00000', value: progress('c00000', 2), version: 2 }]);
      });

      it('given many items in one partition, when it is queried, then every item comes back once and in order', async () => {
        const chunkIds = Array.from({ length: 57 }, (_, index) => `c${String(index).padStart(5, '0')}`);
        await Promise.all(
          [...chunkIds].reverse().map((chunkId) => store.putIfAbsent('job#big', chunkId, progress(chunkId))),
        );

        const items = await store.query<Progress>('job#big');

        expect(items.map((item) => item.sk)).toEqual(chunkIds);
      });

      it('given no items in a partition, when it is queried, then the result is empty', async () => {
        await store.putIfAbsent('job#1', 'chunk#c00000', progress('c00000'));

        expect(await store.query('job#2')).toEqual([]);
        expect(await store.query('job#1', 'table#')).toEqual([]);
      });
    });

    describe('values', () => {
      it('given nested objects, arrays, unicode and edge numbers, when stored and read back by get and query, then they are equal', async () => {
        // Prepare
        const value = {
          tenant: 'acme',
          nested: { deeper: { list: [1, 'two', { three: [3] }], empty: {}, none: [] } },
          unicode: 'Zoë — 東京 — 🚀 — "quotes" \\ back\nslash',
          numbers: { zero: 0, negative: -42, float: 3.25, large: 9_007_199_254_740_991 },
          flags: [true, false],
          nothing: null,
          blank: '',
        };

        // Act
        await store.putIfAbsent('job#1', 'summary', value);
        const viaGet = await store.get<typeof value>('job#1', 'summary');
        const viaQuery = await store.query<typeof value>('job#1');

        // Assess
        expect(viaGet?.value).toEqual(value);
        expect(viaQuery[0]?.value).toEqual(value);
      });

      it('given values that are not objects, when stored and read back, then they are equal', async () => {
        await store.putIfAbsent('values', 'string', 'just text');
        await store.putIfAbsent('values', 'number', 12.5);
        await store.putIfAbsent('values', 'array', ['a', 1, { b: true }]);

        expect((await store.get('values', 'string'))?.value).toBe('just text');
        expect((await store.get('values', 'number'))?.value).toBe(12.5);
        expect((await store.get('values', 'array'))?.value).toEqual(['a', 1, { b: true }]);
      });
    });
  });
}
