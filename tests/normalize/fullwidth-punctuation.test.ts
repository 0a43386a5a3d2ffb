import rule, { examples } from '../../pipeline/normalize/rules/fullwidth-punctuation.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);
