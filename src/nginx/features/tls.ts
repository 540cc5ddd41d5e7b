import { Directive } from '../directive';

/** Mozilla's server-side TLS profiles (https://ssl-config.mozilla.org, guidelines 5.7). */
export enum TlsProfile {
  /** TLS 1.2 and 1.3 with forward-secret AEAD ciphers: almost every client since 2014. */
  INTERMEDIATE = 'INTERMEDIATE',
  /** TLS 1.3 only: modern clients. */
  MODERN = 'MODERN',
  /**
   * No TLS settings from the library, only the certificate and key: the `ssl_*` directives added to the server
   * decide (an imported server keeps its own), and nginx's defaults fill the rest.
   */
  NONE = 'NONE',
}

const INTERMEDIATE_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES256-GCM-SHA384', 'DHE-RSA-CHACHA20-POLY1305',
].join(':');

/** TLS of a server. The certificate comes from a Kubernetes TLS Secret (`tls.crt`, `tls.key`) mounted read-only. */
export interface TlsOptions {
  /** Name of the `kubernetes.io/tls` Secret holding `tls.crt` and `tls.key`; the workload mounts it. */
  readonly secretName: string;
  /**
   * Mozilla profile.
   * @default TlsProfile.INTERMEDIATE
   */
  readonly profile?: TlsProfile;
  /**
   * Folder the Secret is mounted at; nginx reads `<dir>/tls.crt` and `<dir>/tls.key`.
   * @default '/etc/nginx/tls/<server name>'
   */
  readonly certificateDir?: string;
  /**
   * `Strict-Transport-Security` max-age in seconds; 0 leaves the header out.
   * @default 63072000 (two years, as Mozilla recommends)
   */
  readonly hstsMaxAgeSeconds?: number;
}

/** The ssl_* directives of a Mozilla profile for one certificate folder. */
export function tlsDirectives(certificateDir: string, profile: TlsProfile): Directive[] {
  const certificate = [
    Directive.of('ssl_certificate', `${certificateDir}/tls.crt`),
    Directive.of('ssl_certificate_key', `${certificateDir}/tls.key`),
  ];
  if (profile === TlsProfile.NONE) return certificate;
  const common = [
    ...certificate,
    Directive.of('ssl_session_timeout', '1d'),
    Directive.of('ssl_session_cache', 'shared:MozSSL:10m'),
    Directive.of('ssl_session_tickets', 'off'),
  ];
  if (profile === TlsProfile.MODERN) {
    return [...common, Directive.of('ssl_protocols', 'TLSv1.3'), Directive.of('ssl_prefer_server_ciphers', 'off')];
  }
  return [
    ...common,
    Directive.of('ssl_protocols', 'TLSv1.2', 'TLSv1.3'),
    Directive.of('ssl_ciphers', INTERMEDIATE_CIPHERS),
    Directive.of('ssl_prefer_server_ciphers', 'off'),
  ];
}
