/** What a source tells logs and metrics about its own health (not about the Secrets' content). */
export interface SourceObserver {
  /** `kind` is a short stable label value (`read`, `parse`, `duplicate`, `list`, `watch`, `forbidden`…). */
  error?(kind: string, message: string, detail?: Record<string, unknown>): void;
  /** A full list or an event was applied: the view is current as of now. */
  synced?(): void;
  info?(message: string, detail?: Record<string, unknown>): void;
  /** The same failure as the one last reported, again (a retry loop): counted, not logged again. */
  repeated?(kind: string): void;
  /** The list/watch is being re-established after a failure or an expired resourceVersion. */
  reconnect?(): void;
  /**
   * The outcome of one first-fetch record (`written`, `exists`, `stale`, `gone`, `conflict`, `failed`,
   * `dropped`); `reason` is set when it deserves a log line. A token Secret's record names the token by its
   * fingerprint; a per-machine token's by its jti and machine (neither authenticates anyone).
   */
  firstFetchWrite?(
    result: string,
    detail: { secret: string; reason?: string } & (
      { tokenFingerprint: string } | { jti: string; machine: string }
    ),
  ): void;
  /**
   * The outcome of one render-status write on a template Secret (`written`, `conflict`, `gone`, `failed`);
   * `reason` is set when it deserves a log line.
   */
  renderStatusWrite?(result: string, detail: { secret: string; reason?: string }): void;
}
