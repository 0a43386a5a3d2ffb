import rule, { examples } from '../../pipeline/normalize/rules/reconcile-toc.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);
