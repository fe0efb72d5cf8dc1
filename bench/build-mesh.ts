import { Construct } from 'constructs';
import { Mesh, MeshPort, MeshService } from '../constructs';
import { namespaceName, namespaceOf, serviceName, Workload } from './workload';

/** Builds the workload with the public constructs of this library. */
export function buildMesh(scope: Construct, workload: Workload): Mesh {
  const mesh = new Mesh(scope, 'bench');
  const namespaces = Array.from({ length: workload.namespaces }, (_, i) => mesh.addNamespace(namespaceName(i)));
  const services: MeshService[] = [];
  for (let s = 0; s < workload.services; s++) {
    services.push(namespaces[namespaceOf(workload, s)].addService(serviceName(s), { ports: [MeshPort.http(8080, { name: 'http' })] }));
  }
  for (const edge of workload.edges) {
    const options = edge.httpRestricted ? { methods: ['GET'], paths: ['/api/*'] } : {};
    services[edge.destination].allowFrom(services[edge.consumer], options);
  }
  return mesh;
}
