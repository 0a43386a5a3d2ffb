import rule, { examples } from '../../pipeline/normalize/rules/letter-spaced-title.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);
