// What an Accept header takes of each version, range by range (RFC 9110 §12.5.1): which JSON
// media types match, the weight the most specific matching range gives, and whether the
// client asked for the version or a vendor type (then the answer carries that media type).
// How negotiation weighs versions against each other is negotiation.test.ts's part.
import { describe, expect, it } from 'vitest';
import { type Acceptance, acceptances, VERSIONED_MEDIA_TYPES } from './media-type.ts';

/** Each version's acceptance, keyed by version, without the repeated id. */
function taken(accept: string): Record<string, Omit<Acceptance, 'version'>> {
  return Object.fromEntries(acceptances(accept).map(({ version, ...rest }) => [version, rest]));
}

const refused = { q: 0, mediaType: 'application/json', explicit: false, namesVersion: false };
const plain = (q = 1) => ({
  q,
  mediaType: 'application/json',
  explicit: false,
  namesVersion: false,
});

describe('acceptances', () => {
  it('answers every version, in registry order', () => {
    expect(acceptances('*/*').map((acceptance) => acceptance.version)).toEqual(['v1', 'v2']);
  });

  it('serves plain JSON first', () => {
    expect(VERSIONED_MEDIA_TYPES[0]).toBe('application/json');
  });

  it.each([
    ['*/*'],
    ['application/*'],
    ['application/json'],
    ['text/html;q=0.9, application/json'],
  ])('%j takes every version as plain JSON, asking for nothing', (accept) => {
    expect(taken(accept)).toEqual({ v1: plain(), v2: plain() });
  });

  it.each([[''], ['text/html'], ['application/xml, text/*'], ['application/jsonx'], ['json']])(
    '%j takes no version',
    (accept) => {
      expect(taken(accept)).toEqual({ v1: refused, v2: refused });
    },
  );

  it.each([['application/vnd.myapp+json'], ['application/vnd.api+json']] as const)(
    'a vendor type %j takes every version and asks for that type',
    (accept) => {
      const vendor = { q: 1, mediaType: accept, explicit: true, namesVersion: false };
      expect(taken(accept)).toEqual({ v1: vendor, v2: vendor });
    },
  );

  it.each([
    ['application/json; version=2'],
    ['application/json;version=v2'],
    ['application/json; version=V2'],
    ['application/json; version="2"'],
    ['APPLICATION/JSON; VERSION=2'],
    ['  application/json ;  version = 2  '],
  ])('%j names v2 and takes nothing else', (accept) => {
    expect(taken(accept)).toEqual({
      v1: refused,
      v2: { q: 1, mediaType: 'application/json', explicit: true, namesVersion: true },
    });
  });

  it.each([
    ['application/json; version=9'],
    ['application/vnd.api+json; version=2.0'],
    ['application/json; version='],
  ])('%j names a version that does not exist, so takes none', (accept) => {
    expect(taken(accept)).toEqual({ v1: refused, v2: refused });
  });

  it.each([
    ['0.5', 0.5],
    ['0', 0],
    ['1', 1],
    ['0.001', 0.001],
    // An unreadable weight is ignored, not held against the client.
    ['abc', 1],
    ['2', 1],
    ['-1', 1],
    ['', 1],
  ])('q=%s weighs %d', (q, weight) => {
    expect(taken(`application/json;q=${q}`).v1?.q).toBe(weight);
  });

  it.each([
    ['application/json;version=1;q=0, application/json'],
    ['application/json, application/json;version=1;q=0'],
  ])('the most specific range decides, wherever it stands: %j refuses v1 only', (accept) => {
    const result = taken(accept);
    expect(result.v1).toEqual(refused);
    expect(result.v2).toEqual(plain());
  });

  it('of two equally specific ranges, the first decides', () => {
    expect(taken('application/json;q=0.3, application/json;q=0.8').v1).toEqual(plain(0.3));
  });

  it('a range for the type decides for that type only; a wildcard still weighs the others', () => {
    // application/* is more specific than */* for every JSON type, so its weight decides.
    expect(taken('application/*;q=0.3, */*;q=0.9').v1).toEqual(plain(0.3));
    // application/json;q=0.2 decides for plain JSON only: the vendor types keep */*'s 1, and
    // the answer must say it is the vendor type.
    expect(taken('application/json;q=0.2, */*').v1).toEqual({
      q: 1,
      mediaType: 'application/vnd.myapp+json',
      explicit: true,
      namesVersion: false,
    });
  });

  it('refusing a version as plain JSON leaves its other media types to a wildcard', () => {
    const result = taken('application/json;version=1;q=0, */*');
    // The vendor type is the best left: no range named it, yet the answer must say it, since
    // plain JSON as v1 is what the client refused.
    expect(result.v1).toEqual({
      q: 1,
      mediaType: 'application/vnd.myapp+json',
      explicit: true,
      namesVersion: false,
    });
    expect(result.v2).toEqual(plain());
  });

  it('the heaviest media type wins', () => {
    expect(taken('application/json;q=0.4, application/vnd.api+json;q=0.8').v2).toEqual({
      q: 0.8,
      mediaType: 'application/vnd.api+json',
      explicit: true,
      namesVersion: false,
    });
  });

  it('on equal weight a named type beats a wildcard, and plain JSON beats a vendor type', () => {
    expect(taken('*/*, application/vnd.api+json').v1).toMatchObject({
      mediaType: 'application/vnd.api+json',
      explicit: true,
    });
    expect(taken('application/vnd.api+json, application/json').v1).toMatchObject({
      mediaType: 'application/json',
      explicit: false,
    });
  });

  it('a range naming the version beats one that does not, at equal weight', () => {
    expect(taken('application/vnd.api+json, application/json; version=1').v1).toEqual({
      q: 1,
      mediaType: 'application/json',
      explicit: true,
      namesVersion: true,
    });
  });

  it('weighs each version by its own ranges in a preference list', () => {
    const result = taken(
      'application/vnd.api+json; version=1; q=0.5, application/vnd.api+json; version=2',
    );
    expect(result.v1).toMatchObject({
      q: 0.5,
      mediaType: 'application/vnd.api+json',
      namesVersion: true,
    });
    expect(result.v2).toMatchObject({
      q: 1,
      mediaType: 'application/vnd.api+json',
      namesVersion: true,
    });
  });

  it('ignores parameters it does not know and pieces without a value', () => {
    expect(taken('application/json; charset=utf-8; profile; version=1').v1).toEqual({
      q: 1,
      mediaType: 'application/json',
      explicit: true,
      namesVersion: true,
    });
  });
});
