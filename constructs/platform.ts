/**
 * What the mesh needs to know about the cluster it runs in. Every field has the default of a
 * standard Istio installation on a standard Kubernetes cluster.
 */

/** Mutual TLS mode of the mesh's namespaces (Istio PeerAuthentication). */
export enum MtlsMode {
  /** Only mTLS is accepted: every caller has a verified identity. */
  STRICT = 'STRICT',
  /** mTLS and plaintext are accepted; for migrating workloads into the mesh. */
  PERMISSIVE = 'PERMISSIVE',
}

/** A set of pods in a namespace, found by labels. */
export interface PodsRef {
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Labels of the pods. */
  readonly labels: Readonly<Record<string, string>>;
}

/** The mesh control plane, which every sidecar must reach. */
export interface ControlPlaneSettings {
  /** @default 'istio-system' */
  readonly namespace?: string;
  /** @default { app: 'istiod' } */
  readonly labels?: Readonly<Record<string, string>>;
  /** xDS and certificate signing port of istiod. @default 15012 */
  readonly port?: number;
  /**
   * Istio revision; when set, namespaces get `istio.io/rev: <revision>` instead of
   * `istio-injection: enabled`.
   * @default - the default revision (`istio-injection: enabled`)
   */
  readonly revision?: string;
}

/** The cluster DNS, which every pod must reach to resolve `<svc>.<ns>.svc.<cluster-domain>`. */
export interface DnsSettings {
  /** @default 'kube-system' */
  readonly namespace?: string;
  /** @default { 'k8s-app': 'kube-dns' } */
  readonly labels?: Readonly<Record<string, string>>;
  /** Container port of the DNS pods (UDP and TCP are both opened). @default 53 */
  readonly port?: number;
  /**
   * Addresses that pods send DNS queries to besides the DNS pods, such as NodeLocal DNSCache's
   * link-local address (`169.254.20.10/32`), which NetworkPolicy sees instead of kube-dns; in its
   * iptables mode the cache also answers on the `kube-dns` ClusterIP without translating it, so
   * add that ClusterIP too (`kubectl -n kube-system get service kube-dns`). These are opened on
   * port 53, where pods send their queries, whatever the DNS pods' `port`.
   * @default - none
   */
  readonly cidrs?: readonly string[];
}

/**
 * The Istio ingress gateway, a peer that services can accept traffic from. The defaults are those of
 * `istioctl install`; the `istio/gateway` Helm chart names the ServiceAccount after its release and
 * labels the pods `istio: <release without 'istio-'>` (release `istio-ingressgateway` in
 * `istio-ingress`: ServiceAccount `istio-ingressgateway`, `istio: ingressgateway`).
 */
