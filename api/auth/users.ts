/**
 * The API's users: per tenant, keyed by email (lower case), each with one role and an argon2id hash.
 * Stored through the StateStore port: DynamoDB for a deployed stage, a log under STATE/api/ locally
 * (api/auth/localStores.ts says how the CLI and a running server share it).
 */
import { randomUUID } from 'node:crypto';
import { ROLES, type Role } from '../contract';
import { assertTenantId } from '../../shared/config/tenantId';
import { ValidationError } from '../../shared/errors';
import { systemClock, type Clock, type StateStore } from '../../shared/ports';
import { UserExistsError } from './errors';
import { assertPasswordPolicy, hashPassword } from './passwords';

/** A user as stored; `passwordHash` is for checking a login only (lists and answers use UserListing). */
export interface User {
  userId: string;
  tenantId: string;
  email: string;
  role: Role;
  passwordHash: string;
  /** ISO 8601. */
  createdAt: string;
}

/** A user as listed and returned: everything but the hash. */
export type UserListing = Omit<User, 'passwordHash'>;

/**
 * The item under (`user#{tenant}`, `email#{email}`). The port has no delete, so a removed user leaves a
 * tombstone that a later `add` of the same email replaces (with a new userId, so the old user's sessions
 * cannot be revived).
 */
type StoredUser = ({ status: 'active' } & User) | { status: 'removed'; removedAt: string };

export const USER_PARTITION_PREFIX = 'user#';
const EMAIL_PREFIX = 'email#';

const partition = (tenantId: string) => `${USER_PARTITION_PREFIX}${tenantId}`;

/** Lower case, trimmed, NFC: the one spelling of an email under which a user is stored and found. */
export function normalizeEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

// Deliberately loose (one @, a dot in the domain, no spaces): the address is an identifier here, never mailed.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** The normalised email, or a ValidationError saying what is wrong with it. */
export function assertEmail(email: string): string {
  const normalized = normalizeEmail(email);
  if (normalized.length > 254 || !EMAIL_PATTERN.test(normalized))
    throw new ValidationError(
      `invalid email ${JSON.stringify(email)}: expected an address like name@example.com`,
    );
  return normalized;
}

export function assertRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role))
    throw new ValidationError(`invalid role ${JSON.stringify(role)}: it must be one of ${ROLES.join(', ')}`);
  return role as Role;
}

export interface NewUser {
  tenantId: string;
  email: string;
  role: string;
  /** Checked against the password policy and hashed; never stored. */
  password: string;
}

/** The users of every tenant, over a StateStore. Tenant ids, emails and roles are validated on the way in. */
export class UserStore {
  constructor(
    private readonly state: StateStore,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Adds a user; a UserExistsError when the tenant has one with this email (in any case). */
  async add(newUser: NewUser): Promise<UserListing> {
    const tenantId = assertTenantId(newUser.tenantId);
    const email = assertEmail(newUser.email);
    const role = assertRole(newUser.role);
    assertPasswordPolicy(newUser.password);
    const sk = `${EMAIL_PREFIX}${email}`;
    // Checked before hashing (a tenth of a second) so a duplicate fails fast; the write below is the real check.
    const existing = await this.state.get<StoredUser>(partition(tenantId), sk);
    if (existing?.value.status === 'active') throw new UserExistsError(tenantId, email);
    const user: User = {
      userId: randomUUID(),
      tenantId,
      email,
      role,
      passwordHash: await hashPassword(newUser.password),
      createdAt: this.clock.now().toISOString(),
    };
    const stored: StoredUser = { status: 'active', ...user };
    const written = await this.state.putIfVersion(partition(tenantId), sk, stored, existing?.version ?? 0);
    if (!written) throw new UserExistsError(tenantId, email);
    return listing(user);
  }

  /** The tenant's users, by email, without their hashes. */
  async list(tenantId: string): Promise<UserListing[]> {
    const items = await this.state.query<StoredUser>(partition(assertTenantId(tenantId)), EMAIL_PREFIX);
    return items.flatMap((item) => (item.value.status === 'active' ? [listing(item.value)] : []));
  }

  /**
   * The user with this email, hash included (for a login), or undefined. An email that is not even valid is
   * simply not found, so a login treats it like any unknown one.
   */
  async find(tenantId: string, email: string): Promise<User | undefined> {
    const item = await this.state.get<StoredUser>(
      partition(assertTenantId(tenantId)),
      `${EMAIL_PREFIX}${normalizeEmail(email)}`,
    );
    if (item?.value.status !== 'active') return undefined;
    const { status: _status, ...user } = item.value;
    return user;
  }

  /** Removes the user; false when the tenant has no such user. Its sessions end at their next refresh. */
  async remove(tenantId: string, email: string): Promise<boolean> {
    const pk = partition(assertTenantId(tenantId));
    const sk = `${EMAIL_PREFIX}${normalizeEmail(email)}`;
    for (;;) {
      const item = await this.state.get<StoredUser>(pk, sk);
      if (item?.value.status !== 'active') return false;
      const tombstone: StoredUser = { status: 'removed', removedAt: this.clock.now().toISOString() };
      // A concurrent change (another remove, a re-add) moved the version: read it again and decide again.
      if (await this.state.putIfVersion(pk, sk, tombstone, item.version)) return true;
    }
  }
}

function listing(user: User): UserListing {
  return {
    userId: user.userId,
    tenantId: user.tenantId,
    email: user.email,
    role: user.role,
    createdAt: user.createdAt,
  };
}
