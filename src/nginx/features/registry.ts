import { BROTLI } from './brotli';
import { HttpFeature } from './feature';
import { GZIP } from './gzip';
import { RATE_LIMIT } from './rate-limit';

/**
 * The typed http features, in the order their directives appear in `http { }`. A new feature is one file in
 * this folder, its entry here, and its props interface in the `extends` list of `NginxConfigProps`.
 */
export const HTTP_FEATURES: ReadonlyArray<HttpFeature<any>> = [GZIP, RATE_LIMIT, BROTLI];
