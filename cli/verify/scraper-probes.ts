import type { DeclaredAccess } from '../../constructs';
import { Probe } from './probes';
import { OUTSIDER, SCRAPER_WORKLOAD } from './stand-ins';

/** The sidecar's metrics ports (istio-agent's merged metrics, Envoy's own): Istio never captures them inbound. */
const SIDECAR_METRICS_PORTS = [15020, 15090] as const;

/**
 * The sidecar metrics ports of every service, by the declaration alone: the declared scraper reaches
 * the ports it was given, and no other; the outsider reaches none. Istio enforces nothing there (the
 * ports bypass the sidecar), so NetworkPolicy alone must hold these lines.
 */
export function scraperProbes(declared: DeclaredAccess): Probe[] {
  const scraper = declared.platform.metricsScraper;
  const probes: Probe[] = [];
  for (const service of declared.services) {
    const to = `${service.namespace}/${service.name}`;
    for (const port of SIDECAR_METRICS_PORTS) {
      if (scraper) probes.push({ request: { from: `${scraper.namespace}/${SCRAPER_WORKLOAD}`, to, port, protocol: 'TCP' }, network: scraper.ports.includes(port), mesh: true });
      probes.push({ request: { from: `${OUTSIDER.namespace}/${OUTSIDER.name}`, to, port, protocol: 'TCP' }, network: false, mesh: true });
    }
  }
  return probes;
}
