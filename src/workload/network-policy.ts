import { NetworkPolicyPeer } from './options';

/** Default deny both ways; ingress on the server ports from the peers; egress to DNS and upstream ports. */
export function networkPolicySpec(selector: { [k: string]: string }, ports: number[], egressPorts: number[], peers?: NetworkPolicyPeer[]): any {
  const from = (peers ?? []).map(p => {
    if (p.cidr !== undefined) return { ipBlock: { cidr: p.cidr } };
    return {
      ...(p.podLabels ? { podSelector: { matchLabels: p.podLabels } } : {}),
      ...(p.namespaceLabels ? { namespaceSelector: { matchLabels: p.namespaceLabels } } : {}),
    };
  });
  const tcp = (port: number) => ({ protocol: 'TCP', port });
  return {
    podSelector: { matchLabels: selector },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ ...(from.length > 0 ? { from } : {}), ports: ports.map(tcp) }],
    egress: [
      {
        to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      },
      ...(egressPorts.length > 0 ? [{ ports: egressPorts.map(tcp) }] : []),
    ],
  };
}
