/** The risk traffic simulation lives in the risk module (src/modules/risk/sim/), which its demo runs at first start. */
export * from '../../src/modules/risk/sim/traders.ts';
