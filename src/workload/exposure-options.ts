/**
 * Options of the exposure (Ingress, Gateway API HTTPRoute) that `NginxWorkload` derives from the servers;
 * the derivation is in `exposure.ts`.
 */

/** What both kinds of exposure share. */
export interface ExposureOptions {
  /**
   * The servers (by name) to route to.
   * @default - every server reached from outside the pod (not bound to a loopback address)
   */
  readonly servers?: string[];
  /**
   * Route only the locations declared with addLocation/addProxy/addRedirect (a prefix location becomes a
   * Prefix path, an exact one an Exact path; a regex location is refused), instead of `/`. Kubernetes
   * prefixes match whole path segments, so a route is never wider than the nginx location it comes from.
   * @default false - every path: `/`
   */
  readonly locationsOnly?: boolean;
  /**
   * The namespace the ingress controller or gateway runs in. Its pods become an ingress peer of the
   * NetworkPolicy (namespace label `kubernetes.io/metadata.name`), added to `ingressPeers`: with no other
   * peer, only the controller reaches nginx.
   * @default - the NetworkPolicy's peers are left as they are
   */
  readonly controllerNamespace?: string;
}

/** An Ingress (networking.k8s.io/v1) for the servers. */
export interface IngressOptions extends ExposureOptions {
  /**
   * The IngressClass.
   * @default - the cluster's default IngressClass
   */
  readonly className?: string;
  /**
   * Annotations for the controller, for example `nginx.ingress.kubernetes.io/backend-protocol: HTTPS` when
   * a TLS server is routed (nginx speaks TLS on its port, and the controller must too).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/** A Gateway API HTTPRoute (gateway.networking.k8s.io/v1) per server, attached to an existing Gateway. */
export interface HttpRouteOptions extends ExposureOptions {
  /** The Gateway the routes attach to. */
  readonly gatewayName: string;
  /**
   * The Gateway's namespace.
   * @default - the route's own namespace
   */
  readonly gatewayNamespace?: string;
  /**
   * The Gateway listener (its name) the routes attach to.
   * @default - every listener of the Gateway that allows the route
   */
  readonly sectionName?: string;
}
