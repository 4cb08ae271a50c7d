/** Writes docs/data-classification.md from the classification in code (src/modules/classification.ts). */
import { writeFileSync } from 'node:fs';
import { classificationMarkdown } from '../src/modules/classification.ts';

writeFileSync(new URL('../docs/data-classification.md', import.meta.url), classificationMarkdown());
console.log('docs/data-classification.md written');
