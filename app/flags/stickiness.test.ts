// Sticky rollouts, through the project's flag client (offline, on definitions like Unleash's):
// the SDK's golden bucket values, monotonic growth of the enabled set, and the share enabled.
// Costs about a second: a few thousand evaluations on three clients.
import { afterAll, describe, expect, it } from 'vitest';
import { offlineFlagSource, rolloutFlag } from '../../test/support/flags.ts';
import type { FlagSource } from './flag-source.ts';

const sources: FlagSource[] = [];
async function source(name: string, rollout: number, groupId = name) {
  const created = await offlineFlagSource(rolloutFlag(name, rollout, groupId));
  sources.push(created);
  return created;
}
afterAll(async () => {
  await Promise.all(sources.map((created) => created.close()));
});

const enabled = (flags: FlagSource, name: string, userId: string) =>
  flags.evaluate(name, { userId }, false).enabled;

describe('flexibleRollout stickiness', () => {
  // bucket = murmurhash3(groupId:userId) % 100 + 1; enabled when bucket <= rollout. A bucket of
  // exactly b is enabled at b% and disabled at (b-1)%.
  it.each([
    { userId: '123', groupId: 'gr1', bucket: 73 },
    { userId: '999', groupId: 'groupX', bucket: 25 },
    { userId: '174', groupId: 'Feature.flexibleRollout.10', bucket: 10 },
    { userId: '499', groupId: 'Feature.flexibleRollout.10', bucket: 32 },
  ])(
    'puts user $userId of group $groupId in bucket $bucket (the SDK’s golden values)',
    async ({ userId, groupId, bucket }) => {
      expect(enabled(await source(`at-${bucket}`, bucket, groupId), `at-${bucket}`, userId)).toBe(
        true,
      );
      expect(
        enabled(await source(`below-${bucket}`, bucket - 1, groupId), `below-${bucket}`, userId),
      ).toBe(false);
    },
  );

  it('keeps every user enabled at 10% enabled at 50% (raising a rollout only adds users)', async () => {
    const at10 = await source('new_recommendation_algo', 10);
    const at50 = await source('new_recommendation_algo', 50);
    const ids = Array.from({ length: 5_000 }, (_, index) => String(index + 1));
    const in10 = ids.filter((id) => enabled(at10, 'new_recommendation_algo', id));
    const in50 = new Set(ids.filter((id) => enabled(at50, 'new_recommendation_algo', id)));
    expect(in10.length).toBeGreaterThan(0);
    expect(in10.filter((id) => !in50.has(id))).toEqual([]);
    // And the same user always gets the same answer.
    for (const id of in10.slice(0, 50))
      expect(enabled(at10, 'new_recommendation_algo', id)).toBe(true);
  });

  it('enables close to 30% of users at 30%', async () => {
    const at30 = await source('new_recommendation_algo', 30);
    const total = 10_000;
    let on = 0;
    for (let id = 1; id <= total; id++)
      if (enabled(at30, 'new_recommendation_algo', String(id))) on++;
    // Binomial standard deviation at n=10 000, p=0.3 is 0.46 points: ±1.5 is over 3 sigma.
    expect(Math.abs((on / total) * 100 - 30)).toBeLessThan(1.5);
  });
});
