import {
  assertPasswordPolicy,
  hashPassword,
  verifyPassword,
  warmUpPasswordVerification,
} from '../../api/auth/passwords';
import { ValidationError } from '../../shared/errors';

const PASSWORD = 'correct horse battery staple';

/** Median milliseconds of each action, run alternately so a burst of load elsewhere slows both alike. */
async function medianMs(times: number, ...actions: Array<() => Promise<unknown>>): Promise<number[]> {
  const samples = actions.map((): number[] => []);
  for (let run = 0; run < times; run++) {
    for (const [index, action] of actions.entries()) {
      const started = process.hrtime.bigint();
      await action();
      samples[index]!.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return samples.map((values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!);
}

describe('passwords', () => {
  it('given a password, when it is hashed, then the hash is argon2id with the OWASP parameters and a fresh salt', async () => {
    const first = await hashPassword(PASSWORD);
    const second = await hashPassword(PASSWORD);

    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(second).not.toBe(first);
    expect(first).not.toContain(PASSWORD);
  });

  it('given a stored hash, when the right and a wrong password are checked, then only the right one matches', async () => {
    const stored = await hashPassword(PASSWORD);

    expect(await verifyPassword(stored, PASSWORD)).toBe(true);
    expect(await verifyPassword(stored, `${PASSWORD} `)).toBe(false);
    expect(await verifyPassword(stored, 'Correct horse battery staple')).toBe(false);
  });

  it('given no stored hash (an unknown user), when a password is checked, then it fails after as long as a real check', async () => {
    // Prepare
    const stored = await hashPassword(PASSWORD);
    await warmUpPasswordVerification();

    // Act
    const [known, unknown] = await medianMs(
      9,
      () => verifyPassword(stored, 'a wrong password'),
      () => verifyPassword(undefined, 'a wrong password'),
    );

    // Assess: the same argon2 work either way (a shortcut would answer in well under a millisecond)
    expect(await verifyPassword(undefined, PASSWORD)).toBe(false);
    expect(unknown! / known!).toBeGreaterThan(0.5);
    expect(unknown! / known!).toBeLessThan(2);
  });

  it.each([
    ['that is empty', '', 'the password is empty'],
    ['of 10 characters', 'short pass', 'at least 12 characters (it has 10)'],
    ['of 1025 characters', 'x'.repeat(1025), 'at most 1024'],
  ])('given a password %s, when the policy checks it, then it is refused', (_label, password, reason) => {
    expect(() => assertPasswordPolicy(password)).toThrow(ValidationError);
    expect(() => assertPasswordPolicy(password)).toThrow(reason);
  });

  it('given a password of exactly 12 characters (counted as characters, not bytes), then the policy accepts it', () => {
    expect(() => assertPasswordPolicy('twelve chars')).not.toThrow();
    expect(() => assertPasswordPolicy('ééééééééééé')).toThrow('it has 11');
  });
});
