import rule, { examples } from '../../pipeline/normalize/rules/toc-entries.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);
