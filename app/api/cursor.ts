// Opaque page cursors. Clients must not build or parse them, so they are free to change; today
// a cursor is the base64url of "u:<last id>".
import { HttpProblem } from '../http/problem.ts';

const PREFIX = 'u:';

export function encodeCursor(afterId: number): string {
  return Buffer.from(`${PREFIX}${afterId}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString()
    : '';
  const digits = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : '';
  const afterId = /^[1-9]\d{0,15}$/.test(digits) ? Number(digits) : Number.NaN;
  if (!Number.isSafeInteger(afterId)) {
    throw new HttpProblem('validation-error', {
      detail: '1 problem with the request.',
      errors: [
        {
          parameter: 'cursor',
          detail: 'is not a cursor this API issued; use nextCursor from a previous page',
        },
      ],
    });
  }
  return afterId;
}
