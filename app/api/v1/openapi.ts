// What the v1 document describes: the users resource in the v1 wire shape.
import type { VersionDocumentBuilder } from '../openapi/version-document.ts';
import { defineUsersOperations } from '../users-operations.ts';
import { usersWireV1 } from './schemas.ts';

export function defineV1Operations(doc: VersionDocumentBuilder): void {
  defineUsersOperations(doc, usersWireV1);
}
