/** A Kubernetes object as plain JSON, the unit that synth writes. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** The labels that the mesh itself puts on every object it writes; they win over `MeshProps.labels`. */
export const meshOwnLabels = (meshId: string): Readonly<Record<string, string>> => ({
  'app.kubernetes.io/managed-by': 'cdk8s-mesh-policy',
  'app.kubernetes.io/part-of': meshId,
});

/** Names of the fixed objects in every mesh namespace. */
export const BASELINE_NAMES = {
  defaultDeny: 'default-deny',
  platformEgress: 'allow-platform-egress',
  metricsScraping: 'allow-metrics-scraping',
  namespaceEgress: 'namespace-egress',
  allowNothing: 'allow-nothing',
  peerAuthentication: 'default',
} as const;

/** Names of the objects written for one service. */
export const serviceObjectNames = (service: string) => ({
  ingress: `${service}-ingress`,
  egress: `${service}-egress`,
  authorization: `${service}-allow`,
  plaintextPorts: `${service}-plaintext-ports`,
});

/**
 * Name of the Role and RoleBinding that carry a service's grants in a namespace. Dots cannot occur
 * in namespace or service names, so names of different holders never collide.
 */
export const grantObjectName = (holderNamespace: string, holder: string) => `api-access.${holderNamespace}.${holder}`;
