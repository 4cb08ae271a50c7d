import type { AppContext } from '../../src/platform/context.ts';
import { approveFeatures, backtestFeatures, createFeatureDraft } from '../../src/modules/risk/service.ts';
import { retireFeature } from '../../src/modules/risk/service/features.ts';

const author = {
  kind: 'user' as const,
  id: 'fixture-analyst-a',
  name: 'fixture-analyst-a',
  role: 'risk_analyst' as const,
  enterpriseId: null,
};
const approver = {
  kind: 'user' as const,
  id: 'fixture-analyst-b',
  name: 'fixture-analyst-b',
  role: 'risk_analyst' as const,
  enterpriseId: null,
};

let n = 0;

/**
 * Puts live, the governed way (drafted, backtested, approved by a second analyst), a feature that
 * forces RED on every declaration whose expression holds (by default: all). Returns a function
 * that retires it.
 */
export async function forceRed(ctx: AppContext, expression = 'decl.lineCount >= 1'): Promise<() => Promise<void>> {
  const code = `TEST_FORCE_RED_${++n}_${Date.now().toString(36).toUpperCase()}`;
  const draft = await createFeatureDraft(ctx, author, {
    code,
    name: 'Test: every declaration RED',
    description: 'A test fixture: forces the level RED, so the declaration is selected for inspection.',
    category: 'GOODS',
    scope: 'DECLARATION',
    expression,
    weight: '10',
    forceLevel: 'RED',
  } as Parameters<typeof createFeatureDraft>[2]);
  const version = (draft as { version: number }).version;
  await backtestFeatures(ctx, author, [{ code, version }]);
  await approveFeatures(ctx, approver, [{ code, version }]);
  return async () => {
    await retireFeature(ctx, approver, code, version, 'test over');
  };
}
