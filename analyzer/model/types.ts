import { SourceRef } from '../errors';
import { Cidr } from './cidr';
import { LabelSelector, Labels } from './labels';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export interface Namespace {
  readonly name: string;
  /** Includes `kubernetes.io/metadata.name`, which the API server always sets. */
  readonly labels: Labels;
  /** False for a namespace that objects reference but no manifest declares. */
  readonly declared: boolean;
}

export interface ContainerPort {
  readonly port: number;
  readonly protocol: Protocol;
  readonly name?: string;
}

export type WorkloadKind =
  | 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'ReplicationController' | 'Job' | 'CronJob';

export interface Sidecar {
  /** Whether the pod runs an Istio proxy: injected by the webhook, or already in its containers. */
  readonly injected: boolean;
  /** Why: the label, annotation or container that decided, for explanations. */
  readonly because: string;
  /**
   * A gateway proxy (`istio-proxy` running `proxy router`, or injected with the `gateway` template):
   * it terminates its own listeners, so PeerAuthentication and traffic capture do not apply to it,
   * while AuthorizationPolicy does and its outbound connections use auto mTLS like a sidecar's.
   */
  readonly gateway: boolean;
  /** The injection template the webhook renders; undefined when the pod already runs its proxy. */
  readonly template?: 'sidecar' | 'gateway';
}

/** A Pod, or the pod template of a controller: what NetworkPolicy and Istio see of it. */
export interface Workload {
  /**
   * "namespace/name", the name users give to `check`; "namespace/Kind/name" when another listed
   * workload of the namespace has the same name.
   */
  readonly id: string;
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly serviceAccount: string;
  readonly ports: readonly ContainerPort[];
  /** From `status.podIP(s)` of Pods; empty when unknown. */
  readonly podIPs: readonly string[];
  /** `status.phase` of a Pod, when given: Succeeded and Failed pods have released their IPs. */
  readonly phase?: string;
  readonly sidecar: Sidecar;
  /** True when its owner (ReplicaSet of a Pod, Deployment of a ReplicaSet...) is in the inventory too. */
  readonly ownedByListedWorkload: boolean;
  readonly source: SourceRef;
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  /** Container port number or name; defaults to `port`. */
  readonly targetPort: number | string;
  readonly protocol: Protocol;
  readonly appProtocol?: string;
}

export interface Service {
  readonly ref: string;
  readonly namespace: string;
  readonly name: string;
  /** Undefined when the Service has no selector (endpoints managed by hand): it selects no pod. */
  readonly selector?: Labels;
  readonly ports: readonly ServicePort[];
  /** Of two Services in front of one port, the older decides its protocol. */
  readonly creationTimestamp?: string;
  /** `clusterIP: None`: clients reach the pods directly (Istio resolution Passthrough). */
  readonly headless?: boolean;
}

export type NetworkPeer =
  | {
    readonly kind: 'pods';
    /** Undefined: pods of the policy's own namespace. */
    readonly namespaceSelector?: LabelSelector;
    /** Undefined: every pod of the selected namespaces. */
    readonly podSelector?: LabelSelector;
  }
  | { readonly kind: 'ipBlock'; readonly cidr: Cidr; readonly except: readonly Cidr[] };

export interface NetworkPolicyPort {
  readonly protocol: Protocol;
  /** Undefined: every port of the protocol. A string is a named container port. */
  readonly port?: number | string;
  readonly endPort?: number;
}

export interface NetworkPolicyRule {
  /** Undefined (field absent or empty): every peer, inside the cluster or not. */
  readonly peers?: readonly NetworkPeer[];
  /** Undefined (field absent or empty): every port and protocol. */
  readonly ports?: readonly NetworkPolicyPort[];
}

export interface NetworkPolicy {
  readonly ref: string;
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  /** Present when the policy has type Ingress (after policyTypes defaulting). */
  readonly ingress?: readonly NetworkPolicyRule[];
  /** Present when the policy has type Egress. */
  readonly egress?: readonly NetworkPolicyRule[];
}

export type AuthorizationAction = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';

/** The list fields of an AuthorizationPolicy `source`, positive and negative. */
export const SOURCE_FIELDS = [
  'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces',
  'serviceAccounts', 'notServiceAccounts', 'trustDomains', 'notTrustDomains', 'ipBlocks', 'notIpBlocks',
  'remoteIpBlocks', 'notRemoteIpBlocks',
] as const;
export type SourceField = (typeof SOURCE_FIELDS)[number];

/** The list fields of an AuthorizationPolicy `operation`. */
export const OPERATION_FIELDS = [
  'hosts', 'notHosts', 'ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths',
] as const;
export type OperationField = (typeof OPERATION_FIELDS)[number];

/** A `from[].source`: absent lists impose nothing (an empty source matches every request). */
export type AuthorizationSource = Readonly<Partial<Record<SourceField, readonly string[]>>>;

/** A `to[].operation`. */
export type AuthorizationOperation = Readonly<Partial<Record<OperationField, readonly string[]>>>;

export interface AuthorizationCondition {
  readonly key: string;
  readonly values: readonly string[];
  readonly notValues: readonly string[];
}

export interface AuthorizationRule {
  readonly from: readonly AuthorizationSource[];
  readonly to: readonly AuthorizationOperation[];
  readonly when: readonly AuthorizationCondition[];
}

