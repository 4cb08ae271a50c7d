/** Business dates moved to the kernel (src/kernel/dates.ts), where every module reaches them. */
export * from '../../kernel/dates.ts';
