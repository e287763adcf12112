// Flag definitions in Unleash's client-features format (what `GET /api/client/features`
// answers): the whole truth offline, and the cold-start bootstrap online. Checked on load, so a
// broken file stops startup with a message naming the problem instead of serving every flag as
// "unknown".
import { readFile } from 'node:fs/promises';
import type { ClientFeaturesResponse } from 'unleash-client';
import { z } from 'zod';

/** The committed file: `npm start` serves it, and online instances start from it. */
export const OFFLINE_FLAGS_FILE = new URL('./offline-flags.json', import.meta.url);

const strategy = z.looseObject({
  name: z.string().min(1),
  parameters: z.record(z.string(), z.unknown()).optional(),
  constraints: z.array(z.looseObject({})).optional(),
});

const feature = z.looseObject({
  name: z.string().min(1),
  enabled: z.boolean(),
  strategies: z.array(strategy).optional(),
  variants: z.array(z.looseObject({ name: z.string().min(1) })).optional(),
});

const clientFeatures = z.looseObject({
  version: z.number().int(),
  // The SDK never becomes ready on an empty list (it waits for data that never comes).
  features: z.array(feature).min(1, 'must define at least one flag'),
  segments: z.array(z.looseObject({ id: z.number() })).optional(),
});

class FlagsFileError extends Error {
  override name = 'FlagsFileError';
}

/** Parses client-features JSON; throws FlagsFileError saying where it is wrong. */
function parseDefinitions(text: string, source: string): ClientFeaturesResponse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FlagsFileError(`${source}: not JSON (${(error as Error).message})`);
  }
  const result = clientFeatures.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new FlagsFileError(
      `${source}: not Unleash client-features JSON: ${issue?.path.join('.') || '(root)'} ${issue?.message}`,
    );
  }
  return result.data as unknown as ClientFeaturesResponse;
}

export async function readDefinitions(path: string | URL): Promise<ClientFeaturesResponse> {
  const source = path instanceof URL ? path.pathname : path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FlagsFileError(`${source}: cannot read the flags file (${(error as Error).message})`);
  }
  return parseDefinitions(text, source);
}
