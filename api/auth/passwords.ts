/**
 * Password hashing with argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane):
 * https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id
 * The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) carries its own parameters, so hashes made
 * before a change of these still verify.
 */
import { randomBytes } from 'node:crypto';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { ValidationError } from '../../shared/errors';

export const MIN_PASSWORD_LENGTH = 12;
/** Far above any passphrase; it bounds the work one request can ask of the hasher. */
export const MAX_PASSWORD_LENGTH = 1024;

export const ARGON2ID_OPTIONS: Options = {
  // `Algorithm` is a const enum, which isolatedModules cannot read at run time: 2 is Argon2id.
  algorithm: 2 as Algorithm,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

/** Refuses a password too short (or absurdly long) to be stored, with the rule in the message, never the value. */
export function assertPasswordPolicy(password: string): void {
  const length = [...password].length;
  if (length === 0) throw new ValidationError('the password is empty');
  if (length < MIN_PASSWORD_LENGTH)
    throw new ValidationError(
      `the password is too short: it must have at least ${MIN_PASSWORD_LENGTH} characters (it has ${length})`,
    );
  if (length > MAX_PASSWORD_LENGTH)
    throw new ValidationError(`the password is too long: at most ${MAX_PASSWORD_LENGTH} characters`);
}

export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID_OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/** A hash of a random password with the same parameters: what an unknown user's login is checked against. */
function dummy(): Promise<string> {
  return (dummyHash ??= hashPassword(randomBytes(32).toString('base64url')));
}

/** Computes the dummy hash ahead of the first login, so that login is not slower than the ones after it. */
export async function warmUpPasswordVerification(): Promise<void> {
  await dummy();
}

/**
 * Whether `password` matches `storedHash`. Without a stored hash (no such user) it verifies against a dummy
 * hash and answers false, so an unknown email costs the same time as a wrong password and the answer's
 * timing does not say which emails exist.
 */
export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  if (storedHash === undefined) {
    await verify(await dummy(), password);
    return false;
  }
  return verify(storedHash, password);
}
