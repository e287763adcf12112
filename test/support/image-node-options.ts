// How the app's image runs Node (the Dockerfile's runtime stage): its NODE_OPTIONS, which every
// process of the image gets (the migration Job's too), and the V8 flags of its command, which
// only the server gets (Node refuses most V8 flags in NODE_OPTIONS). Read by the chart test that
// keeps them consistent with the memory limit, and by the benches that run the app as the image
// does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

function runtimeStage(root: string): string {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  return dockerfile.slice(dockerfile.indexOf('AS runtime'));
}

export function imageNodeOptions(root = ROOT): string {
  const options = /NODE_OPTIONS="([^"]*)"/.exec(runtimeStage(root))?.[1];
  if (options === undefined) throw new Error('the runtime image sets no NODE_OPTIONS');
  return options;
}

/** The runtime image's command, in exec form: `node`, its flags, the entry. */
function imageCommand(root = ROOT): string[] {
  const command = /^CMD (\[.*\])$/m.exec(runtimeStage(root))?.[1];
  if (command === undefined) throw new Error('the runtime image has no exec-form CMD');
  return JSON.parse(command) as string[];
}

/** The flags the image's command gives Node before the entry (none for `node app/main.ts`). */
export function imageNodeFlags(root = ROOT): string[] {
  return imageCommand(root).filter((argument) => argument.startsWith('--'));
}
