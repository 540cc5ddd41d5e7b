/** Security headers sent on every response (`always`), before user changes. */
export const DEFAULT_SECURITY_HEADERS: { readonly [name: string]: string } = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'SAMEORIGIN',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Content-Security-Policy': "default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'",
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** File types whose responses are cached by browsers (`assetMaxAgeSeconds`). */
export const STATIC_ASSET_EXTENSIONS = ['css', 'js', 'mjs', 'map', 'json', 'png', 'jpe?g', 'gif', 'svg', 'ico', 'webp', 'avif', 'woff2?', 'ttf', 'otf'];
