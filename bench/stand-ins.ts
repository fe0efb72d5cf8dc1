import * as fs from 'fs';
import { namespaceName, namespaceOf, serviceName, Workload } from './workload';

/**
 * Deployments standing in for the workloads of the standard workload: the mesh emits policies
 * around workloads that the cluster already runs, and the analyzer needs pods to evaluate them.
 */
export function writeStandIns(workload: Workload, file: string): void {
  const docs: string[] = [];
  for (let s = 0; s < workload.services; s++) {
    const name = serviceName(s);
    docs.push(JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: namespaceName(namespaceOf(workload, s)) },
      spec: {
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { serviceAccountName: name, containers: [{ name: 'app', image: 'registry.example.com/app:1.0', ports: [{ name: 'http', containerPort: 8080 }] }] },
        },
      },
    }));
  }
  // JSON is YAML: one document per line keeps the file quick to write and to read.
  fs.writeFileSync(file, docs.map((d) => `---\n${d}\n`).join(''));
}
