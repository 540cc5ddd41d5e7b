import { HttpFeature } from './feature';
import { Directive } from '../directive';

/** MIME types gzip compresses (text/html is always compressed by nginx). */
export const GZIP_TYPES = [
  'text/css', 'text/plain', 'text/xml', 'text/javascript', 'application/javascript', 'application/json',
  'application/xml', 'application/rss+xml', 'application/atom+xml', 'image/svg+xml', 'font/ttf', 'font/otf',
];

/** Compression with gzip (part of `NginxConfigProps`). */
export interface GzipProps {
  /**
   * Compress text responses on the fly (gzip, level 5, from 1 KiB, with `Vary: Accept-Encoding`).
   * @default true
   */
  readonly gzip?: boolean;
  /**
   * Serve precompressed `<file>.gz` files when they exist (`gzip_static on`).
   * @default false
   */
  readonly gzipStatic?: boolean;
}

/** gzip on the fly and precompressed files (ngx_http_gzip_module, ngx_http_gzip_static_module). */
export const GZIP: HttpFeature<Required<GzipProps>> = {
  read: (reader, p) => ({
    gzip: reader.boolean('gzip', p.gzip, true),
    gzipStatic: reader.boolean('gzipStatic', p.gzipStatic, false),
  }),
  directives: v => [
    ...(v.gzip ? [
      Directive.of('gzip', 'on'),
      Directive.of('gzip_vary', 'on'),
      Directive.of('gzip_comp_level', '5'),
      Directive.of('gzip_min_length', '1024'),
      Directive.of('gzip_proxied', 'any'),
      Directive.of('gzip_types', ...GZIP_TYPES),
    ] : []),
    ...(v.gzipStatic ? [Directive.of('gzip_static', 'on')] : []),
  ],
  modules: () => [],
  // An imported config's gzip lines are kept as they are: the typed gzip adds its own tuning (level 5, from
  // 1 KiB, its type list), which would change what the imported config sends (Vary, which responses shrink).
  imported: new Set(),
  importProps: () => ({ gzip: false, gzipStatic: false }),
};
