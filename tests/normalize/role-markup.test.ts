import rule, { examples } from '../../pipeline/normalize/rules/role-markup.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);
