/** The parts of a container image reference. */
export interface ImageReference {
  /** Registry host, or undefined for Docker Hub's default. */
  registry: string | undefined;
  /** Repository including the registry, as Helm's `image.repository` wants it. */
  repository: string;
  tag: string | undefined;
  /** `sha256:<hex>` when pinned by digest. */
  digest: string | undefined;
}

/**
 * Splits `registry.example.com:5000/team/app:1.2.3@sha256:…` into its parts. The registry is the
 * first path segment when it looks like a host (has a dot or a port, or is `localhost`), as the
 * container runtimes decide it.
 */
export function parseImage(image: string): ImageReference {
  const at = image.indexOf('@');
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const name = at === -1 ? image : image.slice(0, at);
  const colon = name.lastIndexOf(':');
  const hasTag = colon > name.lastIndexOf('/');
  const repository = hasTag ? name.slice(0, colon) : name;
  const tag = hasTag ? name.slice(colon + 1) : undefined;
  const first = repository.split('/')[0]!;
  const registry = repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : undefined;
  return { registry, repository, tag, digest };
}
