/**
 * The embedded example: Online Boutique (github.com/GoogleCloudPlatform/microservices-demo), its
 * eleven services split over four namespaces, with the call graph of its `*_SERVICE_ADDR`
 * variables. `npx cdk8s synth` writes every layer of its access control to dist/.
 *
 * Deploying the app itself next to it (its Deployments are not emitted): put each Deployment in its
 * namespace with `serviceAccountName` set to its service's name (redis-cart too), and write the
 * addresses that cross namespaces as FQDNs (`PRODUCT_CATALOG_SERVICE_ADDR=
 * productcatalogservice.shop.svc.cluster.local:3550`, `REDIS_ADDR=redis-cart.data.svc.cluster.local:6379`):
 * short names resolve in the pod's own namespace only.
 */
import { App } from 'cdk8s';
import { Mesh, MeshApp, MeshPort, Peer } from './constructs';

export function onlineBoutique(app: App): Mesh {
  const mesh = new Mesh(app, 'online-boutique', {
    // The `kubernetes` Service's endpoints (`kubectl get endpoints kubernetes -n default`);
    // replace with your cluster's. Only services holding API grants may reach it.
    apiServer: { cidrs: ['172.18.0.2/32'], port: 6443 },
    // The app's own ingress (service-mesh-istio/frontend-gateway.yaml) is a Gateway API `Gateway`
    // named istio-gateway of class istio: Istio deploys it as `istio-gateway-istio` (Deployment and
    // ServiceAccount) with this label. With the app split, it lives in `istio-ingress` and admits
    // the frontend's HTTPRoute from `web` (allowedRoutes.namespaces.from: All).
    ingressGateway: {
      namespace: 'istio-ingress',
      serviceAccount: 'istio-gateway-istio',
      labels: { 'gateway.networking.k8s.io/gateway-name': 'istio-gateway' },
    },
    // Istio's Prometheus addon (samples/addons/prometheus.yaml: istio-system, app.kubernetes.io/name:
    // prometheus, no sidecar) scrapes every pod's sidecar metrics on 15020/15090; default-deny would
    // stop it. Point this at your Prometheus, or drop it if nothing scrapes the mesh.
    metricsScraper: { namespace: 'istio-system' },
  });

  const web = mesh.addNamespace('web');
  const shop = mesh.addNamespace('shop');
  const ads = mesh.addNamespace('ads');
  const data = mesh.addNamespace('data');

  const frontend = web.addService('frontend', { ports: [MeshPort.http(80, { name: 'http', containerPort: 8080 })] });
  const loadgenerator = web.addService('loadgenerator');

  const grpc = (port: number, containerPort = port) => MeshPort.grpc(port, { name: 'grpc', containerPort });
  const productcatalog = shop.addService('productcatalogservice', { ports: [grpc(3550)] });
  const currency = shop.addService('currencyservice', { ports: [grpc(7000)] });
  const cart = shop.addService('cartservice', { ports: [grpc(7070)] });
  const recommendation = shop.addService('recommendationservice', { ports: [grpc(8080)] });
  const shipping = shop.addService('shippingservice', { ports: [grpc(50051)] });
  const checkout = shop.addService('checkoutservice', { ports: [grpc(5050)] });
  const payment = shop.addService('paymentservice', { ports: [grpc(50051)] });
  const email = shop.addService('emailservice', { ports: [grpc(5000, 8080)] });
  const adservice = ads.addService('adservice', { ports: [grpc(9555)] });
  const redis = data.addService('redis-cart', { ports: [MeshPort.tcp(6379, { name: 'tcp-redis' })] });

  // Only gRPC calls of the right service reach each backend: `/<package>.<Service>/<Method>`.
  const calls = (service: string) => ({ methods: ['POST'], paths: [`/hipstershop.${service}/*`] });

  frontend.allowFrom(Peer.ingressGateway(), { methods: ['GET', 'POST', 'HEAD'] });
  frontend.allowFrom(loadgenerator);

  for (const consumer of [frontend, checkout, recommendation]) productcatalog.allowFrom(consumer, calls('ProductCatalogService'));
  for (const consumer of [frontend, checkout]) {
    currency.allowFrom(consumer, calls('CurrencyService'));
    cart.allowFrom(consumer, calls('CartService'));
    shipping.allowFrom(consumer, calls('ShippingService'));
  }
  recommendation.allowFrom(frontend, calls('RecommendationService'));
  checkout.allowFrom(frontend, { methods: ['POST'], paths: ['/hipstershop.CheckoutService/PlaceOrder'] });
  adservice.allowFrom(frontend, calls('AdService'));
  payment.allowFrom(checkout, { methods: ['POST'], paths: ['/hipstershop.PaymentService/Charge'] });
  email.allowFrom(checkout, { methods: ['POST'], paths: ['/hipstershop.EmailService/SendOrderConfirmation'] });
  redis.allowFrom(cart);

  // A cross-namespace API grant, for a cart whose Redis needs a password kept in a Secret in `data`
  // (upstream's cart uses Redis without one: drop this grant if yours does too). It gives a Role and
  // RoleBinding in `data` for the `shop/cartservice` ServiceAccount, its token mounted, and egress to
  // the API server; no other service gets either.
  cart.grantApi(data, { resources: ['secrets'], resourceNames: ['redis-cart-auth'], verbs: ['get'] });

  return mesh;
}

if (require.main === module) {
  // MeshApp writes the same files as cdk8s's App, faster (see README, Performance).
  const app = new MeshApp();
  onlineBoutique(app);
  app.synth();
}
