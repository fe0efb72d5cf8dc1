import { ClusterClient, ResourceName } from '../../cli/cluster/kubeconfig-client';
import { readLiveObjects } from '../../cli/cluster/live-objects';

// What reading a cluster does when the user may not read everything: required resources fail the
// command; optional ones leave a note (and, for RBAC, mark the comparison incomplete).

const forbidden = (resource: string) => new Error(`the Kubernetes API server at https://k8s refused to list ${resource} (HTTP 403 Forbidden)`);

/** A client whose lists answer one Deployment, and refuse the given resources. */
function client(refused: readonly ResourceName[]): ClusterClient {
  return {
    server: 'https://k8s',
    context: 'test',
    list: async (resource) => {
      if (refused.includes(resource)) throw forbidden(resource);
      return resource === 'deployments' ? [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } }] : [];
    },
    get: async () => undefined,
  };
}

describe('reading the live cluster', () => {
  test('GIVEN ConfigMaps may not be listed WHEN discover reads the cluster THEN it goes on without them, and a note says what is lost', async () => {
    const live = await readLiveObjects(client(['configmaps']), { rootNamespace: 'istio-system', policies: false, configMaps: true });
    expect(live.objects.map(({ object }) => object.kind)).toEqual(['Deployment']);
    expect(live.notes).toEqual([expect.stringMatching(/^configmaps not read \(.*HTTP 403 Forbidden\)\); variables from envFrom\/configMapKeyRef not used$/)]);
    expect(live.unread).toEqual([]);
  });

  test('GIVEN ClusterRoleBindings may not be listed WHEN audit reads the cluster THEN the comparison is marked incomplete', async () => {
    const live = await readLiveObjects(client(['clusterrolebindings']), { rootNamespace: 'istio-system' });
    expect(live.unread).toEqual(['clusterrolebindings']);
  });

  test('GIVEN Deployments may not be listed THEN reading fails: workloads are what the analysis is about', async () => {
    await expect(readLiveObjects(client(['deployments']), { rootNamespace: 'istio-system' })).rejects.toThrow('refused to list deployments');
  });

  test('GIVEN forty namespaces to read THEN at most 16 API requests run at once (no burst of hundreds)', async () => {
    let running = 0;
    let most = 0;
    const slow: ClusterClient = {
      server: 'https://k8s',
      context: 'test',
      list: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 1));
        running--;
        return [];
      },
      get: async (resource, _namespace, name) => (resource === 'namespaces' ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } : undefined),
    };
    const namespaces = Array.from({ length: 40 }, (_, i) => `ns-${i}`);
    const live = await readLiveObjects(slow, { namespaces, rootNamespace: 'istio-system' });
    expect(live.objects).toHaveLength(40);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(16);
  });
});
