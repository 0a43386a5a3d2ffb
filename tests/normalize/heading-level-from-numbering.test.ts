import rule, { examples } from '../../pipeline/normalize/rules/heading-level-from-numbering.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);
