import rule, { examples } from '../../pipeline/normalize/rules/paper-header.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);
