/** Deterministic PRNG (mulberry32): the same seed gives the same workload on every machine. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One allowed call of the standard workload, by service index. */
export interface WorkloadEdge {
  readonly consumer: number;
  readonly destination: number;
  /** The 20% of edges that may only `GET /api/*`. */
  readonly httpRestricted: boolean;
}

/** The standard benchmark workload as data, so that every contender builds the same thing. */
export interface Workload {
  readonly services: number;
  readonly namespaces: number;
  readonly edges: readonly WorkloadEdge[];
}

export const namespaceName = (i: number) => `ns-${String(i).padStart(3, '0')}`;
export const serviceName = (i: number) => `svc-${String(i).padStart(5, '0')}`;
/** Services are spread round-robin over the namespaces. */
export const namespaceOf = (workload: Workload, service: number) => service % workload.namespaces;

/**
 * N services over ceil(N/10) namespaces; each service gets 3 to 7 consumers (5 on average),
 * about 30% from its own namespace and 70% from others, never itself; 20% of the edges only
 * allow GET on /api/*. Seeded, so every run and every contender sees the same mesh.
 */
export function standardWorkload(services: number, seed = 42): Workload {
  const random = mulberry32(seed);
  const namespaces = Math.ceil(services / 10);
  const workload = { services, namespaces, edges: [] as WorkloadEdge[] };
  const members: number[][] = Array.from({ length: namespaces }, () => []);
  for (let s = 0; s < services; s++) members[namespaceOf(workload, s)].push(s);
  const seen = new Set<string>();
  for (let destination = 0; destination < services; destination++) {
    const consumers = 3 + Math.floor(random() * 5);
    const own = members[namespaceOf(workload, destination)];
    for (let attempt = 0, added = 0; added < consumers && attempt < consumers * 10; attempt++) {
      const sameNamespace = random() < 0.3 && own.length > 1;
      const consumer = sameNamespace ? own[Math.floor(random() * own.length)] : Math.floor(random() * services);
      const key = `${consumer}>${destination}`;
      if (consumer === destination || seen.has(key)) continue;
      seen.add(key);
      workload.edges.push({ consumer, destination, httpRestricted: random() < 0.2 });
      added++;
    }
  }
  return workload;
}
