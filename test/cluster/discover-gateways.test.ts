import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { boutiqueCluster, deployed } from '../support/boutique-cluster';
import { runCommand } from '../support/cluster-cli';
import { startFakeApiServer } from '../support/fake-apiserver';

interface Scaffold {
  services: Array<{ namespace: string; name: string }>;
  unresolved: Array<{ variable: string; address?: string; reason: string }>;
  gateways: Array<{ workload: string; namespace: string; serviceAccountName: string; labels: Record<string, string>; because: string; services: string[] }>;
  notes: string[];
}

async function discoverJson(positionals: string[], options: Record<string, string> = {}): Promise<Scaffold> {
  const { code, stdout, stderr } = await runCommand('discover', positionals, { ...options, format: 'json' });
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(stdout) as Scaffold;
}

function manifestFile(objects: object[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-policy-gateways-')), 'cluster.json');
  fs.writeFileSync(file, JSON.stringify(objects));
  return file;
}

const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

describe('discover leaves gateways out', () => {
  test('the Gateway API gateway of a cluster is no service, its namespace is not declared, and the notes say how to declare it', async () => {
    // GIVEN Online Boutique with Istio's Gateway API gateway (istio-ingress/istio-gateway-istio) behind a stand-in API server
    const server = await startFakeApiServer(boutiqueCluster());
    try {
      // WHEN discovering
      const kubeconfig = server.writeKubeconfig();
      const scaffold = await discoverJson([], { kubeconfig });
      const typescript = await runCommand('discover', [], { kubeconfig });
      // THEN neither the gateway nor its namespace is declared
      expect(scaffold.services.filter((s) => s.namespace === 'istio-ingress')).toEqual([]);
      expect(typescript.stdout).not.toContain("addNamespace('istio-ingress')");
      expect(scaffold.services.map((s) => s.namespace)).toContain('shop');
      // AND the scaffold names it as a gateway, with what the Mesh's ingressGateway setting needs
      expect(scaffold.gateways).toEqual([{
        workload: 'istio-ingress/istio-gateway-istio', namespace: 'istio-ingress', serviceAccountName: 'istio-gateway-istio',
        labels: { 'gateway.networking.k8s.io/gateway-name': 'istio-gateway' }, because: 'label gateway.networking.k8s.io/gateway-name=istio-gateway', services: [],
      }]);
      // AND the notes say what was left out and how to declare it instead
      expect(typescript.stdout).toContain('// - workload istio-ingress/istio-gateway-istio is a gateway (label gateway.networking.k8s.io/gateway-name=istio-gateway), '
        + 'not a mesh service: left out. If it is your ingress gateway, declare it in the Mesh\'s props, ingressGateway: { namespace: \'istio-ingress\', '
        + 'serviceAccount: \'istio-gateway-istio\', labels: { \'gateway.networking.k8s.io/gateway-name\': \'istio-gateway\' } }, '
        + 'and let it call a service with service.allowFrom(Peer.ingressGateway()); if the Mesh has another ingress gateway, let this one call with '
        + 'service.allowFrom(Peer.ingressGateway({ namespace: \'istio-ingress\', serviceAccount: \'istio-gateway-istio\', '
        + 'labels: { \'gateway.networking.k8s.io/gateway-name\': \'istio-gateway\' } }))\n');
      expect(scaffold.notes).toContain('namespace istio-ingress holds only gateways: not declared (the mesh\'s default-deny would cut them off)');
    } finally {
      await server.close();
    }
  });

  test.each([
    ['the classic label istio=ingressgateway', { app: 'edge-proxy', istio: 'ingressgateway' }, {}, undefined, 'label istio=ingressgateway', { istio: 'ingressgateway' }],
    ['the gateway injection template', { app: 'edge-proxy' }, { 'inject.istio.io/templates': 'gateway' }, undefined,
      'annotation inject.istio.io/templates=gateway', { app: 'edge-proxy' }],
    ['an istio-proxy container running router', { app: 'edge-proxy' }, {}, [{ name: 'istio-proxy', image: 'istio/proxyv2', args: ['proxy', 'router'] }],
      'its istio-proxy container runs a gateway (proxy router)', { app: 'edge-proxy' }],
  ])('a workload recognized by %s is a gateway, and so is the Service in front of it', async (_signal, labels, annotations, containers, because, gatewayLabels) => {
    // GIVEN a gateway workload with a Service in namespace edge, and a workload in web dialing that Service
    const gateway = deployed('edge', 'edge-proxy', { labels, serviceAccount: 'edge-proxy', ...(containers ? { containers } : {}) });
    gateway[0].spec.template.metadata.annotations = annotations;
    const file = manifestFile([
      namespace('edge'), namespace('web'), ...gateway,
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'edge-proxy', namespace: 'edge' }, spec: { selector: { app: 'edge-proxy' }, ports: [{ name: 'http', port: 80 }] } },
      ...deployed('web', 'checker', {
        labels: { app: 'checker' }, serviceAccount: 'checker',
        containers: [{ name: 'main', image: 'checker', env: [{ name: 'EDGE_URL', value: 'http://edge-proxy.edge/health' }] }],
      }),
    ]);
    // WHEN discovering
    const scaffold = await discoverJson([file]);
    // THEN only the caller is a service; the gateway is listed with the Service in front of it
    expect(scaffold.services.map((s) => `${s.namespace}/${s.name}`)).toEqual(['web/checker']);
    expect(scaffold.gateways).toEqual([{
      workload: 'edge/edge-proxy', namespace: 'edge', serviceAccountName: 'edge-proxy', labels: gatewayLabels, because, services: ['edge/edge-proxy'],
    }]);
    // AND a call to the gateway's Service is unresolved, saying why
    expect(scaffold.unresolved).toEqual([expect.objectContaining({
      variable: 'EDGE_URL', address: 'edge-proxy.edge:80', reason: 'Service edge/edge-proxy is in front of a gateway (edge/edge-proxy), which is no mesh service',
    })]);
  });

  test('a namespace that holds services besides a gateway is declared, and a note says the gateway needs its own', async () => {
    // GIVEN the classic ingress gateway next to an application in one namespace
    const file = manifestFile([
      namespace('apps'),
      ...deployed('apps', 'ingressgateway', { labels: { istio: 'ingressgateway' }, serviceAccount: 'ingressgateway' }),
      ...deployed('apps', 'orders', { labels: { app: 'orders' }, serviceAccount: 'orders' }),
    ]);
    // WHEN discovering
    const scaffold = await discoverJson([file]);
    // THEN the application is declared, the gateway is not, and the note says what to do
    expect(scaffold.services.map((s) => `${s.namespace}/${s.name}`)).toEqual(['apps/orders']);
    expect(scaffold.notes).toContain('namespace apps holds a gateway and services: the mesh\'s default-deny would hold the gateway too, '
      + 'and the Mesh refuses to declare the namespace of its ingressGateway; run the gateway in a namespace of its own');
  });
});
