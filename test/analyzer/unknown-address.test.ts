import { authorizationPolicy, meshedPair, networkPolicy, verdict } from './support';

// A pod of a controller has an IP only at run time. NetworkPolicy ipBlock and Istio ipBlocks/notIpBlocks
// and source.ip all match it by address, so a verdict that depends on where that address falls is not
// claimed: an ALLOW does not match and a DENY does. Only two things are known of such an address: it
// is inside a block that holds every address, and no cluster gives pods a documentation address
// (RFC 5737: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24; RFC 3849: 2001:db8::/32), as the shared
// conformance cases assume (istio 029, 111).
const fromWeb = { from: 'shop/web', to: 'shop/api', port: 8080, method: 'GET', path: '/' };
const allowFrom = (source: object) => authorizationPolicy('shop/api', { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source }] }] });
const denyFrom = (source: object) => authorizationPolicy('shop/deny', { selector: { matchLabels: { app: 'api' } }, action: 'DENY', rules: [{ from: [{ source }] }] });

describe('Istio address fields against an address the manifests do not tell', () => {
  test('GIVEN ALLOW everything but 10.0.0.0/8 (where pods often live) THEN not claimed: denied', () => {
    expect(verdict(meshedPair([allowFrom({ ipBlocks: ['0.0.0.0/0'], notIpBlocks: ['10.0.0.0/8'] })]), fromWeb)).toMatchObject({ allowed: false, layer: 'mesh' });
  });

  test('GIVEN ALLOW everything but a documentation range THEN allowed: no pod is there', () => {
    expect(verdict(meshedPair([allowFrom({ ipBlocks: ['0.0.0.0/0'], notIpBlocks: ['203.0.113.0/24'] })]), fromWeb)).toMatchObject({ allowed: true });
  });

  test('GIVEN DENY from 10.0.0.0/8 THEN it is taken to apply (denied), and DENY from a documentation range does not', () => {
    expect(verdict(meshedPair([denyFrom({ ipBlocks: ['10.0.0.0/8'] })]), fromWeb)).toMatchObject({ allowed: false, layer: 'mesh' });
    expect(verdict(meshedPair([denyFrom({ ipBlocks: ['198.51.100.0/24'] })]), fromWeb)).toMatchObject({ allowed: true });
  });

  test('GIVEN DENY unless from 10.0.0.0/8 (notIpBlocks) THEN denied as well: the DENY is not claimed not to match', () => {
    expect(verdict(meshedPair([denyFrom({ notIpBlocks: ['10.0.0.0/8'] })]), fromWeb)).toMatchObject({ allowed: false, layer: 'mesh' });
  });
});

describe('NetworkPolicy ipBlock against an address the manifests do not tell', () => {
  const ingressFrom = (except: string[]) => networkPolicy('shop/api-ingress', {
    podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except } }] }],
  });

  test('GIVEN every address except a documentation range THEN admitted', () => {
    expect(verdict(meshedPair([ingressFrom(['192.0.2.0/24'])]), fromWeb)).toMatchObject({ allowed: true });
  });

  test('GIVEN every address except 10.0.0.0/8 THEN not claimed: denied at the network', () => {
    expect(verdict(meshedPair([ingressFrom(['10.0.0.0/8'])]), fromWeb)).toMatchObject({ allowed: false, layer: 'network' });
  });
});
