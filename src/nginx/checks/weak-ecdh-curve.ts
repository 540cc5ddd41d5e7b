import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, show, walk } from './tree';

/**
 * The key-exchange groups of `ssl_ecdh_curve` (http, server, stream, mail) and of `ssl_conf_command Groups`,
 * `Curves` or `ECDHParameters`: an elliptic curve under 256 bits gives under 128-bit security, below every
 * current recommendation (Mozilla: X25519, prime256v1, secp384r1; NIST SP 800-57: 112-bit only until 2030);
 * RFC 8422 deprecated them for TLS and TLS 1.3 does not have them. `auto` (the default), X25519, X448, the
 * NIST curves from P-256, brainpool from 256 bits, the hybrid post-quantum groups and ffdhe are fine.
 */

const ID = 'weak-ecdh-curve';

/** OpenSSL's curve names with their size in bits: secp192r1, prime239v1, sect163k1, c2pnb176v1, brainpoolP224r1, P-224, K-163. */
const SIZED = [
  /^secp(\d+)[rk]\d$/,
  /^prime(\d+)v\d$/,
  /^sect(\d+)[rk]\d$/,
  /^c2[pot]nb(\d+)[vw]\d$/,
  /^brainpoolp(\d+)[rt]1(?:tls13)?$/,
  /^[pkb]-(\d+)$/,
];

/** Curves OpenSSL names without their size, all under 256 bits (WAP/WTLS and the Oakley/IPsec binary curves). */
const SMALL_UNSIZED = /^(?:wap-wsg-idm-ecid-wtls\d+|oakley-ec2n-[34]|ipsec[34])$/;

/** The curves of a group list (`X25519:prime256v1`, OpenSSL 3.5's `*X25519MLKEM768/X25519:?secp192r1`) under 256 bits. */
function weakCurves(list: string): string[] {
  return list.split(/[:/]/).flatMap(entry => {
    // '-name' removes a group from the list; '?' ignores an unknown name, '*' asks for a key share.
    if (entry.startsWith('-')) return [];
    const name = entry.replace(/^[?*]+/, '');
    const lower = name.toLowerCase();
    if (SMALL_UNSIZED.test(lower)) return [name];
    for (const re of SIZED) {
      const m = re.exec(lower);
      if (m) return Number(m[1]) < 256 ? [name] : [];
    }
    return [];
  });
}

/** The group list a directive sets, if it sets one. */
function groupList(d: Directive): string | undefined {
  if (d.name === 'ssl_ecdh_curve') return d.args[0];
  if (d.name === 'ssl_conf_command' && /^(?:groups|curves|ecdhparameters)$/i.test(d.args[0] ?? '')) return d.args[1];
  return undefined;
}

function checkWeakEcdhCurve(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    const list = groupList(d);
    if (list === undefined) return;
    const weak = weakCurves(list);
    if (weak.length === 0) return;
    findings.push(finding(ID, Severity.WARNING, describeWhere(parents),
      `'${show(d)}' offers ${weak.join(', ')}: elliptic curves under 256 bits, which give under 128-bit security, below every current `
      + 'recommendation; RFC 8422 deprecated them for TLS and TLS 1.3 does not have them. A connection that negotiates one gets a key '
      + 'exchange far weaker than its certificate and cipher, so a recorded session costs an attacker far less to decrypt later. '
      + "Remove them: 'ssl_ecdh_curve X25519:prime256v1:secp384r1;' (Mozilla's recommendation; "
      + 'X25519MLKEM768 may be added in front where OpenSSL has it), or leave the directive out (the default, auto, lets OpenSSL choose).'));
  });
  return findings;
}

/**
 * weak-ecdh-curve: `ssl_ecdh_curve` (or `ssl_conf_command Groups`) offering an elliptic curve under 256 bits.
 */
export const weakEcdhCurve: SecurityRule = {
  ids: [ID],
  run: checkWeakEcdhCurve,
};
