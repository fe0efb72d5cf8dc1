import { parseYamlValue } from '../load/documents';
import { ObjectReader, asRecord } from './fields';
import { MeshSettings, PathNormalization } from './types';

export const DEFAULT_TRUST_DOMAIN = 'cluster.local';
export const DEFAULT_ROOT_NAMESPACE = 'istio-system';
/** istiod reads its MeshConfig from this ConfigMap (key `mesh`) in its own namespace. */
const MESH_CONFIG_MAP = 'istio';

export interface MeshOptions {
  /** Given on the command line; wins over the mesh ConfigMap. */
  readonly trustDomain?: string;
  readonly rootNamespace?: string;
}

/**
 * The mesh-wide settings that change verdicts: trust domain (+ aliases) and root namespace, from the
 * `istio` ConfigMaps given (isMeshConfigMap).
 * Explicit options win, then the `istio` ConfigMap's MeshConfig when the manifests carry it,
 * then Istio's defaults.
 */
export function resolveMeshSettings(configMaps: readonly ObjectReader[], options: MeshOptions): MeshSettings {
  const home = options.rootNamespace ?? DEFAULT_ROOT_NAMESPACE;
  const configMap = configMaps.find((reader) => reader.namespace === home);
  const meshConfig = configMap ? readMeshConfig(configMap) : {};
  return {
    trustDomain: options.trustDomain ?? meshConfig.trustDomain ?? DEFAULT_TRUST_DOMAIN,
    trustDomainAliases: meshConfig.trustDomainAliases ?? [],
    rootNamespace: options.rootNamespace ?? meshConfig.rootNamespace ?? DEFAULT_ROOT_NAMESPACE,
    autoMtls: meshConfig.autoMtls ?? true,
    gatewayTrustedProxies: meshConfig.gatewayTrustedProxies ?? 0,
    pathNormalization: meshConfig.pathNormalization ?? 'BASE',
    // A ConfigMap without providers is a mesh without any (Istio's default MeshConfig has none).
    ...(configMap ? { extAuthzProviders: meshConfig.extAuthzProviders ?? [] } : {}),
    ...(meshConfig.extAuthzTcpProviders ? { extAuthzTcpProviders: meshConfig.extAuthzTcpProviders } : {}),
  };
}

/** A ConfigMap that may hold istiod's MeshConfig: named `istio`, wherever istiod may run. */
export function isMeshConfigMap(reader: ObjectReader): boolean {
  return reader.name === MESH_CONFIG_MAP;
}

/** The kinds of extension provider that can serve a CUSTOM AuthorizationPolicy (builder/extauthz.go processExtensionProvider). */
const EXT_AUTHZ_KINDS = ['envoyExtAuthzHttp', 'envoyExtAuthzGrpc'];

interface MeshConfigFields {
  trustDomain?: string;
  trustDomainAliases?: string[];
  rootNamespace?: string;
  extAuthzProviders?: string[];
  extAuthzTcpProviders?: string[];
  autoMtls?: boolean;
  gatewayTrustedProxies?: number;
  pathNormalization?: PathNormalization;
}

/**
 * The ext authz providers istiod can build (builder/extauthz.go processExtensionProvider): a unique
 * name that validateProviderName accepts (lowercase alphanumerics and '-', at most 63), a service and
 * a port 1-65535. Whether the service exists (LookupCluster) is not judged: the manifests rarely hold
 * every namespace. A provider istiod cannot build turns the CUSTOM policies naming it into DENY.
 */
function usableExtAuthzProviders(providers: readonly Record<string, unknown>[]): UsableProvider[] {
  const names = providers.map((provider) => provider.name);
  return providers.flatMap((provider) => {
    const { name } = provider;
    const kind = EXT_AUTHZ_KINDS.find((candidate) => provider[candidate] !== undefined);
    const settings = kind === undefined ? undefined : provider[kind] as Record<string, unknown>;
    if (typeof name !== 'string' || !settings || names.filter((other) => other === name).length > 1) return [];
    const validName = name.length <= 63 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name);
    const port = Number(settings.port);
    const usable = validName && typeof settings.service === 'string' && settings.service !== '' && Number.isInteger(port) && port >= 1 && port <= 65535;
    // Only the gRPC kind has a network (TCP) ext_authz filter (extauthz.go generateGRPCConfig sets `tcp`).
    return usable ? [{ name, servesTcp: kind === 'envoyExtAuthzGrpc' }] : [];
  });
}

interface UsableProvider {
  readonly name: string;
  readonly servesTcp: boolean;
}

function readMeshConfig(reader: ObjectReader): MeshConfigFields {
  const text = reader.string(reader.record(reader.object.data, 'data')?.mesh, 'data.mesh');
  if (!text) return {};
  const mesh = parseYamlValue(text, reader.where('data.mesh'));
  const record = reader.record(mesh, 'data.mesh') ?? {};
  const trustDomain = reader.string(record.trustDomain, 'data.mesh.trustDomain');
  const rootNamespace = reader.string(record.rootNamespace, 'data.mesh.rootNamespace');
  const aliases = reader.strings(record.trustDomainAliases, 'data.mesh.trustDomainAliases');
  const providers = usableExtAuthzProviders((reader.list(record.extensionProviders, 'data.mesh.extensionProviders') ?? [])
    .map((raw, index) => reader.record(raw, `data.mesh.extensionProviders[${index}]`) ?? {}));
  const autoMtls = record.enableAutoMtls;
  const trustedProxies = numTrustedProxies(record.defaultConfig);
  const pathNormalization = pathNormalizationOf(record.pathNormalization);
  return {
    ...(pathNormalization ? { pathNormalization } : {}),
    ...(typeof autoMtls === 'boolean' ? { autoMtls } : {}),
    ...(trustedProxies !== undefined ? { gatewayTrustedProxies: trustedProxies } : {}),
    ...(providers.length > 0 ? { extAuthzProviders: providers.map(({ name }) => name) } : {}),
    ...(providers.some(({ servesTcp }) => servesTcp)
      ? { extAuthzTcpProviders: providers.filter(({ servesTcp }) => servesTcp).map(({ name }) => name) } : {}),
    ...(trustDomain ? { trustDomain } : {}),
    ...(rootNamespace ? { rootNamespace } : {}),
    ...(aliases ? { trustDomainAliases: [...aliases] } : {}),
  };
}

/**
 * MeshConfig pathNormalization.normalization (jsonpb: the enum name, or its number); DEFAULT is BASE.
 * Undefined when absent or not a known value.
 */
function pathNormalizationOf(raw: unknown): PathNormalization | undefined {
  const value = asRecord(raw)?.normalization;
  const byNumber = ['DEFAULT', 'NONE', 'BASE', 'MERGE_SLASHES', 'DECODE_AND_MERGE_SLASHES'];
  const name = typeof value === 'number' ? byNumber[value] : value;
  if (name === 'DEFAULT') return 'BASE';
  return name === 'NONE' || name === 'BASE' || name === 'MERGE_SLASHES' || name === 'DECODE_AND_MERGE_SLASHES' ? name : undefined;
}

/**
 * ProxyConfig gatewayTopology.numTrustedProxies (a uint32), from MeshConfig defaultConfig or a pod's
 * proxy.istio.io/config annotation; undefined when absent or not a count.
 */
export function numTrustedProxies(proxyConfig: unknown): number | undefined {
  const topology = asRecord(asRecord(proxyConfig)?.gatewayTopology);
  // jsonpb reads a uint32 from a number or a quoted number.
  const raw = topology?.numTrustedProxies;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
