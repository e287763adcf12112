// One domain, two wire shapes: a user written through v1 reads correctly through v2 and the
// other way round, for one-word, many-word, extra-space and non-ASCII names, and writes through
// one version never lose what the other stored. Every response is checked against its document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiClient } from '../support/api-client.ts';
import { type Engine, startTestAppOn, type TestApp } from '../support/app-server.ts';
import { loadConformance } from '../support/openapi-conformance.ts';

const engines: Engine[] = ['postgres', 'pglite'];

interface UserV1 {
  id: number;
  name: string;
  email: string;
}
interface UserV2 {
  id: number;
  fullName: string;
  email: string;
  profile: { createdAt: string; updatedAt: string };
}

// [as sent to v1, what both versions read back]
const V1_NAMES = [
  ['Ada Lovelace', 'Ada Lovelace'],
  ['Plato', 'Plato'],
  ['  Grace   Brewster  Murray Hopper ', 'Grace Brewster Murray Hopper'],
  ['Zoë Ångström', 'Zoë Ångström'],
  ['李 小龙', '李 小龙'],
  ['José\u00a0María\tAznar', 'José María Aznar'],
] as const;

// [firstName, lastName as sent to v2, what both versions read back]
const V2_NAMES = [
  ['Ada', 'Lovelace', 'Ada Lovelace'],
  ['Plato', '', 'Plato'],
  ['  Mary   Ann ', ' van  der Berg ', 'Mary Ann van der Berg'],
  ['Łukasz', 'Żółć', 'Łukasz Żółć'],
  ['小龙', '李', '小龙 李'],
] as const;

describe.each(engines)('v1 and v2 share users on %s', (engine) => {
  let app: TestApp;
  let api: ApiClient;
  let serial = 0;
  const email = () => `cross${serial++}@example.com`;

  beforeAll(async () => {
    app = await startTestAppOn(engine);
    api = apiClient(app, await loadConformance(app.url, ['v1', 'v2']));
  });
  afterAll(async () => {
    await app?.close();
  });

  const read = async <T>(path: string) => {
    const response = await api.call(path);
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };
  /** Creates a user through `version` (a unique email is added) and returns what it answered. */
  const create = async <T>(version: 'v1' | 'v2', body: Record<string, string>) => {
    const response = await api.send('POST', `/api/${version}/users`, { ...body, email: email() });
    expect(response.status).toBe(201);
    return (await response.json()) as T;
  };

  it.each(V1_NAMES)('created through v1 as %j, reads as %j through both', async (sent, name) => {
    const created = await create<UserV1>('v1', { name: sent });
    expect(created.name).toBe(name);
    const v2 = await read<UserV2>(`/api/v2/users/${created.id}`);
    expect(v2).toMatchObject({ id: created.id, fullName: name, email: created.email });
    expect(await read<UserV1>(`/api/v1/users/${created.id}`)).toEqual(created);
  });

  it.each(V2_NAMES)(
    'created through v2 as %j %j, reads as %j through both',
    async (firstName, lastName, name) => {
      const created = await create<UserV2>('v2', { firstName, lastName });
      expect(created.fullName).toBe(name);
      expect(await read<UserV1>(`/api/v1/users/${created.id}`)).toEqual({
        id: created.id,
        name,
        email: created.email,
      });
      expect(await read<UserV2>(`/api/v2/users/${created.id}`)).toEqual(created);
    },
  );

  it('a v1 rename is what v2 reads; a v2 change is what v1 reads', async () => {
    const created = await create<UserV2>('v2', { firstName: 'Ann', lastName: 'Lee' });
    const path = (version: string) => `/api/${version}/users/${created.id}`;

    await api.send('PATCH', path('v1'), { name: 'Ann Marie  Lee-Smith' });
    expect((await read<UserV2>(path('v2'))).fullName).toBe('Ann Marie Lee-Smith');

    await api.send('PATCH', path('v2'), { lastName: 'Øster' });
    // v1 splits at the first word, so the first name it stored ("Ann") is what v2 changed next to.
    expect((await read<UserV1>(path('v1'))).name).toBe('Ann Øster');

    await api.send('PATCH', path('v2'), { email: 'ann.oster@example.com' });
    expect(await read<UserV1>(path('v1'))).toEqual({
      id: created.id,
      name: 'Ann Øster',
      email: 'ann.oster@example.com',
    });
  });

  it('a v1 email change keeps the name v2 wrote, part for part', async () => {
    const created = await create<UserV2>('v2', { firstName: 'Mary Ann', lastName: 'Evans' });
    await api.send('PATCH', `/api/v1/users/${created.id}`, { email: 'george.eliot@example.com' });
    const rows = (await api.snapshot()) as { id: number; firstName: string; lastName: string }[];
    expect(rows.find((row) => row.id === created.id)).toMatchObject({
      firstName: 'Mary Ann',
      lastName: 'Evans',
    });
  });

  it('a v1 write round-trips a v2 name of many words back to the same full name', async () => {
    const created = await create<UserV2>('v2', { firstName: 'Mary Ann', lastName: 'Evans' });
    const v1 = await read<UserV1>(`/api/v1/users/${created.id}`);
    await api.send('PATCH', `/api/v1/users/${created.id}`, { name: v1.name });
    expect((await read<UserV2>(`/api/v2/users/${created.id}`)).fullName).toBe('Mary Ann Evans');
  });

  it('both versions list the same users in the same order', async () => {
    const v1 = await read<{ data: UserV1[] }>('/api/v1/users?limit=100');
    const v2 = await read<{ data: UserV2[] }>('/api/v2/users?limit=100');
    expect(v2.data.map(({ id, fullName, email }) => ({ id, name: fullName, email }))).toEqual(
      v1.data,
    );
  });

  it('a user deleted through one version is gone in the other', async () => {
    const created = await create<UserV1>('v1', { name: 'Gone Soon' });
    expect((await api.call(`/api/v2/users/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api.call(`/api/v1/users/${created.id}`)).status).toBe(404);
  });

  it('unversioned paths serve the version the API-Version header names', async () => {
    const created = await create<UserV1>('v1', { name: 'Head Er' });
    const v1 = await api.call(`/api/users/${created.id}`, { headers: { 'API-Version': 'v1' } });
    expect(await v1.json()).toEqual(created);
    const v2 = await api.call(`/api/users/${created.id}`, { headers: { 'API-Version': 'v2' } });
    expect(await v2.json()).toMatchObject({ id: created.id, fullName: 'Head Er' });
  });
});
