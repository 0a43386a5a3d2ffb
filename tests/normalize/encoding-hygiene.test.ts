import rule, { examples } from '../../pipeline/normalize/rules/encoding-hygiene.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);
