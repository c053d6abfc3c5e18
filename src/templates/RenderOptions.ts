import type { ClusterData } from './ClusterData.ts';
import type { NodeTemplate } from './NodeTemplate.ts';

/** What renderIgnition and renderCloudConfig take. */
export interface RenderOptions {
  template: NodeTemplate;
  /** What templateNeeds asked for; `{}` (the default) when the template holds everything itself. */
  cluster?: ClusterData;
}
