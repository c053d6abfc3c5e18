/** What a source tells logs and metrics about its own health (not about the Secrets' content). */
export interface SourceObserver {
  /** `kind` is a short stable label value (`read`, `parse`, `duplicate`, `list`, `watch`, `forbidden`…). */
  error?(kind: string, message: string, detail?: Record<string, unknown>): void;
  /** A full list or an event was applied: the view is current as of now. */
  synced?(): void;
  info?(message: string, detail?: Record<string, unknown>): void;
}
