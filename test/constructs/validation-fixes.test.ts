import { MeshPort } from '../../constructs';
import { problemsAt, testMesh } from '../support/mesh';

describe('validation messages whose fix works', () => {
  test('an edge with an empty port list says so, and names the ports it could allow', () => {
    // GIVEN
    const mesh = testMesh();
    const infra = mesh.addNamespace('infra');
    const dns = infra.addService('dns', { ports: [MeshPort.udp(53, { name: 'dns-udp' }), MeshPort.tcp(53, { name: 'dns-tcp' })] });
    // WHEN
    dns.allowFrom(infra.addService('fe'), { ports: [] });
    // THEN
    expect(problemsAt(mesh, 'test/infra/dns')).toEqual([
      "error: allows service infra/fe on an empty port list (ports: []), which opens nothing; omit ports to allow every port of the service ('dns-udp', 'dns-tcp'), or name some of them",
    ]);
  });

  test('methods/paths on a service without HTTP ports name them, the ports with their protocols, and a fix that works', () => {
    // GIVEN
    const mesh = testMesh();
    const api = mesh.addNamespace('api');
    const client = api.addService('client');
    const db = api.addService('db', { ports: [MeshPort.tcp(5432, { name: 'tcp-pg' }), MeshPort.udp(514, { name: 'udp-log' })] });
    // WHEN
    db.allowFrom(client, { methods: ['GET'], paths: ['/health'] });
    // THEN
    expect(problemsAt(mesh, 'test/api/db')).toEqual([
      "error: allows service api/client methods ['GET'] and paths ['/health'], but the service has no HTTP port: its ports are 'tcp-pg' (TCP), 'udp-log' (UDP), "
        + 'and Istio matches methods and paths only on HTTP, HTTP2 and gRPC ports; if a port speaks HTTP, declare it with MeshPort.http/http2/grpc, '
        + 'otherwise drop methods and paths to allow the ports without request matching',
    ]);
  });

  test('an edge to a service without ports asks for ports on the service, not in the edge', () => {
    // GIVEN
    const mesh = testMesh();
    const api = mesh.addNamespace('api');
    const client = api.addService('client');
    const worker = api.addService('worker');
    // WHEN
    worker.allowFrom(client);
    // THEN
    expect(problemsAt(mesh, 'test/api/worker')).toEqual([
      'error: allows service api/client, but the service declares no ports; add the ports it serves, e.g. { ports: [MeshPort.http(8080)] }',
    ]);
  });

  test('service names are DNS-1035 labels: a name that a namespace or ServiceAccount may take is refused, and addService(\'\') says so', () => {
    // GIVEN
    const mesh = testMesh();
    const ns = mesh.addNamespace('9lives');
    // WHEN
    ns.addService('9lives');
    // THEN
    expect(problemsAt(mesh, 'test/9lives')).toEqual([]);
    expect(problemsAt(mesh, 'test/9lives/9lives')).toEqual([
      "error: service name '9lives' is not a DNS-1035 label, which Kubernetes requires of Service names; "
        + "use at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, e.g. 'lives'",
    ]);
    expect(() => ns.addService('')).toThrow(
      "test/9lives: addService('') needs a service name, a DNS-1035 label (lowercase letters, digits and '-', starting with a letter) such as 'orders'");
  });

  test('a bad port number or a repeated port is reported once when containerPort defaults to it', () => {
    // GIVEN
    const mesh = testMesh();
    // WHEN
    mesh.addNamespace('api').addService('orders', {
      ports: [MeshPort.http(70000, { name: 'http-big' }), MeshPort.tcp(8080, { name: 'tcp-a' }), MeshPort.tcp(8080, { name: 'tcp-b' })],
    });
    // THEN
    expect(problemsAt(mesh, 'test/api/orders')).toEqual([
      "error: port 70000 of 'http-big' is out of range; use an integer from 1 to 65535",
      "error: service port TCP/8080 of 'tcp-b' is also the Service port of 'tcp-a'; a Service's ports must differ, so give one of them another number",
    ]);
  });

  test('a containerPort given explicitly is still checked on its own', () => {
    // GIVEN
    const mesh = testMesh();
    // WHEN
    mesh.addNamespace('api').addService('orders', {
      ports: [MeshPort.tcp(8080, { name: 'tcp-a' }), MeshPort.tcp(9090, { name: 'tcp-b', containerPort: 8080 }), MeshPort.tcp(9091, { name: 'tcp-c', containerPort: 0 })],
    });
    // THEN
    expect(problemsAt(mesh, 'test/api/orders')).toEqual([
      "error: container port TCP/8080 of 'tcp-b' is also the container port of 'tcp-a'; policies match container ports, so give each its own",
      "error: containerPort 0 of 'tcp-c' is out of range; use an integer from 1 to 65535",
    ]);
  });

  test('a grant of every verb on every resource warns that it is (nearly) namespace admin', () => {
    // GIVEN
    const mesh = testMesh({ apiServer: { cidrs: ['10.0.0.1/32'] } });
    const data = mesh.addNamespace('data');
    const ops = mesh.addNamespace('ops');
    const app = mesh.addNamespace('api').addService('app');
    // WHEN
    app.grantApi(data, { resources: ['*'], verbs: ['*'], apiGroups: ['*'] });
    app.grantApi(ops, { resources: ['*'], verbs: ['*'] });
    app.grantApi(ops, { resources: ['*'], verbs: ['*'], resourceNames: ['app-config'] });
    // THEN
    expect(problemsAt(mesh, 'test/api/app')).toEqual([
      "warning: grant in 'data' allows every verb on every resource of every API group (resources ['*'], verbs ['*'], apiGroups ['*']): namespace admin and more, "
        + "like binding cluster-admin in 'data' (every Secret, pods running as any ServiceAccount there, any role bound); "
        + "list only the resources and verbs the service needs, e.g. resources ['configmaps'] with verbs ['get', 'list', 'watch']",
      "warning: grant in 'ops' allows every verb on every resource of the core API group (resources ['*'], verbs ['*']): nearly namespace admin in 'ops' "
        + '(every Secret, exec into every pod, pods and tokens of any ServiceAccount there); '
        + "list only the resources and verbs the service needs, e.g. resources ['configmaps'] with verbs ['get', 'list', 'watch']",
    ]);
  });
});
