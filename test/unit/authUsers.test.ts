import { UserExistsError } from '../../api/auth/errors';
import { verifyPassword } from '../../api/auth/passwords';
import { UserStore, type NewUser } from '../../api/auth/users';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import { InvalidTenantIdError, ValidationError } from '../../shared/errors';
import { ManualClock } from '../support/fakes';
import { aNewUser, PASSWORD } from '../support/authFixtures';

function aUserStore() {
  const state = new LocalStateStore();
  return { state, users: new UserStore(state, new ManualClock()) };
}

describe('UserStore', () => {
  it('given a new user, when added, then it is listed and found by email in any case, with a hash of its password', async () => {
    // Prepare
    const { users } = aUserStore();

    // Act
    const added = await users.add(aNewUser({ email: '  Ana@ACME.test ' }));

    // Assess
    expect(added).toEqual({
      userId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tenantId: 'acme',
      email: 'ana@acme.test',
      role: 'analyst',
      createdAt: '2026-01-15T10:00:00.000Z',
    });
    expect(await users.list('acme')).toEqual([added]);
    const found = await users.find('acme', 'ANA@acme.TEST');
    expect(found).toMatchObject(added);
    expect(await verifyPassword(found!.passwordHash, PASSWORD)).toBe(true);
  });

  it('given users, when listed, then no password or hash appears, sorted by email', async () => {
    const { users } = aUserStore();
    await users.add(aNewUser({ email: 'zoe@acme.test', role: 'viewer' }));
    await users.add(aNewUser({ email: 'bob@acme.test', role: 'admin' }));

    const listed = await users.list('acme');

    expect(listed.map((user) => user.email)).toEqual(['bob@acme.test', 'zoe@acme.test']);
    expect(JSON.stringify(listed)).not.toMatch(/argon2|passwordHash/);
    expect(JSON.stringify(listed)).not.toContain(PASSWORD);
  });

  it('given a user, when the same email is added again in another case, then it is refused naming tenant and email', async () => {
    const { users } = aUserStore();
    await users.add(aNewUser());

    const again = users.add(aNewUser({ email: 'ANA@acme.test', role: 'admin' }));

    await expect(again).rejects.toThrow(UserExistsError);
    await expect(users.add(aNewUser())).rejects.toThrow('tenant acme already has a user ana@acme.test');
    expect((await users.list('acme')).map((user) => user.role)).toEqual(['analyst']);
  });

  it('given two concurrent adds of one email, then exactly one is stored', async () => {
    const { users } = aUserStore();

    const results = await Promise.allSettled([
      users.add(aNewUser({ role: 'viewer' })),
      users.add(aNewUser({ role: 'admin' })),
    ]);

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')?.reason).toBeInstanceOf(UserExistsError);
    expect(await users.list('acme')).toHaveLength(1);
  });

  it('given the same email in two tenants, then they are two users, each listed only in its tenant', async () => {
    const { users } = aUserStore();
    const inAcme = await users.add(aNewUser({ tenantId: 'acme' }));
    const inGlobex = await users.add(aNewUser({ tenantId: 'globex', role: 'viewer' }));

    expect(inGlobex.userId).not.toBe(inAcme.userId);
    expect(await users.list('acme')).toEqual([inAcme]);
    expect(await users.list('globex')).toEqual([inGlobex]);
    expect((await users.find('globex', 'ana@acme.test'))?.role).toBe('viewer');
  });

  it('given a user, when removed, then it is neither found nor listed, and adding it again gives a new user', async () => {
    const { users } = aUserStore();
    const first = await users.add(aNewUser());

    expect(await users.remove('acme', 'ANA@acme.test')).toBe(true);
    expect(await users.find('acme', 'ana@acme.test')).toBeUndefined();
    expect(await users.list('acme')).toEqual([]);
    expect(await users.remove('acme', 'ana@acme.test')).toBe(false);

    const second = await users.add(aNewUser({ role: 'viewer' }));
    expect(second.userId).not.toBe(first.userId);
    expect(await users.list('acme')).toEqual([second]);
  });

  it('given no such user, when removed or found, then nothing happens', async () => {
    const { users } = aUserStore();

    expect(await users.remove('acme', 'nobody@acme.test')).toBe(false);
    expect(await users.find('acme', 'nobody@acme.test')).toBeUndefined();
    expect(await users.find('acme', 'not an email')).toBeUndefined();
  });

  it.each([
    [
      'an invalid tenant id',
      { tenantId: 'Acme Corp' },
      InvalidTenantIdError,
      'Invalid tenant id "Acme Corp"',
    ],
    ['an invalid email', { email: 'ana-at-acme' }, ValidationError, 'invalid email "ana-at-acme"'],
    ['an unknown role', { role: 'owner' }, ValidationError, 'it must be one of viewer, analyst, admin'],
    ['a short password', { password: 'hunter2' }, ValidationError, 'at least 12 characters'],
  ])(
    'given %s, when added, then it is refused and nothing is stored',
    async (_label, overrides: Partial<NewUser>, type, message) => {
      const { users, state } = aUserStore();

      const adding = users.add(aNewUser(overrides));

      await expect(adding).rejects.toThrow(type);
      await expect(users.add(aNewUser(overrides))).rejects.toThrow(message);
      expect(await state.query(`user#${overrides.tenantId ?? 'acme'}`)).toEqual([]);
    },
  );

  it('given an invalid tenant id, when listing or finding, then it is refused before reaching a key', async () => {
    const { users } = aUserStore();

    await expect(users.list('../etc')).rejects.toThrow(InvalidTenantIdError);
    await expect(users.find('ACME', 'ana@acme.test')).rejects.toThrow(InvalidTenantIdError);
  });
});
