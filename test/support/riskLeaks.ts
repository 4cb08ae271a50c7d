/**
 * A deep scan of an API answer for anything that reveals a risk verdict: the keys a decision is
 * made of (level, score, fired features, model output, draw, probability, the decision's parameter
 * versions…) and texts that name the selection (risk codes, "risk engine", 红色风险…). Returns the
 * paths and why, empty when the answer is clean.
 */

/** Keys that exist only to carry a verdict or its making, wherever they appear. */
const VERDICT_KEYS = new Set([
  'risk',
  'riskLevel',
  'score',
  'featureScore',
  'modelScore',
  'fired',
  'features',
  'shadowFeatures',
  'model',
  'shadowModel',
  'drivers',
  'draw',
  'probability',
  'probabilitySource',
  'classRate',
  'unbiasedSample',
  'selected',
  'forcedBy',
  'capacityExhausted',
  'expectedRevenue',
  'revenueAtStake',
  'featureSet',
  'featureSetVersion',
  'inputHash',
]);
const LEVELS = new Set(['RED', 'YELLOW', 'BLUE']);
const ACTIONS = new Set(['INSPECT', 'DOCUMENT_CHECK', 'RELEASE']);
/** Reason codes of the selection, and texts that say why or by what goods were selected. */
const RISK_CODES = /\b(RISK_(RED|YELLOW|BLUE)|RANDOM_(FLOOR|CLASS_RATE)|TARGETED_YELLOW|INHERITED_SELECTION)\b/;
const RISK_TEXT =
  /risk engine|risk\.assess|\brisk (red|yellow|blue)\b|selected for (inspection|checking)|(红色|黄色|蓝色)风险|风险(等级|评分|研判)/i;

function versionLeak(v: unknown): boolean {
  if (!v || typeof v !== 'object') return false;
  return Object.keys(v).some(
    (k) => k.startsWith('risk.') || k === 'featureSet' || k === 'model' || k === 'shadowModel',
  );
}

export function riskLeaks(value: unknown, path = '$'): string[] {
  const out: string[] = [];
  if (typeof value === 'string') {
    if (RISK_CODES.test(value) || RISK_TEXT.test(value))
      out.push(`${path}: text names the selection: ${JSON.stringify(value.slice(0, 160))}`);
    return out;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...riskLeaks(v, `${path}[${i}]`)));
    return out;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = `${path}.${k}`;
      if (VERDICT_KEYS.has(k)) out.push(`${p}: verdict key`);
      else if ((k === 'level' || k === 'riskLevel') && LEVELS.has(v as string))
        out.push(`${p}: risk level ${String(v)}`);
      else if (k === 'action' && ACTIONS.has(v as string)) out.push(`${p}: risk action ${String(v)}`);
      else if ((k === 'parameterVersions' || k === 'versions') && versionLeak(v)) out.push(`${p}: risk versions`);
      out.push(...riskLeaks(v, p));
    }
  }
  return out;
}
