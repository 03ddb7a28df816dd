import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

/**
 * The compression of every Parquet file the pipeline writes (flatParquet.ts): BROTLI at quality 1,
 * through Node's native zlib.
 *
 * Measured on a 1,000-ticket page (3.5 MB of JSON, CPU time): JavaScript Snappy (hyparquet-writer's
 * default) 12.5 ms → 448 KB; native GZIP level 1 10.4 ms → 315 KB; native BROTLI quality 1 3.6 ms →
 * 206 KB, and decompressing it takes about as long as GZIP (7 ms). Quality 1 because the raw layer is
 * compressed once per page on the hot path. DuckDB reads BROTLI Parquet.
 */
export const PARQUET_COMPRESSION = {
  codec: 'BROTLI' as const,
  compress: (input: Uint8Array): Uint8Array =>
    brotliCompressSync(input, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 1,
        [constants.BROTLI_PARAM_SIZE_HINT]: input.byteLength,
      },
    }),
};

/** For hyparquet readers: it decodes SNAPPY itself (files written before BROTLI) but needs BROTLI given. */
export const PARQUET_DECOMPRESSORS = {
  BROTLI: (input: Uint8Array): Uint8Array => brotliDecompressSync(input),
};
