/** The parts of a container image reference. */
export interface ParsedImageReference {
  /** Repository with its registry, for example `docker.io/library/nginx` or `nginx`. */
  readonly repository: string;
  /** Tag, if any. */
  readonly tag?: string;
  /** Digest (`sha256:...`), if any. */
  readonly digest?: string;
}

// A registry port is always followed by a path: `host:5000/name`; `host:5000` alone is not a repository.
/** An image repository (`[host[:port]/]path`), as Docker's reference grammar has it. */
export const REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+(?=\/))?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Splits `repo[:tag][@digest]` into its parts (without judging them). */
export function parseImageReference(ref: string): ParsedImageReference {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { repository: rest, tag, digest };
}

/**
 * Problems with an image reference that must be pinned: a tag other than `latest`, or a digest.
 *
 * @param what how the error names the reference, for example `baseImage`.
 */
export function checkPinnedImageReference(ref: string, what: string): string[] {
  const example = 'nginx:1.30.6-alpine or nginx:1.30.6-alpine@sha256:<digest>';
  const { repository, tag, digest } = parseImageReference(ref);
  const problems: string[] = [];
  if (!REPOSITORY.test(repository)) {
    problems.push(`${what} ${JSON.stringify(ref)} is not a valid image reference; write it as repository[:tag][@sha256:digest], for example ${example}.`);
    return problems;
  }
  // Stryker disable next-line ConditionalExpression: equivalent; TAG.test(undefined) tests the text "undefined", which TAG refuses only for no tag at all.
  if (tag !== undefined && !TAG.test(tag)) {
    problems.push(`${what} ${JSON.stringify(ref)} has an invalid tag ${JSON.stringify(tag)}; tags are letters, digits, '_', '.' and '-'.`);
  }
  if (digest !== undefined && !DIGEST.test(digest)) {
    problems.push(`${what} ${JSON.stringify(ref)} has an invalid digest; write it as sha256: followed by 64 lower-case hex digits.`);
  }
  if (tag === undefined && digest === undefined) {
    problems.push(`${what} ${JSON.stringify(ref)} has no tag or digest, so every build may take a different image; pin it, for example ${example}.`);
  } else if (tag === 'latest' && digest === undefined) {
    problems.push(`${what} ${JSON.stringify(ref)} uses the 'latest' tag, which moves; pin a version tag or a digest, for example ${example}.`);
  }
  return problems;
}
