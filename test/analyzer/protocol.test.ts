import { meshProtocolOf } from '../../analyzer/mesh/protocol';
import { ServicePort } from '../../analyzer';

// Istio's protocol of a Service port: istio/istio pkg/config/kube/conversion.go ConvertProtocol and
// pkg/config/protocol/instance.go; https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
const port = (fields: Partial<ServicePort>): ServicePort => ({ port: 8080, targetPort: 8080, protocol: 'TCP', ...fields });

describe('protocol selection', () => {
  test.each([
    ['http', 'http'], ['http-web', 'http'], ['http2', 'http'], ['grpc', 'http'], ['grpc-web', 'http'], ['GRPC-api', 'http'],
    ['tcp-db', 'tcp'], ['tls', 'tcp'], ['https', 'tcp'], ['redis', 'tcp'], ['mongo', 'tcp'], ['web', 'auto'],
  ])('a port named %s is %s', (name, protocol) => {
    expect(meshProtocolOf(port({ name }))).toBe(protocol);
  });

  test('appProtocol wins over the port name', () => {
    expect(meshProtocolOf(port({ name: 'tcp-x', appProtocol: 'http' }))).toBe('http');
    expect(meshProtocolOf(port({ name: 'x', appProtocol: 'kubernetes.io/h2c' }))).toBe('http');
  });

  test('well-known ports (SMTP, DNS, MySQL, MongoDB) are TCP when nothing is declared', () => {
    expect(meshProtocolOf(port({ port: 3306 }))).toBe('tcp');
  });

  test('UDP ports are not proxied', () => {
    expect(meshProtocolOf(port({ name: 'http', protocol: 'UDP' }))).toBeUndefined();
  });
});
