/** Operator endpoints are behind `Authorization: Bearer $ADMIN_TOKEN`. */
import { createHash, timingSafeEqual } from 'node:crypto';

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** A checker for one admin token. */
export function adminCheck(adminToken: string): (authorization: string | undefined) => boolean {
  const expected = sha256(adminToken);
  return (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    // Hashing first gives equal lengths, so the comparison time says nothing about the token.
    return match !== null && timingSafeEqual(sha256(match[1]), expected);
  };
}
