// Unleash's Admin API, the few calls myapp needs: the rollout guard steps rollouts down with
// them, `npm run stack` seeds the flags, and the tests dial rollouts the way an operator would.
// Paths as in Unleash 5+ (`/api/admin/projects/<project>/features/…`); the older
// `/api/admin/features` no longer exists.

interface AdminStrategy {
  id: string;
  name: string;
  parameters?: Record<string, string>;
}

export interface AdminFeature {
  name: string;
  environments: { name: string; enabled: boolean; strategies: AdminStrategy[] }[];
}

interface NewStrategy {
  name: string;
  parameters: Record<string, string>;
}

export interface UnleashAdmin {
  /** The flag, or undefined when the project has none of that name. */
  feature(name: string): Promise<AdminFeature | undefined>;
  createFeature(feature: { name: string; type: string; description: string }): Promise<void>;
  /** Adds a strategy in the environment; returns its id (for setRollout). */
  addStrategy(name: string, strategy: NewStrategy): Promise<string>;
  setRollout(name: string, strategyId: string, rollout: number): Promise<void>;
  /** On or off in the environment: off is the kill switch. */
  setEnabled(name: string, enabled: boolean): Promise<void>;
}

export interface UnleashAdminOptions {
  /** Unleash's API base, as the app's UNLEASH_URL: `http://host:4242/api/`. */
  url: string;
  /** An admin token (or a personal access token). */
  token: string;
  project: string;
  environment: string;
  timeoutMs?: number;
}

class UnleashAdminError extends Error {
  override name = 'UnleashAdminError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function createUnleashAdmin(options: UnleashAdminOptions): UnleashAdmin {
  const base = options.url.endsWith('/') ? options.url : `${options.url}/`;
  const features = `admin/projects/${encodeURIComponent(options.project)}/features`;
  const environment = (name: string) =>
    `${features}/${encodeURIComponent(name)}/environments/${encodeURIComponent(options.environment)}`;

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(new URL(path, base), {
      method,
      headers: {
        Authorization: options.token,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    if (!response.ok && response.status !== 404) {
      const text = (await response.text()).slice(0, 300);
      throw new UnleashAdminError(
        response.status,
        `Unleash Admin API ${method} ${path} answered ${response.status}: ${text}`,
      );
    }
    return response;
  }

  async function expectFound(response: Response, what: string): Promise<Response> {
    if (response.status === 404) {
      await response.body?.cancel();
      throw new UnleashAdminError(404, `Unleash has no ${what}`);
    }
    return response;
  }

  return {
    async feature(name) {
      const response = await call('GET', `${features}/${encodeURIComponent(name)}`);
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      return (await response.json()) as AdminFeature;
    },
    async createFeature(feature) {
      const response = await expectFound(
        await call('POST', features, feature),
        `project ${options.project}`,
      );
      await response.body?.cancel();
    },
    async addStrategy(name, strategy) {
      const response = await expectFound(
        await call('POST', `${environment(name)}/strategies`, strategy),
        `flag ${name} in ${options.environment}`,
      );
      return ((await response.json()) as { id: string }).id;
    },
    async setRollout(name, strategyId, rollout) {
      const response = await expectFound(
        await call('PATCH', `${environment(name)}/strategies/${encodeURIComponent(strategyId)}`, [
          { op: 'replace', path: '/parameters/rollout', value: String(rollout) },
        ]),
        `strategy ${strategyId} of ${name}`,
      );
      await response.body?.cancel();
    },
    async setEnabled(name, enabled) {
      const response = await expectFound(
        await call('POST', `${environment(name)}/${enabled ? 'on' : 'off'}`),
        `flag ${name} in ${options.environment}`,
      );
      await response.body?.cancel();
    },
  };
}

/** The flag's state in one environment, as the Admin API describes it. */
export function environmentOf(feature: AdminFeature, environment: string) {
  return feature.environments.find((candidate) => candidate.name === environment);
}
