import rule, { examples } from '../../pipeline/normalize/rules/raw-html.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);
