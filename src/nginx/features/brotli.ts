import { HttpFeature } from './feature';
import { GZIP_TYPES } from './gzip';
import { Directive } from '../directive';
import { NginxModules } from '../modules';

/** Compression with Brotli (part of `NginxConfigProps`). */
export interface BrotliProps {
  /**
   * Compress text responses on the fly with Brotli (level 5, from 1 KiB, the same types as gzip) for clients
   * that accept it, and serve precompressed `<file>.br` files when they exist. Loads the brotli filter and
   * static modules (`NginxModules.brotliFilter()`, `NginxModules.brotliStatic()`), so the base image must
   * have them: Debian's libnginx-mod-http-brotli-filter and libnginx-mod-http-brotli-static.
   * @default false
   */
  readonly brotli?: boolean;
}

/** Brotli on the fly and precompressed `.br` files (the ngx_brotli modules). */
export const BROTLI: HttpFeature<boolean> = {
  read: (reader, p) => reader.boolean('brotli', p.brotli, false),
  directives: on => on ? [
    Directive.of('brotli', 'on'),
    Directive.of('brotli_comp_level', '5'),
    Directive.of('brotli_min_length', '1024'),
    Directive.of('brotli_types', ...GZIP_TYPES),
    Directive.of('brotli_static', 'on'),
  ] : [],
  modules: on => on ? [NginxModules.brotliFilter(), NginxModules.brotliStatic()] : [],
  // An imported config's own brotli directives are kept as they are (with its load_module lines).
  imported: new Set(),
  importProps: () => ({}),
};
