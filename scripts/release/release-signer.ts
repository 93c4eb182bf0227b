// Signs release statements into Sigstore bundles (v0.3, DSSE, in-toto): keyless with Fulcio and
// Rekor when an OIDC identity token is available (CI), with the local key otherwise.
import type { SerializedBundle } from '@sigstore/bundle';
import { inTotoPayloadType, type ReleaseStatement } from '../../packages/sdk/src/release/release-statement';
import { ensureLocalKey, type LocalKeyOptions } from './local-key';
import { LocalKeySigner } from './local-key-signer';

/** How a release is signed. */
export type SigningMode = 'keyless' | 'key';

/** What the caller asked for: `auto` picks keyless when an identity token is available. */
export type RequestedSigningMode = SigningMode | 'auto';

type Env = Readonly<Record<string, string | undefined>>;

/** Keyless when an OIDC token is available (SIGSTORE_ID_TOKEN, or GitHub Actions with `id-token: write`). */
export function chooseSigningMode(requested: RequestedSigningMode, env: Env): SigningMode {
  if (requested !== 'auto') return requested;
  const githubActions = env.ACTIONS_ID_TOKEN_REQUEST_URL !== undefined && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN !== undefined;
  return env.SIGSTORE_ID_TOKEN !== undefined || githubActions ? 'keyless' : 'key';
}

/** Signs statements; one per release run. */
export interface ReleaseSigner {
  mode: SigningMode;
  /** For a keyed release: the public key file to publish with it, and its id. */
  publicKey?: { file: string; keyId: string; generated: boolean };
  /** One line for logs and the manifest. */
  description: string;
  sign(statement: ReleaseStatement): Promise<SerializedBundle>;
}

/** Options of {@link createReleaseSigner}. */
export interface ReleaseSignerOptions {
  mode: RequestedSigningMode;
  env: Env;
  /** The local key, for keyed signing. */
  key?: LocalKeyOptions;
}

/** Creates the signer for this run. Keyless signing needs network (Fulcio, Rekor); keyed does not. */
export async function createReleaseSigner(options: ReleaseSignerOptions): Promise<ReleaseSigner> {
  const mode = chooseSigningMode(options.mode, options.env);
  const sigstore = await import('@sigstore/sign');
  const { bundleToJSON } = await import('@sigstore/bundle');
  let builder: InstanceType<typeof sigstore.DSSEBundleBuilder>;
  let signer: Omit<ReleaseSigner, 'sign'>;
  if (mode === 'key') {
    const key = ensureLocalKey(options.key);
    // No witnesses: nothing leaves the machine; verifiers are told thresholds are 0 for keyed bundles.
    builder = new sigstore.DSSEBundleBuilder({ signer: new LocalKeySigner(key), witnesses: [], certificateChain: false });
    signer = {
      mode,
      publicKey: { file: key.publicKeyFile, keyId: key.publicKey.keyId, generated: key.generated },
      description: `local ${key.publicKey.algorithm} key ${key.publicKey.keyId}`,
    };
  } else {
    const token = options.env.SIGSTORE_ID_TOKEN;
    const identityProvider = token === undefined ? new sigstore.CIContextProvider('sigstore') : { getToken: async () => token };
    const fulcioBaseURL = options.env.SIGSTORE_FULCIO_URL ?? sigstore.DEFAULT_FULCIO_URL;
    const rekorBaseURL = options.env.SIGSTORE_REKOR_URL ?? sigstore.DEFAULT_REKOR_URL;
    builder = new sigstore.DSSEBundleBuilder({
      signer: new sigstore.FulcioSigner({ identityProvider, fulcioBaseURL, retry: 2, timeout: 30_000 }),
      witnesses: [new sigstore.RekorWitness({ rekorBaseURL, entryType: 'dsse', retry: 2, timeout: 30_000 })],
      certificateChain: false,
    });
    signer = { mode, description: `keyless (Fulcio ${fulcioBaseURL}, Rekor ${rekorBaseURL})` };
  }
  return {
    ...signer,
    async sign(statement) {
      const bundle = await builder.create({ data: Buffer.from(JSON.stringify(statement)), type: inTotoPayloadType });
      return bundleToJSON(bundle);
    },
  };
}
