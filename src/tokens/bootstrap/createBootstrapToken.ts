import { randomBytes } from 'node:crypto';

export interface BootstrapToken {
  /** Public part: `[a-z0-9]{6}`, also the Secret's name suffix. */
  id: string;
  /** Private part: `[a-z0-9]{16}`. */
  secret: string;
}

/** `n` uniformly random bytes; crypto's by default, injected in tests. */
export type RandomBytes = (n: number) => Uint8Array;

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
// 252 = 7 × 36: bytes from 252 up would favour the first four characters, so they are drawn again.
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

/**
 * A new kubeadm bootstrap token (`<id>.<secret>`), drawn as cluster-bootstrap's `randBytes` did
 * (k8s.io/cluster-bootstrap/token/util/helpers.go; later versions use Go's crypto/rand.Int, equally
 * unbiased): characters of [0-9a-z] from random bytes, rejecting bytes ≥ 252 so that every character is
 * equally likely.
 */
export function createBootstrapToken({
  random = randomBytes,
}: { random?: RandomBytes } = {}): BootstrapToken {
  return { id: draw(6, random), secret: draw(16, random) };
}

function draw(length: number, random: RandomBytes): string {
  let out = '';
  // Each round asks for exactly the characters still missing, so no byte is drawn and thrown away. A source
  // that keeps giving rejected bytes is broken: fail rather than spin (a sound source leaves a character
  // missing after 100 rounds with a chance below 64^-100).
  for (let round = 0; round < 100; round += 1) {
    for (const byte of random(length - out.length)) {
      if (byte < UNBIASED_LIMIT) out += ALPHABET.charAt(byte % ALPHABET.length);
    }
    if (out.length === length) return out;
  }
  throw new Error('the random source gave no usable byte in 100 rounds');
}
