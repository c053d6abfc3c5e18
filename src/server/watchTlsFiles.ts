import { readFileSync, statSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export const TLS_OPTIONS = { minVersion: 'TLSv1.2' } as const satisfies SecureContextOptions;

/** Reads and checks a certificate/key pair; throws when the pair is unreadable or does not match. */
export function loadTls({ certFile, keyFile }: TlsFiles): SecureContextOptions {
  const options = { ...TLS_OPTIONS, cert: readFileSync(certFile), key: readFileSync(keyFile) };
  createSecureContext(options);
  return options;
}

function stampOf({ certFile, keyFile }: TlsFiles): string {
  // statSync follows symlinks, so the atomic `..data` swap of a mounted Kubernetes Secret is seen.
  const stamp = (file: string) => {
    const info = statSync(file, { throwIfNoEntry: false });
    return info ? `${info.ino}:${info.size}:${info.mtimeMs}` : 'missing';
  };
  return `${stamp(certFile)}|${stamp(keyFile)}`;
}

export interface TlsWatchOptions {
  files: TlsFiles;
  apply: (options: SecureContextOptions) => void;
  onReload?: () => void;
  onError?: (error: Error) => void;
  intervalMs?: number;
}

/**
 * Polls the certificate and key and applies a new pair once it loads and matches. A half-written pair (the
 * certificate renewed, the key not yet) is never applied: the old context stays until both are consistent.
 */
export function watchTlsFiles({ files, apply, onReload, onError, intervalMs = 1_000 }: TlsWatchOptions) {
  let seen = stampOf(files);
  const check = () => {
    const stamp = stampOf(files);
    if (stamp === seen) return false;
    seen = stamp;
    try {
      apply(loadTls(files));
      onReload?.();
      return true;
    } catch (error) {
      onError?.(error as Error);
      return false;
    }
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
