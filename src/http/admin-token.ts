/** Operator endpoints are behind `Authorization: Bearer $ADMIN_TOKEN`. */
import { createHash, timingSafeEqual } from 'node:crypto';

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
}

/** A checker for one admin token. */
export function adminCheck(adminToken: string): (authorization: string | undefined) => boolean {
  const expected = sha256(adminToken);
  return (authorization) => {
    const token = bearerToken(authorization);
    // Hashing first gives equal lengths, so the comparison time says nothing about the token.
    return token !== undefined && timingSafeEqual(sha256(token), expected);
  };
}
