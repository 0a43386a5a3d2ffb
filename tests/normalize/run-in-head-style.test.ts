import rule, { examples } from '../../pipeline/normalize/rules/run-in-head-style.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);
