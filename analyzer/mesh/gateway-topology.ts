// How many proxies in front of a gateway it trusts to have appended X-Forwarded-For addresses
// (ProxyConfig gatewayTopology.numTrustedProxies). The agent builds its ProxyConfig from MeshConfig
// defaultConfig and the pod's proxy.istio.io/config annotation, the annotation winning
// (pilot/cmd/pilot-agent/config/config.go getMeshConfig); gateway.go reads it for XffNumTrustedHops.

import { parseYamlValue } from '../load/documents';
import { Labels } from '../model/labels';
import { numTrustedProxies } from '../model/mesh-config';

export const PROXY_CONFIG_ANNOTATION = 'proxy.istio.io/config';

export function gatewayTrustedProxies(annotations: Labels, meshDefault: number): number {
  const text = annotations.get(PROXY_CONFIG_ANNOTATION);
  if (text === undefined) return meshDefault;
  let proxyConfig: unknown;
  try {
    proxyConfig = parseYamlValue(text, PROXY_CONFIG_ANNOTATION);
  } catch {
    // The injector rejects such a pod (inject/validate.go validateProxyConfig); lint reports it.
    return meshDefault;
  }
  // pilot-agent merges the annotation over the mesh default message by message (jsonpb): a
  // gatewayTopology given there replaces the default's whole, so without numTrustedProxies it is 0.
  const topology = proxyConfig !== null && typeof proxyConfig === 'object' && 'gatewayTopology' in proxyConfig;
  return numTrustedProxies(proxyConfig) ?? (topology ? 0 : meshDefault);
}
