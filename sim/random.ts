/** The seeded generator lives in the kernel (src/kernel/random.ts): the risk demo runs it at first start. */
export * from '../src/kernel/random.ts';
