/** Kept for existing imports: the ConnectWise simulator lives in connectwise/. */
export * from './connectwise/faults';
