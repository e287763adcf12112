// The Node entry of the API server (`npm start`, the image's CMD). Installed packages' modules
// are resolved the fast way (module-resolution.ts) before anything imports them, which takes
// half a second off the start-up; then the server starts (api-server.ts).
import { resolveInstalledModulesFast } from './module-resolution.ts';

resolveInstalledModulesFast();
await import('./api-server.ts');
