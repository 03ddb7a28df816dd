/** Request and response schemas of the /auth routes (zod, through fastify-type-provider-zod). */
import { z } from 'zod';
import { errorResponseSchema, ROLES } from '../contract';
import { TENANT_ID_PATTERN } from '../../shared/config/tenantId';
import { MAX_PASSWORD_LENGTH } from './passwords';

export { errorResponseSchema };

export const loginBodySchema = z.object({
  tenantId: z
    .string()
    .regex(TENANT_ID_PATTERN, 'a tenant id: lower-case letters, digits and dashes')
    .describe('the tenant the user belongs to'),
  email: z.string().min(3).max(254).describe('case does not matter'),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});
export type LoginBody = z.infer<typeof loginBodySchema>;

const refreshToken = z
  .string()
  .min(1)
  .max(200)
  .describe('the refresh token; browsers send the avesa_refresh cookie instead');

/** Optional as a whole: a browser sends no body (Fastify's null), only its HttpOnly cookie. */
export const refreshBodySchema = z.object({ refreshToken: refreshToken.optional() }).nullish();

export const sessionUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  tenantId: z.string(),
});

export const sessionResponseSchema = z.object({
  accessToken: z.string().describe('a JWT for the Authorization header: Bearer <accessToken>'),
  refreshToken: z.string().describe('single use: POST /auth/refresh returns the next one'),
  expiresIn: z.number().int().describe('seconds the access token is valid for'),
  user: sessionUserSchema,
});

export const meResponseSchema = z.object({
  user: sessionUserSchema,
  sessionId: z.string(),
  expiresAt: z.string().describe('when the access token expires (ISO 8601, UTC)'),
});

/** The verified access token's claims, checked again for shape before they become the principal. */
export const accessClaimsSchema = z.object({
  sub: z.string().min(1),
  tenantId: z.string().regex(TENANT_ID_PATTERN),
  role: z.enum(ROLES),
  email: z.string().min(1),
  sid: z.string().min(1),
  exp: z.number(),
});
