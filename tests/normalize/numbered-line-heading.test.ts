import rule, { examples } from '../../pipeline/normalize/rules/numbered-line-heading.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);
