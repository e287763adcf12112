// Which release this build is: the API, the migration bookkeeping and the lint read it.
import { z } from 'zod';
// Imported rather than read from disk, so the edge bundle (app/edge.ts), which has no file
// system, carries the same release default.
import packageJson from '../../package.json' with { type: 'json' };
import { type ConfigOf, variables } from './variable.ts';

/** package.json's version: the release of this build unless RELEASE says otherwise. */
function packageVersion(): string {
  return packageJson.version;
}

export const release = variables({
  RELEASE: {
    schema: z
      .string()
      .trim()
      .regex(/^[\w.+-]{1,64}$/, 'expected a version such as 1.4.2')
      .optional()
      .transform((value) => value ?? packageVersion()),
    default: undefined,
    doc: 'Version of this build (unset: `version` in package.json): `build_info{version}`, the trace resource `service.version`, the release in heartbeats and migration bookkeeping. The contract gate and the rollback check order releases as semantic versions; anything else counts as older than every release.',
  },
});

export type ReleaseConfig = ConfigOf<typeof release>;
