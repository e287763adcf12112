// The edge tier in the chart: with `edge.enabled` the Ingress and HTTPRoute send outside traffic
// to the edge Service, whose workerd pods forward to the API's main Service (the active
// colour); off, nothing of it renders. Lint and schema validation of every object run for the
// "edge tier on" case with the rest of the matrix (render.test.ts).
import { expect, it } from 'vitest';
import { describeWithTool } from '../support/tools.ts';
import { MATRIX } from './cases.ts';
import { findHelm, renderChart } from './helm.ts';

describeWithTool(
  'helm',
  (helm) => {
    const values = MATRIX['edge tier on'] ?? {};

    it('renders nothing of the edge by default', () => {
      const rendered = renderChart(helm, { ...values, 'edge.enabled': false });
      const edge = rendered.objects.filter(
        (object) => object.metadata.labels?.['app.kubernetes.io/component'] === 'edge',
      );
      expect(edge).toEqual([]);
      expect(
        rendered.get('Ingress', 'myapp').spec.rules[0].http.paths[0].backend.service.name,
      ).toBe('myapp');
    });

    it('puts the edge in front: outside traffic to the edge Service, the edge to the active colour', () => {
      const rendered = renderChart(helm, values);
      const kinds = rendered.objects
        .filter((object) => object.metadata.name === 'myapp-edge')
        .map((object) => object.kind)
        .sort();
      expect(kinds).toEqual([
        'Deployment',
        'HorizontalPodAutoscaler',
        'NetworkPolicy',
        'PodDisruptionBudget',
        'Service',
      ]);
      expect(rendered.get('Ingress', 'myapp').spec.rules[0].http.paths[0].backend.service).toEqual({
        name: 'myapp-edge',
        port: { name: 'http' },
      });
      expect(rendered.get('HTTPRoute', 'myapp').spec.rules[0].backendRefs).toEqual([
        { name: 'myapp-edge', port: 80 },
      ]);

      const deployment = rendered.get('Deployment', 'myapp-edge');
      expect(deployment.spec).not.toHaveProperty('replicas');
      const [container] = deployment.spec.template.spec.containers;
      const env = Object.fromEntries(
        container.env.map((entry: { name: string; value: string }) => [entry.name, entry.value]),
      );
      const api = rendered.get('Service', 'myapp');
      expect(env).toMatchObject({
        EDGE_ORIGIN_URL: `http://myapp:${api.spec.ports[0].port}`,
        RATE_LIMITS: 'v1=100,v2=1000',
        TRUST_PROXY_HOPS: '1',
        API_DEFAULT_VERSION: 'v2',
      });
      expect(container.image).toMatch(/^ghcr\.io\/example\/myapp-edge:/);
      expect(container.readinessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });

      const service = rendered.get('Service', 'myapp-edge');
      expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);

      // Out only to DNS and this release's API pods, on their HTTP port.
      const policy = rendered.get('NetworkPolicy', 'myapp-edge');
      expect(policy.spec.egress[1]).toEqual({
        to: [
          {
            podSelector: {
              matchLabels: {
                'app.kubernetes.io/name': 'myapp',
                'app.kubernetes.io/instance': 'myapp',
                'app.kubernetes.io/component': 'api',
              },
            },
          },
        ],
        ports: [{ port: 'http', protocol: 'TCP' }],
      });
    });
  },
  findHelm(),
);
