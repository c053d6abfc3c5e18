import { BOOTSTRAP_TOKEN_NAMESPACE, type BootstrapTokenPlan } from './planBootstrapToken.ts';

/** The output line about a pool's bootstrap token: its name and expiry, never the token. */
export function describeBootstrapToken(plan: BootstrapTokenPlan): string {
  const expiry = plan.expiration === undefined ? 'no expiry' : `expires ${plan.expiration}`;
  const verb = plan.create === undefined ? 'kept' : 'created';
  return `${verb} bootstrap token Secret ${BOOTSTRAP_TOKEN_NAMESPACE}/${plan.name} (${expiry}); the template points at it`;
}
