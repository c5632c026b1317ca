/**
 * Content Security Policies. The Prompt Manager loads only its own files: no inline or eval'd
 * script, no other origin, no framing. What Monaco needs was found by running it under the policy
 * (packages/web/test/security.test.ts reports every violation): it injects <style> elements and
 * writes style="" attributes at runtime, with no nonce support, so styles allow 'unsafe-inline'
 * (scripts stay strict); its CSS draws some icons from data: images; its editor worker is a
 * same-origin module file built by Vite ('self' workers, no blob:).
 */
export const UI_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  workerSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** swagger-ui (at /docs) loads its bundle from /docs/static; its own styles are set inline. */
export const DOCS_CSP = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};
