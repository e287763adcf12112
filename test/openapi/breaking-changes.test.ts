// The breaking-change guard: nothing in the published documents in docs/openapi/ was narrowed
// or removed (that they are what the code builds now is test/generated.test.ts's), and the checker itself catches each rule on fixtures — and on the
// real documents — while letting additive changes through.
import { describe, expect, it } from 'vitest';
import { buildApiDocuments } from '../../app/api/openapi/documents.ts';
import { findBreakingChanges } from '../../scripts/openapi/breaking-changes.ts';
import { readSnapshot } from '../../scripts/openapi/snapshots.ts';
import { additiveChanges, breakingChanges, publishedFixture } from './fixtures.ts';

const documents = Object.entries(buildApiDocuments());
const rules = (found: { rule: string }[]) => [...new Set(found.map((change) => change.rule))];

describe.each(documents)('published %s', (version, current) => {
  it('breaks nothing its clients rely on', async () => {
    const published = await readSnapshot(version);
    expect(
      published,
      `docs/openapi/${version}.json is missing: run npm run generate`,
    ).toBeDefined();
    const found = await findBreakingChanges(
      JSON.parse(published?.openapi30 ?? '{}'),
      current.openapi30,
    );
    expect(
      found,
      'a published version may only grow: put breaking changes in a new version',
    ).toEqual([]);
  });
});

describe('the checker, on fixtures', () => {
  it.each(breakingChanges)('fails %s (%s)', async (_what, rule, change) => {
    const current = publishedFixture();
    change(current);
    expect(rules(await findBreakingChanges(publishedFixture(), current))).toContain(rule);
  });

  it.each(additiveChanges)('passes %s', async (_what, change) => {
    const current = publishedFixture();
    change(current);
    expect(await findBreakingChanges(publishedFixture(), current)).toEqual([]);
  });
});

describe('the checker, on the real v2 document', () => {
  // biome-ignore lint/suspicious/noExplicitAny: the tests reach into the document's insides
  const published = () => structuredClone(buildApiDocuments().v2.openapi30) as Record<string, any>;

  it('fails a field removed from the user', async () => {
    const current = published();
    delete current.components.schemas.UserV2.properties.fullName;
    current.components.schemas.UserV2.required = ['id', 'email', 'profile'];
    expect(rules(await findBreakingChanges(published(), current))).toContain(
      'response.body.scope.add',
    );
  });

  it('fails a member removed from every problem+json answer', async () => {
    const current = published();
    delete current.components.schemas.Problem.properties.requestId;
    current.components.schemas.Problem.required = ['type', 'title', 'status', 'instance'];
    expect(rules(await findBreakingChanges(published(), current))).toContain(
      'response.body.scope.add',
    );
  });

  it('fails a page size narrowed', async () => {
    const current = published();
    const limit = current.paths['/api/v2/users'].get.parameters.find(
      (parameter: { name: string }) => parameter.name === 'limit',
    );
    limit.schema.maximum = 50;
    expect(rules(await findBreakingChanges(published(), current))).toContain(
      'parameter.scope.remove',
    );
  });

  it('passes a new field in the user (an answer may always carry more)', async () => {
    const current = published();
    current.components.schemas.UserV2.properties.nickname = { type: 'string' };
    current.components.schemas.UserV2.required.push('nickname');
    expect(await findBreakingChanges(published(), current)).toEqual([]);
  });
});
