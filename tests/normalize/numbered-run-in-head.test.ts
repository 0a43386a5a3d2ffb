import rule, { examples } from '../../pipeline/normalize/rules/numbered-run-in-head.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);
