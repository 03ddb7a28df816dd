/** Kept for existing imports: the PRNG helpers are shared by every simulated source (core/prng.ts). */
export * from './core/prng';
