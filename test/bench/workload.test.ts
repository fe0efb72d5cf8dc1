import { Testing } from 'cdk8s';
import { buildMesh } from '../../bench/build-mesh';
import { namespaceOf, standardWorkload } from '../../bench/workload';

describe('the standard benchmark workload', () => {
  const workload = standardWorkload(2000);

  test('is the same for the same seed and differs for another', () => {
    expect(standardWorkload(2000)).toEqual(workload);
    expect(standardWorkload(2000, 7).edges).not.toEqual(workload.edges);
  });

  test('spreads N services over ceil(N/10) namespaces', () => {
    expect(workload.namespaces).toBe(200);
    expect(standardWorkload(1005).namespaces).toBe(101);
  });

  test('gives each service 5 consumers on average, never itself, never twice', () => {
    expect(workload.edges.length / workload.services).toBeGreaterThan(4.8);
    expect(workload.edges.length / workload.services).toBeLessThan(5.2);
    expect(workload.edges.some((e) => e.consumer === e.destination)).toBe(false);
    expect(new Set(workload.edges.map((e) => `${e.consumer}>${e.destination}`)).size).toBe(workload.edges.length);
  });

  test('draws about 30% of consumers from the same namespace and restricts about 20% of edges to GET /api/*', () => {
    const same = workload.edges.filter((e) => namespaceOf(workload, e.consumer) === namespaceOf(workload, e.destination)).length;
    expect(same / workload.edges.length).toBeGreaterThan(0.25);
    expect(same / workload.edges.length).toBeLessThan(0.35);
    const restricted = workload.edges.filter((e) => e.httpRestricted).length;
    expect(restricted / workload.edges.length).toBeGreaterThan(0.17);
    expect(restricted / workload.edges.length).toBeLessThan(0.23);
  });

  test('builds a valid mesh with one HTTP port per service and every edge declared', () => {
    const small = standardWorkload(100);
    const mesh = buildMesh(Testing.app(), small);
    expect(mesh.problems()).toEqual([]);
    expect(mesh.services).toHaveLength(100);
    expect(mesh.declaredAccess().edges).toHaveLength(small.edges.length);
    expect(mesh.services.every((s) => s.ports.length === 1 && s.ports[0].containerPort === 8080)).toBe(true);
  });
});
