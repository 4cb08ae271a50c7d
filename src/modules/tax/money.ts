/** Exact decimals moved to the kernel (src/kernel/money.ts), where every module reaches them. */
export * from '../../kernel/money.ts';