export interface IngressGatewaySettings {
  /** @default 'istio-system' */
  readonly namespace?: string;
  /** @default 'istio-ingressgateway-service-account' */
  readonly serviceAccount?: string;
  /** @default { istio: 'ingressgateway' } */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The Kubernetes API server, reached by services that hold API grants. */
export interface ApiServerSettings {
  /**
   * CIDRs of the API server endpoints (`kubectl get endpoints kubernetes -n default`). NetworkPolicy
   * sees the endpoint address after the `kubernetes` Service is translated, so the ClusterIP is
   * not enough.
   * @default - none; required once a service holds an API grant
   */
  readonly cidrs?: readonly string[];
  /**
   * Port of the API server endpoints, as `kubectl get endpoints kubernetes -n default` shows it (not
   * the Service's 443): 6443 on kubeadm, kind and k3s, 443 on most managed clusters.
   * @default 443
   */
  readonly port?: number;
}

/**
 * A metrics scraper (Prometheus) that reads the Istio sidecars' own metrics ports. Istio never
 * intercepts these ports (they bypass the sidecar inbound), so neither mTLS nor authorization
 * applies there and a scraper without a sidecar can read them; only the NetworkPolicy baseline
 * stands in its way, and `allow-metrics-scraping` opens exactly these ports to these pods.
 */
export interface MetricsScraperSettings {
  /** Namespace of the scraper pods, e.g. `monitoring` (kube-prometheus) or `istio-system` (Istio's sample addon). */
  readonly namespace: string;
  /** Labels of the scraper pods. @default { 'app.kubernetes.io/name': 'prometheus' } */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Sidecar ports it scrapes: 15020 (istio-agent's merged metrics, what the `prometheus.io/port`
   * annotations of injected pods point to) and 15090 (Envoy's own, what Istio's PodMonitor samples scrape).
   * @default [15020, 15090]
   */
  readonly ports?: readonly number[];
}

/** An ingress gateway with every field known. */
export type ResolvedIngressGateway = PodsRef & { readonly serviceAccount: string };

/**
 * The gateway that `Peer.ingressGateway(settings)` names: the fields given, the others from the
 * mesh's `ingressGateway`. Without settings, the mesh's own. @internal
 */
export function resolveIngressGateway(platform: ResolvedPlatform, given?: IngressGatewaySettings): ResolvedIngressGateway {
  const own = platform.ingressGateway;
  return {
    namespace: given?.namespace ?? own.namespace,
    serviceAccount: given?.serviceAccount ?? own.serviceAccount,
    labels: { ...(given?.labels ?? own.labels) },
  };
}

/** Platform settings with every default filled in: what `mesh.platform` returns. */
export interface ResolvedPlatform {
  readonly clusterDomain: string;
  readonly trustDomain: string;
  readonly mtlsMode: MtlsMode;
  readonly controlPlane: PodsRef & { readonly port: number; readonly revision?: string };
  readonly dns: PodsRef & { readonly port: number; readonly cidrs: readonly string[] };
  readonly ingressGateway: ResolvedIngressGateway;
  readonly apiServer: { readonly cidrs: readonly string[]; readonly port: number };
  /** Absent when no scraper was declared. */
  readonly metricsScraper?: PodsRef & { readonly ports: readonly number[] };
}

/** Platform settings of a mesh (part of `MeshProps`). */
export interface PlatformProps {
  /** Cluster DNS domain, as in `<svc>.<ns>.svc.<cluster-domain>`. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** Istio trust domain of workload identities (`<trust-domain>/ns/<ns>/sa/<sa>`). @default 'cluster.local' */
  readonly trustDomain?: string;
  /** mTLS mode of the mesh's namespaces. @default MtlsMode.STRICT */
  readonly mtls?: MtlsMode;
  /** The Istio control plane. @default - istiod in istio-system, port 15012 */
  readonly controlPlane?: ControlPlaneSettings;
  /** The cluster DNS. @default - kube-dns in kube-system, port 53 */
  readonly dns?: DnsSettings;
  /** The Istio ingress gateway. @default - istio-ingressgateway in istio-system */
  readonly ingressGateway?: IngressGatewaySettings;
  /** The Kubernetes API server, for services that hold API grants. @default - none */
  readonly apiServer?: ApiServerSettings;
  /**
   * The Prometheus that scrapes the sidecars' metrics; every pod of the mesh's namespaces lets it in
   * on the sidecar metrics ports. @default - none: default-deny blocks scraping
   */
  readonly metricsScraper?: MetricsScraperSettings;
}

/** The sidecar ports that a metrics scraper may be let in to: Istio never captures them inbound. @internal */
export const SIDECAR_METRICS_PORTS: readonly number[] = [15020, 15090];

/** @internal */
export function resolvePlatform(props: PlatformProps): ResolvedPlatform {
  // Copies: the mesh validates and renders these later, so later changes to the caller's objects must
  // not reach it. CIDR lists are sorted and without repeats, for output independent of their order.
  const labels = (given: Readonly<Record<string, string>> | undefined, fallback: Record<string, string>) => ({ ...(given ?? fallback) });
  const cidrs = (given: readonly string[] | undefined) => [...new Set(given ?? [])].sort();
  return {
    clusterDomain: props.clusterDomain ?? 'cluster.local',
    trustDomain: props.trustDomain ?? 'cluster.local',
    mtlsMode: props.mtls ?? MtlsMode.STRICT,
    controlPlane: {
      namespace: props.controlPlane?.namespace ?? 'istio-system',
      labels: labels(props.controlPlane?.labels, { app: 'istiod' }),
      port: props.controlPlane?.port ?? 15012,
      revision: props.controlPlane?.revision,
    },
    dns: {
      namespace: props.dns?.namespace ?? 'kube-system',
      labels: labels(props.dns?.labels, { 'k8s-app': 'kube-dns' }),
      port: props.dns?.port ?? 53,
      cidrs: cidrs(props.dns?.cidrs),
    },
    ingressGateway: {
      namespace: props.ingressGateway?.namespace ?? 'istio-system',
      serviceAccount: props.ingressGateway?.serviceAccount ?? 'istio-ingressgateway-service-account',
      labels: labels(props.ingressGateway?.labels, { istio: 'ingressgateway' }),
    },
    apiServer: {
      cidrs: cidrs(props.apiServer?.cidrs),
      port: props.apiServer?.port ?? 443,
    },
    metricsScraper: props.metricsScraper && {
      namespace: props.metricsScraper.namespace,
      labels: labels(props.metricsScraper.labels, { 'app.kubernetes.io/name': 'prometheus' }),
      ports: [...new Set(props.metricsScraper.ports ?? SIDECAR_METRICS_PORTS)].sort((a, b) => a - b),
    },
  };
}
