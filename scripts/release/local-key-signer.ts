import { sign } from 'node:crypto';
import type { Signature, Signer } from '@sigstore/sign';
import type { LocalKey } from './local-key';

/**
 * A @sigstore/sign Signer over the local key: no Fulcio certificate, so the bundle carries the
 * public key's id as its hint and verifies only with that key.
 */
export class LocalKeySigner implements Signer {
  readonly #key: LocalKey;

  constructor(key: LocalKey) {
    this.#key = key;
  }

  async sign(data: Buffer): Promise<Signature> {
    // Ed25519 takes no digest algorithm (null); ECDSA/RSA keys would use SHA-256.
    const algorithm = this.#key.privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256';
    return {
      signature: sign(algorithm, data, this.#key.privateKey),
      key: { $case: 'publicKey', publicKey: this.#key.publicKey.pem, hint: this.#key.publicKey.keyId },
    };
  }
}
