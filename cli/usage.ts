export const USAGE = `Usage: mesh-policy <command> <paths...> [options]

Reads Kubernetes manifests (files or directories; YAML or JSON; multi-document; kind: List) and
computes who may reach whom under NetworkPolicy and Istio (PeerAuthentication, AuthorizationPolicy).

Commands:
  check <paths...> --from NS/NAME|ip:ADDR --to NS/NAME|ip:ADDR --port N [--protocol TCP|UDP|SCTP]
        [--method M] [--path P] [--host H] [--header NAME:VALUE]...
  check <paths...> --requests FILE     JSON array of {from,to,port,protocol?,method?,path?,host?,headers?}
  reach <paths...> [--format text|json|markdown] [--list-denied]
                                       every ordered workload pair x destination container port,
                                       and access from and to addresses outside the cluster
  explain <paths...>                   Markdown for a pull request: access matrix, Mermaid graph,
                                       Kubernetes API access (RBAC)
  diff <old-path> <new-path> [--workloads PATH]... [--format text|json|markdown]
                                       access added and removed (edges and API grants);
                                       exit 1 when access widens; --workloads adds the same pods
                                       to both sides (for policies without workloads, e.g. dist/)
  check, reach, explain and diff also take --stand-ins FILE (repeatable): pods for the services
  that a synth's declared access names (cdk8s synth writes .mesh-policy/declared-access.json), so
  that policies without workloads (dist/) can be analyzed alone
  lint <paths...> [--format text|json] policies the API server or Istio would reject, and risky ones
  can-i <paths...> --as NS/SERVICEACCOUNT --verb V --resource R[/SUB] [--group G] [--namespace NS]
        [--name NAME] [--format text|json]
                                       may the ServiceAccount make this API request under the
                                       manifests' RBAC? (kubectl auth can-i; without --namespace a
                                       cluster-scoped request; --resource /PATH is a non-resource URL)
                                       json: {"allowed","reason"}; exit 0 either way
  verify [paths...] [--app CMD | --declared-access FILE] [--format text|json]
                                       the manifests (default dist/) allow exactly what the cdk8s
                                       app's meshes declare, by NetworkPolicy alone, by Istio alone
                                       and by both, and of RBAC exactly the declared API grants;
                                       exit 1 on a mismatch
  audit <intent-paths...> [--kubeconfig FILE] [--context NAME] [--namespace NS]... [--format text|json]
                                       live cluster vs intent: drift, over-permissive access;
                                       exit 1 on drift, wider access or RBAC it could not read
  discover [<manifest-paths...>] [--kubeconfig FILE] [--context NAME] [--namespace NS]...
        [--cluster-domain DOMAIN] [--format ts|json]
                                       scaffold a mesh declaration, with edges inferred from the
                                       addresses of Services in env vars (URLs, host:port; also via
                                       ConfigMaps: envFrom, configMapKeyRef; never Secrets);
                                       from the cluster when no path; names resolve under
                                       --cluster-domain (the kubelet's; default cluster.local),
                                       which the scaffold sets as the Mesh's clusterDomain
  audit and discover also take --request-timeout DURATION (kubectl's: 30s, 2m; 0 = none; default 60s)

Global options:
  --trust-domain TD      mesh trust domain (default: the istio ConfigMap's, else cluster.local)
  --root-namespace NS    Istio root namespace (default: the istio ConfigMap's, else istio-system)
                         (these two: every command but can-i and discover, which evaluate no Istio policy)
  --format FORMAT        output format (text by default): check, can-i, lint, verify, audit: text|json;
                         reach, diff: text|json|markdown; explain: markdown; discover: ts|json
  --help, -h             this text

Options are long (--name VALUE or --name=VALUE; --name=VALUE for a value that starts with --);
a path that starts with '-' goes after --.

Exit codes: 0 ok, 1 diff found wider access / lint found errors / verify found mismatches / audit found
drift, 2 bad input, 3 internal error.
`;
