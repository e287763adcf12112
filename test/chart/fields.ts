// Unknown fields in rendered objects. The Kubernetes OpenAPI schemas (and so kubernetes-models'
// validators) accept any extra field, but the API server drops it — with a warning, or an error
// under `kubectl --validate=strict` and server-side apply's field validation — so a misspelt
// `unhealthyPodEvictionPolicy` would be silently ignored. kubernetes-models ships the same schemas
// as TypeScript declarations: the TypeScript checker reads them, and each rendered object is
// walked against its kind's interface. Kinds pinned by the lock file, like the validators.
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** apiVersion/kind → the declaration module and interface of its schema. */
const DECLARATIONS: Record<string, [module: string, name: string]> = {
  'v1/ConfigMap': ['kubernetes-models/v1/ConfigMap', 'IConfigMap'],
  'v1/Pod': ['kubernetes-models/v1/Pod', 'IPod'],
  'v1/Secret': ['kubernetes-models/v1/Secret', 'ISecret'],
  'v1/Service': ['kubernetes-models/v1/Service', 'IService'],
  'v1/ServiceAccount': ['kubernetes-models/v1/ServiceAccount', 'IServiceAccount'],
  'apps/v1/Deployment': ['kubernetes-models/apps/v1/Deployment', 'IDeployment'],
  'apps/v1/StatefulSet': ['kubernetes-models/apps/v1/StatefulSet', 'IStatefulSet'],
  'autoscaling/v2/HorizontalPodAutoscaler': [
    'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
    'IHorizontalPodAutoscaler',
  ],
  'batch/v1/Job': ['kubernetes-models/batch/v1/Job', 'IJob'],
  'networking.k8s.io/v1/Ingress': ['kubernetes-models/networking.k8s.io/v1/Ingress', 'IIngress'],
  'networking.k8s.io/v1/NetworkPolicy': [
    'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
    'INetworkPolicy',
  ],
  'policy/v1/PodDisruptionBudget': [
    'kubernetes-models/policy/v1/PodDisruptionBudget',
    'IPodDisruptionBudget',
  ],
  'monitoring.coreos.com/v1/ServiceMonitor': [
    '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
    'IServiceMonitor',
  ],
  'monitoring.coreos.com/v1/PrometheusRule': [
    '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule',
    'IPrometheusRule',
  ],
  'gateway.networking.k8s.io/v1/HTTPRoute': [
    '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute',
    'IHTTPRoute',
  ],
};

let loaded: { checker: ts.TypeChecker; types: Map<string, ts.Type> } | undefined;

/** The few globals the declarations use, instead of TypeScript's whole standard library (which
 * would triple the time to load them). */
const MINIMAL_LIB = `
interface Array<T> { length: number; [n: number]: T; }
interface ReadonlyArray<T> { readonly length: number; readonly [n: number]: T; }
interface Boolean {} interface Number {} interface String {} interface Object {}
interface Function {} interface CallableFunction {} interface NewableFunction {}
interface RegExp {} interface IArguments {}
type Record<K extends keyof any, T> = { [P in K]: T };
type Partial<T> = { [P in keyof T]?: T[P] };
type Pick<T, K extends keyof T> = { [P in K]: T[P] };
type Omit<T, K extends keyof any> = Pick<T, Exclude<keyof T, K>>;
type Exclude<T, U> = T extends U ? never : T;
`;

/** One TypeScript program over every declaration file (a second or two, once per test file). */
function load() {
  if (loaded) return loaded;
  const files = Object.fromEntries(
    Object.entries(DECLARATIONS).map(([key, [module]]) => [
      key,
      fileURLToPath(import.meta.resolve(module)).replace(/\.js$/, '.d.ts'),
    ]),
  );
  const options: ts.CompilerOptions = {
    noEmit: true,
    skipLibCheck: true,
    types: [],
    noLib: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const host = ts.createCompilerHost(options);
  const lib = '/minimal-lib.d.ts';
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language) =>
    fileName === lib
      ? ts.createSourceFile(fileName, MINIMAL_LIB, language)
      : getSourceFile(fileName, language);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === lib || fileExists(fileName);
  const program = ts.createProgram([lib, ...Object.values(files)], options, host);
  const checker = program.getTypeChecker();
  const types = new Map<string, ts.Type>();
  for (const [key, file] of Object.entries(files)) {
    const source = program.getSourceFile(file);
    const name = DECLARATIONS[key]?.[1];
    const declaration = source?.statements.find(
      (statement): statement is ts.InterfaceDeclaration =>
        ts.isInterfaceDeclaration(statement) && statement.name.text === name,
    );
    if (!declaration) throw new Error(`no interface ${name} in ${file}`);
    types.set(key, checker.getTypeAtLocation(declaration));
  }
  loaded = { checker, types };
  return loaded;
}

/** The object-like members of a type: T of `T | undefined`, elements of arrays. */
function objectTypes(checker: ts.TypeChecker, type: ts.Type): ts.Type[] {
  if (type.isUnion()) return type.types.flatMap((member) => objectTypes(checker, member));
  if (checker.isArrayType(type)) return [];
  return type.flags & ts.TypeFlags.Object ? [type] : [];
}

function walk(checker: ts.TypeChecker, value: unknown, type: ts.Type, path: string): string[] {
  if (Array.isArray(value)) {
    const arrays = (type.isUnion() ? type.types : [type]).filter((t) => checker.isArrayType(t));
    const element = arrays[0] && checker.getTypeArguments(arrays[0] as ts.TypeReference)[0];
    if (!element) return [];
    return value.flatMap((item, index) => walk(checker, item, element, `${path}[${index}]`));
  }
  if (value === null || typeof value !== 'object') return [];
  const candidates = objectTypes(checker, type);
  const shape = candidates[0];
  if (!shape) return [];
  // A map (labels, annotations, data, free-form fields): any key is allowed.
  const index = checker.getIndexInfosOfType(shape)[0];
  if (index) return [];
  const problems: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const property = shape.getProperty(key);
    if (!property) {
      problems.push(`${path}.${key}: unknown field`);
      continue;
    }
    problems.push(...walk(checker, child, checker.getTypeOfSymbol(property), `${path}.${key}`));
  }
  return problems;
}

/** The unknown fields of one rendered object, as `.spec.template.x: unknown field`. */
export function unknownFields(object: { apiVersion: string; kind: string }): string[] {
  const { checker, types } = load();
  const type = types.get(`${object.apiVersion}/${object.kind}`);
  if (!type) return [];
  return walk(checker, object, type, '');
}
