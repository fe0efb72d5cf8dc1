import { parseYamlValue } from '../load/documents';
import { ObjectReader } from './fields';
import { MeshSettings } from './types';

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
  };
}

/** A ConfigMap that may hold istiod's MeshConfig: named `istio`, wherever istiod may run. */
export function isMeshConfigMap(reader: ObjectReader): boolean {
  return reader.name === MESH_CONFIG_MAP;
}

function readMeshConfig(reader: ObjectReader): { trustDomain?: string; trustDomainAliases?: string[]; rootNamespace?: string } {
  const text = reader.string(reader.record(reader.object.data, 'data')?.mesh, 'data.mesh');
  if (!text) return {};
  const mesh = parseYamlValue(text, reader.where('data.mesh'));
  const record = reader.record(mesh, 'data.mesh') ?? {};
  const trustDomain = reader.string(record.trustDomain, 'data.mesh.trustDomain');
  const rootNamespace = reader.string(record.rootNamespace, 'data.mesh.rootNamespace');
  const aliases = reader.strings(record.trustDomainAliases, 'data.mesh.trustDomainAliases');
  return {
    ...(trustDomain ? { trustDomain } : {}),
    ...(rootNamespace ? { rootNamespace } : {}),
    ...(aliases ? { trustDomainAliases: [...aliases] } : {}),
  };
}