export interface AuthorizationPolicy {
  readonly ref: string;
  readonly namespace: string;
  readonly name: string;
  /** Undefined action in the manifest means ALLOW; an action Istio does not know is kept as written. */
  readonly action: AuthorizationAction | string;
  /** Undefined: every workload of the namespace (or of the mesh, in the root namespace). */
  readonly selector?: Labels;
  /**
   * `targetRefs`, or the legacy singular `targetRef` (policyattachment.go GetTargetRefs). A policy
   * with targets attaches to the gateways (and waypoints) they name, never by its selector.
   */
  readonly targetRefs: readonly PolicyTargetRef[];
  /** `istio.io/dry-run: "true"`: evaluated in shadow mode only. */
  readonly dryRun: boolean;
  /** `provider.name` of a CUSTOM policy. */
  readonly provider?: string;
  readonly rules: readonly AuthorizationRule[];
}

export interface PolicyTargetRef {
  /** As written; "" is the core group. */
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  /** Must be empty or the policy's own namespace to match anything. */
  readonly namespace?: string;
}

export type MtlsMode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT';

export interface PeerAuthentication {
  readonly ref: string;
  readonly namespace: string;
  readonly name: string;
  /** Undefined or empty: namespace-wide (mesh-wide in the root namespace). */
  readonly selector?: Labels;
  readonly mode: MtlsMode;
  /** Keyed by container port. */
  readonly portLevel: ReadonlyMap<number, MtlsMode>;
  /** Istio picks the oldest of competing policies; manifests rarely carry this, then names decide. */
  readonly creationTimestamp?: string;
}

export interface RbacRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  /** Paths such as "/healthz" or "/metrics*"; only ClusterRoles bound cluster-wide grant them. */
  readonly nonResourceURLs: readonly string[];
  readonly verbs: readonly string[];
}

export interface RbacRole {
  readonly ref: string;
  readonly kind: 'Role' | 'ClusterRole';
  /** Empty for a ClusterRole. */
  readonly namespace: string;
  readonly name: string;
  /** What aggregation rules select ClusterRoles by. */
  readonly labels: Labels;
  /** As written; for a ClusterRole with an `aggregationRule` the controller replaces them (see analyzer/rbac/aggregation.ts). */
  readonly rules: readonly RbacRule[];
  /** ClusterRoles only: present (even with no selectors) when the role's rules are aggregated from others. */
  readonly aggregationRule?: RbacAggregationRule;
}

export interface RbacAggregationRule {
  /** A ClusterRole matching any one of them contributes its rules. */
  readonly clusterRoleSelectors: readonly LabelSelector[];
}

export interface RbacSubject {
  readonly kind: string;
  readonly name: string;
  /** For ServiceAccounts: the account's namespace (never implied by the binding's). */
  readonly namespace?: string;
}

export interface RbacBinding {
  readonly ref: string;
  readonly kind: 'RoleBinding' | 'ClusterRoleBinding';
  /** Empty for a ClusterRoleBinding: the grant holds in every namespace. */
  readonly namespace: string;
  readonly name: string;
  readonly roleRef: { readonly kind: string; readonly name: string };
  readonly subjects: readonly RbacSubject[];
}

/** MeshConfig ProxyPathNormalization values (DEFAULT is BASE). */
export type PathNormalization = 'NONE' | 'BASE' | 'MERGE_SLASHES' | 'DECODE_AND_MERGE_SLASHES';

export interface MeshSettings {
  readonly trustDomain: string;
  readonly trustDomainAliases: readonly string[];
  readonly rootNamespace: string;
  /**
   * Names of the mesh config's external authorization providers (envoyExtAuthzHttp/Grpc), when the
   * manifests carry the `istio` ConfigMap; undefined when they do not (the providers are unknown).
   */
  readonly extAuthzProviders?: readonly string[];
  /** Those of `extAuthzProviders` that also authorize TCP connections (envoyExtAuthzGrpc); absent: none known. */
  readonly extAuthzTcpProviders?: readonly string[];
  /** MeshConfig enableAutoMtls (default true): without it client sidecars send plaintext unless a DestinationRule says otherwise. */
  readonly autoMtls: boolean;
  /** MeshConfig defaultConfig.gatewayTopology.numTrustedProxies (default 0): X-Forwarded-For hops gateways trust. */
  readonly gatewayTrustedProxies: number;
  /** MeshConfig pathNormalization.normalization (DEFAULT is BASE): what proxies do to request paths before authorization. */
  readonly pathNormalization: PathNormalization;
}

export interface Inventory {
  /** Declared and implied namespaces, by name. */
  readonly namespaces: ReadonlyMap<string, Namespace>;
  /** Sorted by id, then kind. */
  readonly workloads: readonly Workload[];
  readonly services: readonly Service[];
  readonly serviceAccounts: readonly string[];
  readonly networkPolicies: readonly NetworkPolicy[];
  readonly authorizationPolicies: readonly AuthorizationPolicy[];
  readonly peerAuthentications: readonly PeerAuthentication[];
  readonly roles: readonly RbacRole[];
  readonly bindings: readonly RbacBinding[];
  readonly mesh: MeshSettings;
}
