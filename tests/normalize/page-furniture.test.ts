import rule, { examples } from '../../pipeline/normalize/rules/page-furniture.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);
