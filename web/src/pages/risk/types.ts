export type Level = 'RED' | 'YELLOW' | 'BLUE';

export interface Fired {
  code: string;
  version: number;
  mode: 'LIVE' | 'SHADOW';
  contribution: number;
  forceLevel: 'RED' | 'YELLOW' | null;
  lines: number[];
  evidence: Record<string, number | string | boolean | null>;
  name?: string;
}

export interface Decision {
  declarationId: string;
  uscc: string;
  enterpriseName: string | null;
  kind: string;
  port: string;
  businessDate: string;
  decidedAt: string;
  level: Level;
  score: string;
  featureScore: string;
  modelScore: string;
  forcedBy: string | null;
  features: Fired[];
  shadowFeatures: Fired[];
  model: {
    version: number;
    probability: number;
    drivers: { feature: string; value: number | string | null; contribution: number }[];
  } | null;
  shadowModel: { version: number; probability: number } | null;
  probability: number;
  probabilitySource: 'MODEL' | 'LEVEL_PRIOR';
  creditClass: string;
  draw: number;
  classRate: string;
  unbiasedSample: boolean;
  selected: boolean;
  action: 'INSPECT' | 'DOCUMENT_CHECK' | 'RELEASE';
  reasons: string[];
  capacityExhausted: boolean;
  totalValue: string;
  revenueAtStake: string;
  expectedRevenue: string;
  versions: {
    featureSet: number;
    model: number | null;
    shadowModel: number | null;
    parameters: Record<string, number>;
  };
  input: {
    lines: {
      hsCode: string;
      description: string;
      quantity: string;
      unit: string;
      valueCny: string;
      originCountry: string;
    }[];
  };
  outcome: { outcome: string; revenueRecovered: string; recordedAt: string; recordedBy: string } | null;
}

export interface Backtest {
  id: string;
  runAt: string;
  runBy: string;
  metrics: Record<string, unknown>;
}

export interface FeatureVersion {
  code: string;
  version: number;
  status: 'DRAFT' | 'SHADOW' | 'LIVE' | 'RETIRED';
  name: string;
  description: string;
  category: string;
  scope: 'DECLARATION' | 'LINE' | 'SALE';
  expression: string;
  weight: string;
  forceLevel: string | null;
  expiresOn: string | null;
  owner: string;
  createdBy: string;
  createdAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  retireReason: string | null;
  expired: boolean;
  latestBacktest: Backtest | null;
}

export interface FeatureSummary extends FeatureVersion {
  liveVersion: number | null;
  stats: { fired: number; inspected: number; hits: number; hitRate: number | null; revenueRecovered: string };
}

export interface Model {
  version: number;
  status: 'DRAFT' | 'SHADOW' | 'LIVE' | 'RETIRED';
  algorithm: string;
  createdBy: string;
  createdAt: string;
  approvedBy: string | null;
  metrics: {
    valid?: Record<string, number>;
    validUnbiasedSample?: Record<string, number> | null;
    validBaseRate?: number;
  };
  training: {
    labelled?: number;
    positives?: number;
    trainRows?: number;
    validRows?: number;
    importance?: { feature: string; gain: number }[];
  };
  latestBacktest: Backtest | null;
}

export const LEVEL_COLOR: Record<Level, string> = { RED: '#c0392b', YELLOW: '#b7791f', BLUE: '#0b4f8a' };
export const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
