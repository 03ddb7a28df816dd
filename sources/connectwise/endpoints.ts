/**
 * The ConnectWise Manage tables this product ingests and the REST path of each.
 * The single source of truth for the client, the planner, the simulator and the tenants-file schema.
 * Paths are relative to `{baseUrl}` = `https://{site}/{codebase}apis/3.0` (reference/source-apis.md §1.3).
 */
export const CONNECTWISE_ENDPOINTS = {
  companies: '/company/companies',
  contacts: '/company/contacts',
  tickets: '/service/tickets',
  time_entries: '/time/entries',
} as const;

export type ConnectWiseTable = keyof typeof CONNECTWISE_ENDPOINTS;

export const CONNECTWISE_TABLES = Object.keys(CONNECTWISE_ENDPOINTS) as ConnectWiseTable[];

/** The Accept header's pinned model version (reference §1.1: without a version you silently get the latest model). */
export const CONNECTWISE_API_VERSION = '2025.1';

/** ConnectWise never returns more than 1,000 records per page (reference §1.5). */
export const CONNECTWISE_MAX_PAGE_SIZE = 1000;
